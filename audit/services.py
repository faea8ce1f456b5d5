"""Writing to the audit trail. Call inside the transaction of the change it records."""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .context import current_ip
from .models import AuditChainHead, AuditEvent, current_audit_key_id

SENSITIVE_NAME_PARTS = ("password", "token", "key", "secret", "hash")


def is_sensitive_name(name: str) -> bool:
    """A field (or primary key) whose name says it holds a secret: never written to the trail."""
    lowered = name.lower()
    return any(part in lowered for part in SENSITIVE_NAME_PARTS)


def record_identity(obj: models.Model) -> tuple[str, str]:
    """How the trail names a record: (id, description).

    A record whose primary key is itself a secret (an API token, whose key is
    both its id and its str()) is named by its holder instead, never by the key.
    """
    if is_sensitive_name(obj._meta.pk.name):
        holder = getattr(obj, "user", None)
        if holder is None:
            return "hidden", str(obj._meta.verbose_name)
        return f"user-{holder.pk}", f"{obj._meta.verbose_name} of {holder}"[:200]
    if obj._meta.label_lower in NAMED_BY_NUMBER:
        # Its str() may quote what someone wrote (a briefing's title, an action's description, a file's
        # name): the trail, which administrators read, names it by kind, number and reference only.
        reference = getattr(obj, "alert_reference", "") or getattr(getattr(obj, "incident", None), "display_reference", "")
        return str(obj.pk), f"{obj._meta.verbose_name.capitalize()} {obj.pk}" + (f" of {reference}" if reference else "")
    return str(obj.pk), str(obj)[:200]


# Records whose str() may quote content that can name a child (DESIGN.md: an administrator does not
# read incident content by virtue of that role).
NAMED_BY_NUMBER = frozenset(
    {
        "incidents.briefing",
        "incidents.ceodecision",
        "incidents.incidentevent",
        "incidents.casereview",
        "actions.action",
        "documents.attachment",
        "documents.wordimport",
        "alerts.notification",
        "alerts.emaildelivery",
        "learning.learningitem",
    }
)


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    Runs in the caller's transaction (opening one if there is none), so that
    the event and the change it records commit together or not at all.
    """
    # No savepoint of its own: inside a step it is part of the step's transaction.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        object_id, object_repr = record_identity(obj) if obj is not None else ("", "")
        event = AuditEvent(
            sequence=head.last_sequence + 1,
            at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_name=(actor.get_username() if actor is not None and actor.is_authenticated else ""),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=object_id,
            object_repr=object_repr,
            ip_address=ip_address or current_ip.get(),
            changes=changes or {},
            previous_hash=head.last_hash,
            key_id=current_audit_key_id(),
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_sequence = event.sequence
        head.last_hash = event.hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return event
