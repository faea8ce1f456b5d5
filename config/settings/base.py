"""Settings shared by every environment.

Everything that differs between environments comes from an environment
variable; production.py only tightens what the environment cannot express.
"""

import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-not-for-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

SERVICE_NAME = "Serious incident notifications"
# The address links in emails and documents point at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rules",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tasks",
    "django_tasks_db",
    # The business, one app per area of the source document.
    "accounts",
    "organisation",
    "audit",
    "core",
    "incidents",
    "learning",
    "actions",
    "alerts",
    "intake",
    "documents",
    # Retention, subject access and re-encryption over every app: at the top of the house.
    "privacy",
    # The demo organisation, at the top of the house (never loaded in production).
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static assets keep their caching; every other response is no-store.
    "core.cache_control.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Before the session limits, which tell the person why they were signed out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.context.RequestAddressMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.VerifiedLoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 in words, not Django's bare "Bad Request" (decision 0009).
    "core.request_limits.RequestSizeLimitMiddleware",
    # Last, so that it sees every authentication failure.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "core.context_processors.service",
            ],
        },
    },
]

# What the apps above core add to every page and to the home page, in order (core.features):
# core imports none of them itself.
SERVICE_FEATURES = {
    "navigation": [
        "incidents.navigation.incident_navigation",
        "learning.selectors.learning_navigation",
        "alerts.navigation.alerts_navigation",
    ],
    "home_sections": [
        "incidents.selectors.home_sections_for",
        "learning.selectors.home_sections_for",
        "learning.selectors_cascade.home_sections",
    ],
    "unread_count": ["alerts.selectors.unread_count"],
    # What the reminder job watches: each app offers its own deadlines (alerts.reminders).
    "due_items": [
        "incidents.reminders.due_items",
        "actions.reminders.due_items",
        "learning.reminders.due_items",
        "learning.selectors_cascade.due_items",
    ],
}
# For each subject an action may belong to (actions.models.SUBJECT_FIELDS), the module of its
# app that answers for it: who reads it, who is accountable, its timeline (actions.subjects).
ACTION_SUBJECTS = {"incident": "incidents.action_subject", "learning_item": "learning.action_subject"}

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other rather than failing with "database is locked",
    # and a write transaction takes its lock at BEGIN, so two steps on the same
    # record are serialised just as SELECT ... FOR UPDATE serialises them on
    # PostgreSQL.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
# The compiled GOV.UK Frontend stylesheet asks for its fonts and images at
# /assets/...; the package's dist folder holds exactly that "assets" folder.
WHITENOISE_ROOT = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"

# A body's text (files aside) is read up to this, well above the largest form the fields' own limits
# allow, so an over-long text is refused beside its field with all that was typed kept; beyond it,
# core.request_limits answers 413 (docs/decisions/0009).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Word imports and attachments larger than this are refused beside the file field.
DOCUMENT_MAX_UPLOAD_BYTES = int(os.environ.get("DOCUMENT_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# The virus scanner (ClamAV's clamd, documents/scanning.py): a unix socket, or a host and port.
# Neither set: no scanning (development and tests); production refuses to start so.
# clamd's StreamMaxLength must be larger than DOCUMENT_MAX_UPLOAD_BYTES.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", "3310"))
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", "60"))

# --- Sessions and sign-in -------------------------------------------------
SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("SESSION_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_LIMIT_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_LIMIT_SECONDS", str(10 * 60 * 60)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIMIT_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

# Every user must pass a TOTP second factor unless this is switched off
# (the demo organisation switches it off; production cannot, see production.py).
OTP_REQUIRED = env_bool("OTP_REQUIRED", True)
OTP_TOTP_ISSUER = SERVICE_NAME
# A person's API token expires this many days after an administrator issues it (docs/decisions/0010).
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "90"))
# A first authenticator is set up with the password and a one-time code emailed to the person,
# valid this many hours (docs/decisions/0010).
ENROLMENT_CODE_LIFETIME_HOURS = int(os.environ.get("ENROLMENT_CODE_LIFETIME_HOURS", "72"))

# Sign-in throttling (core/throttling.py): AXES_FAILURE_LIMIT wrong passwords for one person
# from one address lock that person at that address only (a stranger cannot lock someone out
# from everywhere); AXES_ADDRESS_FAILURE_LIMIT from one address, whoever they name, lock the
# address (a password spray is stopped; larger, because an office shares one address).
AXES_FAILURE_LIMIT = 10
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "core.throttling.PersonAndAddressLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind reverse proxies (production), how many of them append to X-Forwarded-For: the
# audit trail and the lockout log then record the person's address, not the proxy's.
# 0 (the default) trusts no header: a client could write anything there.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# The lockout log takes the address the same way as the audit trail.
AXES_CLIENT_IP_CALLABLE = "audit.context.client_address"

# --- Security headers -----------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Forms ----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- API ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # A person's API token, kept hashed, expiring (docs/decisions/0010).
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Rate limits (429 with Retry-After): per person (or personal token), and per address for
    # callers who are no person, the intake's source systems among them. Counted in the
    # shared cache below, so that every process counts together.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "30/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "120/minute"),
    },
    # The address is found as the audit trail finds it (behind TRUSTED_PROXY_COUNT proxies).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# The cache the API rate limits count in: the database, so that every process shares it
# (the table is made by core's migration 0001).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Serious incident notifications API",
    "DESCRIPTION": "Serious incident notification and learning: the same services and visibility as the pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API description is for people and systems that use it (docs/decisions/0007).
    "SERVE_PERMISSIONS": ["core.api.IsPersonOrSystem"],
    "SERVE_AUTHENTICATION": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
        "intake.api.authentication.SourceTokenAuthentication",
    ],
    # Served from this site: the CSP allows no third-party scripts.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, so the schema (and `check --deploy`) has no naming collisions.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "incidents.choices.Stage",
        "ActionStatusEnum": "incidents.choices.ActionStatus",
        "ReviewStatusEnum": "incidents.choices.ReviewStatus",
        "ActionKindEnum": "actions.choices.ActionKind",
        "ActionStrengthEnum": "actions.models.Strength",
        "LearningSourceEnum": "learning.choices.Source",
        "LearningRungEnum": "learning.choices.Rung",
        "LearningItemStatusEnum": "learning.choices.ItemStatus",
    },
}

# --- Audit trail (docs/decisions/0011) ------------------------------------
# Each event is sealed with HMAC-SHA256 under a key held here, outside the database, so that
# someone who can write to the database cannot recompute the chain. AUDIT_HMAC_KEYS is a JSON
# object of key id -> secret; AUDIT_HMAC_KEY_ID names the one new events are sealed with. Old
# keys stay in the object after a rotation, so that the events they sealed can still be checked.
# The default key is for laptops and tests only: production refuses it.
DEVELOPMENT_AUDIT_HMAC_KEYS = {"development": "insecure-development-audit-key-not-for-production"}
try:
    AUDIT_HMAC_KEYS = (
        json.loads(os.environ["AUDIT_HMAC_KEYS"]) if os.environ.get("AUDIT_HMAC_KEYS") else DEVELOPMENT_AUDIT_HMAC_KEYS
    )
except ValueError as error:
    raise ImproperlyConfigured(f'AUDIT_HMAC_KEYS must be a JSON object, e.g. {{"2026-12": "<secret>"}}: {error}') from None
if not isinstance(AUDIT_HMAC_KEYS, dict) or not all(isinstance(v, str) and v for v in AUDIT_HMAC_KEYS.values()):
    raise ImproperlyConfigured("AUDIT_HMAC_KEYS must be a JSON object of key id -> secret (text).")
AUDIT_HMAC_KEY_ID = os.environ.get("AUDIT_HMAC_KEY_ID", next(iter(AUDIT_HMAC_KEYS), ""))
# `manage.py audit_anchor` appends the chain head to this file; `audit_verify` checks the trail
# against it. Keep it (or a copy) where the database's owner cannot rewrite it.
AUDIT_ANCHOR_FILE = Path(os.environ.get("AUDIT_ANCHOR_FILE", BASE_DIR / "var" / "audit-anchors.jsonl"))
# Only the test settings let `manage.py flush` empty the audit table (the database refuses otherwise).
AUDIT_ALLOW_FLUSH = False

# --- Fields encrypted at rest (docs/decisions/0019) ------------------------
# A SIN's child, case reference and court are stored encrypted under a key held here, outside the
# database. FIELD_ENCRYPTION_KEYS is a JSON object of key id -> Fernet key (32 random bytes,
# URL-safe base64); FIELD_ENCRYPTION_KEY_ID names the one new values are written with. Old keys stay
# after a rotation until `manage.py fields_reencrypt` has written everything again under the new one.
# The default key is for laptops and tests only: production refuses it.
DEVELOPMENT_FIELD_ENCRYPTION_KEYS = {"development": "aW5zZWN1cmUgZGV2ZWxvcG1lbnQgZmllbGQga2V5ISE="}
try:
    FIELD_ENCRYPTION_KEYS = (
        json.loads(os.environ["FIELD_ENCRYPTION_KEYS"])
        if os.environ.get("FIELD_ENCRYPTION_KEYS")
        else DEVELOPMENT_FIELD_ENCRYPTION_KEYS
    )
except ValueError as error:
    raise ImproperlyConfigured(
        f'FIELD_ENCRYPTION_KEYS must be a JSON object, e.g. {{"2026-12": "<Fernet key>"}}: {error}'
    ) from None
if not isinstance(FIELD_ENCRYPTION_KEYS, dict) or not all(isinstance(v, str) and v for v in FIELD_ENCRYPTION_KEYS.values()):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be a JSON object of key id -> Fernet key (text).")
FIELD_ENCRYPTION_KEY_ID = os.environ.get("FIELD_ENCRYPTION_KEY_ID", next(iter(FIELD_ENCRYPTION_KEYS), ""))

# --- Background work ------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Email ----------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "serious-incidents@example.org")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "15"))
# The first value of the administrator's setting; change it in Administration > Alert configuration.
SERIOUS_INCIDENT_MAILBOX = os.environ.get("SERIOUS_INCIDENT_MAILBOX", "serious.incidents@example.org")
# Retries of a failed email, with back-off (minutes); after the last it is marked failed for an administrator.
EMAIL_RETRY_MINUTES = [1, 5, 15, 60, 240, 720]
# A delivery left "being sent" longer than this (a worker stopped mid-send) is tried again.
EMAIL_STUCK_AFTER_SECONDS = int(os.environ.get("EMAIL_STUCK_AFTER_SECONDS", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
