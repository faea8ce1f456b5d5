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

# HTTPS only, and browsers told so for at least a year: neither can be turned down from the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if not SECURE_SSL_REDIRECT:
    raise ImproperlyConfigured("SECURE_SSL_REDIRECT cannot be switched off in production: every request must use HTTPS.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
ONE_YEAR_SECONDS = 365 * 24 * 60 * 60
try:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(ONE_YEAR_SECONDS)))
except ValueError:
    raise ImproperlyConfigured("SECURE_HSTS_SECONDS must be a number of seconds.") from None
if SECURE_HSTS_SECONDS < ONE_YEAR_SECONDS:
    raise ImproperlyConfigured(f"SECURE_HSTS_SECONDS must be at least a year ({ONE_YEAR_SECONDS}) in production.")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Alerts name incidents and people: they leave over TLS (STARTTLS or implicit TLS), except to a
# relay on this machine, which an administrator has set up and trusts.
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
TRUSTED_LOCAL_RELAYS = ("localhost", "127.0.0.1", "::1")
if EMAIL_USE_TLS and EMAIL_USE_SSL:  # noqa: F405 - from base
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL (implicit TLS), not both.")
if not (EMAIL_USE_TLS or EMAIL_USE_SSL) and EMAIL_HOST.strip().lower() not in TRUSTED_LOCAL_RELAYS:  # noqa: F405
    raise ImproperlyConfigured(
        f"Email to {EMAIL_HOST} would travel unencrypted: set EMAIL_USE_TLS=1 (or EMAIL_USE_SSL=1), "  # noqa: F405
        "or send through a relay on this machine (EMAIL_HOST=localhost)."
    )

# The audit trail's seals need a key the database does not hold (docs/decisions/0011).
if not os.environ.get("AUDIT_HMAC_KEYS", "").strip():
    raise ImproperlyConfigured(
        'Set AUDIT_HMAC_KEYS to a JSON object of key id -> secret, e.g. {"2026-12": "<at least 32 random characters>"}: '
        "the audit trail's seals need a key held outside the database."
    )
for _key_id, _secret in AUDIT_HMAC_KEYS.items():  # noqa: F405 - from base
    if len(_secret) < 32 or _secret in DEVELOPMENT_AUDIT_HMAC_KEYS.values():  # noqa: F405
        raise ImproperlyConfigured(f"The audit key {_key_id!r} must be a random secret of at least 32 characters.")
if AUDIT_HMAC_KEY_ID not in AUDIT_HMAC_KEYS:  # noqa: F405
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEY_ID must name one of the keys in AUDIT_HMAC_KEYS (the one new events are sealed with)."
    )

# A SIN's child, case reference and court are encrypted under a key the database does not hold (docs/decisions/0019).
if not os.environ.get("FIELD_ENCRYPTION_KEYS", "").strip():
    raise ImproperlyConfigured(
        'Set FIELD_ENCRYPTION_KEYS to a JSON object of key id -> Fernet key, e.g. {"2026-12": "<Fernet.generate_key()>"}: '
        "the child and case reference fields are encrypted with a key held outside the database."
    )
from cryptography.fernet import Fernet  # noqa: E402

for _key_id, _key in FIELD_ENCRYPTION_KEYS.items():  # noqa: F405 - from base
    if _key in DEVELOPMENT_FIELD_ENCRYPTION_KEYS.values():  # noqa: F405
        raise ImproperlyConfigured(f"The field encryption key {_key_id!r} is the development key: generate one of your own.")
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            f"The field encryption key {_key_id!r} is not a Fernet key (32 random bytes, URL-safe base64)."
        ) from None
if FIELD_ENCRYPTION_KEY_ID not in FIELD_ENCRYPTION_KEYS:  # noqa: F405
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEY_ID must name one of the keys in FIELD_ENCRYPTION_KEYS (the one new values use)."
    )

# Every file people send is scanned for viruses (documents/scanning.py).
if not (CLAMD_SOCKET or CLAMD_HOST):  # noqa: F405 - from base
    raise ImproperlyConfigured(
        "Set CLAMD_SOCKET (or CLAMD_HOST and CLAMD_PORT): every uploaded file must be scanned for viruses."
    )
