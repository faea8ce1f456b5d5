"""Production: everything comes from the environment; nothing here may be weakened."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
OTP_REQUIRED = True

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production.")

# The defaults of the other settings suit a laptop, not a deployment: production names them all.
REQUIRED = ("DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL", "EMAIL_HOST", "DEFAULT_FROM_EMAIL", "SERIOUS_INCIDENT_MAILBOX")
_missing = [name for name in REQUIRED if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(f"Set {', '.join(_missing)} in the environment: production has no defaults for them.")
if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database: production does not run on SQLite.")
if not SITE_URL.startswith("https://"):  # noqa: F405 - from base
    raise ImproperlyConfigured("SITE_URL must be the https:// address people use, for the links in emails.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
