"""The audit trail: an append-only, hash-chained record of every change and every view.

Each event carries the seal of the one before it, and the chain head records
the last event, so that `manage.py audit_verify` finds an altered, inserted or
deleted row. A seal is an HMAC-SHA256 under a key held outside the database
(settings.AUDIT_HMAC_KEYS), so that someone who can write to the database
but does not hold the key cannot recompute the chain after changing it; the
key's id is stored on each event, so that keys can be rotated. The database
refuses UPDATE, DELETE and TRUNCATE of events (migration 0005), and
`manage.py audit_anchor` copies the chain head to a file outside the database,
so that cutting events off the end is found too (docs/decisions/0011).
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class UnknownAuditKey(Exception):
    """An event names a key this server does not hold."""


def audit_key(key_id: str) -> bytes:
    """The secret of one sealing key, from settings.AUDIT_HMAC_KEYS (never from the database)."""
    try:
        return settings.AUDIT_HMAC_KEYS[key_id].encode()
    except KeyError:
        raise UnknownAuditKey(key_id) from None


def current_audit_key_id() -> str:
    key_id = settings.AUDIT_HMAC_KEY_ID
    if key_id not in settings.AUDIT_HMAC_KEYS:
        raise ImproperlyConfigured(f"AUDIT_HMAC_KEY_ID {key_id!r} is not one of the keys in AUDIT_HMAC_KEYS.")
    return key_id


def seal(payload: dict, key_id: str) -> str:
    """The HMAC-SHA256 of an event's canonical content under the key `key_id`."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(audit_key(key_id), canonical.encode(), hashlib.sha256).hexdigest()


class AuditEvent(models.Model):
    """One thing that happened: who did what to which record, when, from where, and what changed."""

    sequence = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which of settings.AUDIT_HMAC_KEYS sealed the event ("" for none: a seal that proves nothing).
    key_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.object_repr}"

    def payload(self) -> dict:
        """What the seal covers: every field but the seal itself (the key's id included)."""
        return {
            "sequence": self.sequence,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "ip_address": self.ip_address,
            "changes": self.changes,
            "previous_hash": self.previous_hash,
            "key_id": self.key_id,
        }

    def compute_hash(self) -> str:
        """The seal under the event's own key (UnknownAuditKey if this server does not hold it)."""
        return seal(self.payload(), self.key_id)


GENESIS_HASH = "0" * 64


class AuditChainHead(models.Model):
    """The single row naming the last event of the chain; locked while an event is appended."""

    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"Audit chain head at event {self.last_sequence}"
