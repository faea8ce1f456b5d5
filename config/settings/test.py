"""The test suite: the same as production in behaviour, faster in hashing."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
OTP_REQUIRED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
AXES_ENABLED = True
# The rate limits count in memory (no queries added to the pinned query counts), and are high
# enough that no test meets them by chance; core/tests/test_throttling.py sets its own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
# The test runner empties the database between transactional tests; the audit table's
# triggers let only this flush through (audit/management/commands/flush.py).
AUDIT_ALLOW_FLUSH = True
# Never the development file; the tests that anchor point it at a file of their own (a command
# they run in another process, through the environment).
AUDIT_ANCHOR_FILE = Path(
    os.environ.get("AUDIT_ANCHOR_FILE") or Path(tempfile.gettempdir()) / f"sin-test-audit-anchors-{os.getpid()}.jsonl"  # noqa: F405
)
# The development key of the encrypted fields (docs/decisions/0019), whatever the environment says:
# tests that need another key override these.
FIELD_ENCRYPTION_KEYS = DEVELOPMENT_FIELD_ENCRYPTION_KEYS  # noqa: F405
FIELD_ENCRYPTION_KEY_ID = "development"
