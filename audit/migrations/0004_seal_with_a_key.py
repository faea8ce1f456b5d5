"""Seal the events written before keyed seals with the current key (docs/decisions/0011).

Events written before this change were sealed with plain SHA-256, which anyone
can recompute. If their chain is intact, they are sealed again, once, with the
current HMAC key (settings.AUDIT_HMAC_KEY_ID), so that from now on the whole
trail needs the key to forge. If their chain is already broken, they are left
exactly as they are, and `audit_verify` reports them: nothing is hidden by the
upgrade. The payload below is AuditEvent.payload() as of this migration.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations

GENESIS_HASH = "0" * 64


def _payload(event, key_id):
    payload = {
        "sequence": event.sequence, "at": event.at.isoformat(), "actor": event.actor_id, "actor_name": event.actor_name,
        "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
        "object_repr": event.object_repr, "ip_address": event.ip_address, "changes": event.changes,
        "previous_hash": event.previous_hash,
    }
    if key_id is not None:
        payload["key_id"] = key_id
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def _unkeyed_chain_intact(events, head) -> bool:
    expected, previous = 1, GENESIS_HASH
    for event in events:
        if event.sequence != expected or event.previous_hash != previous or hashlib.sha256(_payload(event, None)).hexdigest() != event.hash:
            return False
        expected, previous = event.sequence + 1, event.hash
    return head is not None and (head.last_sequence, head.last_hash) == (expected - 1, previous)


def seal_with_a_key(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    events = list(AuditEvent.objects.order_by("sequence"))
    if not events or any(event.key_id for event in events):
        return
    head = AuditChainHead.objects.filter(pk=1).first()
    if not _unkeyed_chain_intact(events, head):
        print("\n  The audit trail's chain was already broken: its events are left unchanged for audit_verify to report.")
        return
    key_id = settings.AUDIT_HMAC_KEY_ID
    key = settings.AUDIT_HMAC_KEYS[key_id].encode()
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        previous = GENESIS_HASH
        for event in events:
            event.previous_hash = previous
            event.key_id = key_id
            event.hash = hmac.new(key, _payload(event, key_id), hashlib.sha256).hexdigest()
            cursor.execute(
                "UPDATE audit_auditevent SET previous_hash = %s, hash = %s, key_id = %s WHERE id = %s",
                [event.previous_hash, event.hash, key_id, event.pk],
            )
            previous = event.hash
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_event_key_id")]
    operations = [migrations.RunPython(seal_with_a_key, migrations.RunPython.noop)]
