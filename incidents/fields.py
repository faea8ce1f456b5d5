"""Fields kept encrypted at rest: the child, the case reference and the court of a SIN (docs/decisions/0019).

A value is stored as `fernet:<key id>:<Fernet token>` (AES-128-CBC with
HMAC-SHA256, from PyCA's `cryptography`), under a key held outside the
database: `settings.FIELD_ENCRYPTION_KEYS`, a JSON object of key id -> Fernet
key, with `FIELD_ENCRYPTION_KEY_ID` naming the one new values are written with.
Old keys stay in the object after a rotation, so that what they wrote is still
read (`manage.py fields_reencrypt` writes every value again under the current
key). An empty value stays empty. A value that no key held here opens raises
`UndecryptableValue`, naming the field and the key, never the value: a wrong
key fails loudly rather than showing nothing.

An encrypted value cannot be searched in the database (each encryption of the
same text differs), so the case reference has a keyed hash beside it
(`KeyedHashField`, HMAC-SHA256 of the normalised reference under a key derived
from the encryption key), indexed, for exact search: `search_hashes(text)`.
"""

import base64
import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.db import models

PREFIX = "fernet"


class UndecryptableValue(RuntimeError):
    """A stored value that none of the keys held here opens (the wrong key, or a value altered in the database)."""


@cache
def _fernet(key_id: str, key: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS[{key_id!r}] is not a Fernet key (32 random bytes, URL-safe base64: "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
        ) from None


def _keys() -> dict[str, str]:
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None)
    if not isinstance(keys, dict) or not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be a JSON object of key id -> Fernet key.")
    return keys


def current_key_id() -> str:
    key_id = getattr(settings, "FIELD_ENCRYPTION_KEY_ID", "") or next(iter(_keys()))
    if key_id not in _keys():
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEY_ID {key_id!r} is not one of the keys in FIELD_ENCRYPTION_KEYS.")
    return key_id


def encrypt(text: str) -> str:
    key_id = current_key_id()
    return f"{PREFIX}:{key_id}:{_fernet(key_id, _keys()[key_id]).encrypt(text.encode()).decode()}"


def decrypt(stored: str, *, label: str = "a value") -> str:
    prefix, _, rest = stored.partition(":")
    key_id, _, token = rest.partition(":")
    if prefix != PREFIX or not token:
        raise UndecryptableValue(f"{label} is not stored encrypted: the database holds a value this service did not write.")
    key = _keys().get(key_id)
    if key is None:
        raise UndecryptableValue(f"{label} was encrypted with the key {key_id!r}, which FIELD_ENCRYPTION_KEYS does not hold.")
    try:
        return _fernet(key_id, key).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(
            f"{label} does not open with the key {key_id!r}: FIELD_ENCRYPTION_KEYS holds another secret under that id, "
            "or the value was altered in the database."
        ) from None


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(f"{PREFIX}:")


class EncryptedTextField(models.TextField):
    """Text stored encrypted under FIELD_ENCRYPTION_KEYS; read and written as plain text by the code.

    Only `isnull` and an exact match on the empty text can be asked of the database.
    """

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value, label=f"{self.model.__name__}.{self.name}")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ("isnull", "exact"):
            return None  # FieldError: an encrypted column cannot be searched (see KeyedHashField)
        return super().get_lookup(lookup_name)


class EncryptedCharField(EncryptedTextField):
    """A short encrypted text: its `max_length` limits the plain text, the column (text) holds the longer token."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def formfield(self, **kwargs):
        from django import forms

        return super().formfield(**{"widget": forms.TextInput, **kwargs})


def normalised_reference(text: str) -> str:
    """A case reference as searched: capitals and digits only ("ne26 c-00412" is NE26C00412)."""
    return re.sub(r"[^0-9A-Z]", "", (text or "").upper())


@cache
def _derived_hash_key(key: str) -> bytes:
    material = base64.urlsafe_b64decode(key.encode())
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sin case reference search").derive(material)


def _hash_key(key_id: str) -> bytes:
    """A key for the search hash, derived from the encryption key (never the encryption key itself)."""
    _fernet(key_id, _keys()[key_id])  # a malformed key is refused here too, by name
    return _derived_hash_key(_keys()[key_id])


def keyed_hash(text: str, key_id: str | None = None) -> str:
    normalised = normalised_reference(text)
    if not normalised:
        return ""
    return hmac.new(_hash_key(key_id or current_key_id()), normalised.encode(), hashlib.sha256).hexdigest()


def search_hashes(text: str) -> list[str]:
    """The hashes `text` has under every key held here: a value hashed before a rotation is still found."""
    if not normalised_reference(text):
        return []
    return [keyed_hash(text, key_id) for key_id in _keys()]


class KeyedHashField(models.CharField):
    """The keyed hash of another field of the row, computed whenever the row is saved.

    A save with `update_fields` must name this field with its source, and `QuerySet.update()` of the
    source leaves it stale: the services save the whole row.
    """

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = keyed_hash(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
