"""Local development and the demo (`make run`)."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# The demo organisation signs in with a password alone unless OTP_REQUIRED=1
# is set (see README); every user still has a TOTP device.
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
