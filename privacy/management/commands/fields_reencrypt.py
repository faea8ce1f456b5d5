"""Write every encrypted field again under the current key, after a rotation (docs/decisions/0019).

Add the new key to FIELD_ENCRYPTION_KEYS, point FIELD_ENCRYPTION_KEY_ID at it, run this, and only then
remove the old key. Each row is read (decrypted with whichever key wrote it) and written back under the
current key, its keyed search hash with it, in batches, each row locked while it is rewritten.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from audit.services import audit_record
from incidents.fields import current_key_id
from incidents.models import Incident

ENCRYPTED = ["children", "case_reference", "court", "case_reference_hash"]


class Command(BaseCommand):
    help = "Write the encrypted fields of every SIN again under FIELD_ENCRYPTION_KEY_ID (after a key rotation)."

    def handle(self, *args, **options):
        key_id = current_key_id()
        done = 0
        for pk in Incident.objects.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                incident = Incident.objects.select_for_update().only("pk", *ENCRYPTED).get(pk=pk)
                # updated_at is left alone: the record's content did not change.
                incident.save(update_fields=ENCRYPTED)
            done += 1
        audit_record(actor=None, action="privacy.fields_reencrypt", changes={"key_id": key_id, "incidents": done})
        self.stdout.write(f"{done} incident(s) written again under the key {key_id!r}.")
