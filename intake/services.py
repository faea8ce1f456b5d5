"""Receiving an incident from another system (source 2.10), and issuing and revoking its tokens.

`intake_receive` creates a draft non-case SIN through incidents.services, as
the Assistant Director or Head of Profession the system routes to: they
complete and submit it. The same source and reference sent again, or the same
Idempotency-Key, answers with the record already made and changes nothing.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.models import Notification
from alerts.services import notify
from audit.services import audit_record
from core.exceptions import BusinessRuleError, NotAllowed
from incidents.choices import Kind
from incidents.models import Incident
from incidents.services import FormData, incident_create

from .models import IdempotencyKey, SourceSystem, SourceToken, hash_token

TOKEN_BYTES = 32


class IdempotencyConflict(BusinessRuleError):
    """The Idempotency-Key was used before for a different request."""

    code = "idempotency_conflict"
    status = 409


class NotRouted(BusinessRuleError):
    """The source system names nobody who may complete its incidents."""

    code = "not_routed"
    status = 409


@dataclass
class IntakeResult:
    incident: Incident
    created: bool


def request_fingerprint(data: dict[str, Any]) -> str:
    """A hash of what was asked for, to tell a repeated request from a different one under the same key."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _already_received(source: SourceSystem, *, source_reference: str, key: str | None, fingerprint: str) -> Incident | None:
    if key:
        earlier = IdempotencyKey.objects.filter(source_system=source, key=key).select_related("incident").first()
        if earlier is not None:
            if earlier.request_hash != fingerprint:
                raise IdempotencyConflict("This Idempotency-Key was already used for a different request.")
            return earlier.incident
    return Incident.objects.filter(source_system=source.name, source_reference=source_reference).first()


def intake_receive(
    *, source: SourceSystem, category: str, source_reference: str, values: dict[str, Any], idempotency_key: str | None = None
) -> IntakeResult:
    """Create the draft non-case SIN for the routed AD or HoP, or return the one made already (2.10, 2.11)."""
    fingerprint = request_fingerprint({"category": category, "source_reference": source_reference, **values})
    existing = _already_received(source, source_reference=source_reference, key=idempotency_key, fingerprint=fingerprint)
    if existing is not None:
        return IntakeResult(existing, created=False)
    author = source.author
    try:
        with transaction.atomic():
            try:
                incident = incident_create(
                    actor=author,
                    kind=Kind.NON_CASE,
                    service_area=source.service_area,
                    function=source.function,
                    data=FormData(criteria=[category], values=values),
                    source_system=source.name,
                    source_reference=source_reference,
                )
            except NotAllowed as error:
                raise NotRouted(
                    f"{source.name} is routed to someone who can no longer write for {source.place}: "
                    "ask an administrator to correct the source system."
                ) from error
            if idempotency_key:
                IdempotencyKey.objects.create(
                    source_system=source, key=idempotency_key, request_hash=fingerprint, incident=incident
                )
            audit_record(
                actor=None,
                action="intake.receive",
                obj=incident,
                changes={"source_system": source.name, "source_reference": source_reference, "routed_to": author.get_username()},
            )
            notify(
                recipients=[author],
                subject=incident,
                reason=Notification.Reason.ACT,
                message=f"{source.name} sent a non-case incident ({source_reference}): complete the SIN form and submit it.",
            )
    except IntegrityError:
        # Another request with the same reference or key committed first: answer with its record.
        existing = _already_received(source, source_reference=source_reference, key=idempotency_key, fingerprint=fingerprint)
        if existing is None:
            raise
        return IntakeResult(existing, created=False)
    return IntakeResult(incident, created=True)


def source_token_issue(*, actor, source_system: SourceSystem) -> tuple[SourceToken, str]:
    """Issue a new token; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        token = SourceToken.objects.create(
            source_system=source_system, token_hash=hash_token(raw), prefix=raw[:8], created_by=actor
        )
        audit_record(actor=actor, action="intake.token_issue", obj=token, changes={"source_system": source_system.name})
    return token, raw


def source_token_revoke(*, actor, token_id: int) -> SourceToken:
    with transaction.atomic():
        token = SourceToken.objects.select_for_update().select_related("source_system").get(pk=token_id)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(
                actor=actor, action="intake.token_revoke", obj=token, changes={"source_system": token.source_system.name}
            )
        return token


def source_token_for(raw: str) -> SourceToken | None:
    """The live token with this value, of an active source system, or None."""
    if not raw or len(raw) > 200:
        return None
    return (
        SourceToken.objects.filter(token_hash=hash_token(raw), revoked_at__isnull=True, source_system__active=True)
        .select_related("source_system", "source_system__author", "source_system__service_area", "source_system__function")
        .first()
    )
