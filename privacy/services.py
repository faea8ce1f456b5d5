"""Removing records past their retention period, confirming the periods (docs/decisions/0013-retention.md),
and writing a subject access export (privacy.subject_access).

A SIN is removed with everything it owns: its timeline events, submitted
versions, CEO decisions and briefings, CR1, actions, the notifications, emails
and reminders about it and its actions, its attachments and their files. Its
learning items stay (they identify no child), unlinked from it. The audit trail
is append-only and points at records by type and id, not by a foreign key, so
the events about a removed SIN stay as they were and `audit_verify` still finds
the chain intact; one more event records the removal: the reference, kind,
outcome, period and how many records of each kind went, never their content.
"""

import hashlib
import json
import logging
import os
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from incidents.models import Incident

from .models import RetentionPeriod
from .selectors import SIN_KINDS, Due, records_due_for_removal, what_removal_takes, with_clock, years_after

logger = logging.getLogger(__name__)
PURGED = "privacy.retention_purge"


@dataclass(frozen=True)
class Removed:
    reference: str
    kind: str
    outcome: str
    counts: dict[str, int]


def _still_due(incident_id: int, period: RetentionPeriod, today: date) -> bool:
    """Checked again with the row locked: it may have been reopened, held or changed since the list was made."""
    queryset = Incident.objects.filter(pk=incident_id, kind=SIN_KINDS[period.kind], retention_hold__isnull=True)
    found = with_clock(queryset, period.outcome).first()
    return (
        found is not None
        and found.clock is not None
        and years_after(timezone.localtime(found.clock).date(), period.years) < today
    )


def _remove_files(stored: list[tuple]) -> None:
    for storage, name in stored:
        try:
            storage.delete(name)
        except OSError:
            # The record is gone; a file left behind is reported for an administrator to remove by hand.
            logger.exception("Could not remove the file %s of a purged SIN", name)


def incident_purge(*, due: Due, today: date) -> Removed | None:
    """Remove one SIN past its period, in one transaction with its audit event; None if it is no longer due."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=due.incident.pk).first()
        if incident is None or not _still_due(incident.pk, due.period, today):
            return None
        counts = what_removal_takes(incident)
        audit_record(
            actor=None,
            action=PURGED,
            obj=incident,
            changes={
                "reference": incident.display_reference,
                "kind": incident.kind,
                "outcome": due.period.outcome,
                "period_years": due.period.years,
                "counted_from": due.counted_from.isoformat(),
                "kept_until": due.kept_until.isoformat(),
                "removed": counts,
            },
        )
        files = [(attachment.file.storage, attachment.file.name) for attachment in incident.attachments.all() if attachment.file]
        incident.attachments.all().delete()
        incident.learning_items.update(incident=None)
        removed = Removed(reference=incident.display_reference, kind=incident.kind, outcome=due.period.outcome, counts=counts)
        incident.delete()
        # Files go once the removal has committed: a rolled-back purge loses nothing.
        transaction.on_commit(lambda: _remove_files(files))
    return removed


def retention_purge(*, today: date | None = None) -> list[Removed]:
    """Remove every SIN past a confirmed retention period (each in its own transaction)."""
    today = today or timezone.localdate()
    removed = []
    for due in records_due_for_removal(today=today):
        done = incident_purge(due=due, today=today)
        if done is not None:
            removed.append(done)
    return removed


def retention_period_confirm(*, actor, period_ids: list[int]) -> int:
    """The records manager confirms periods as they stand; only a confirmed period is applied by the purge."""
    with transaction.atomic():
        periods = list(RetentionPeriod.objects.select_for_update().filter(pk__in=period_ids))
        for period in periods:
            period.confirmed_by, period.confirmed_at = actor, timezone.now()
            period.save(update_fields=["confirmed_by", "confirmed_at"])
            audit_record(actor=actor, action="privacy.retention_confirm", obj=period, changes={"years": period.years})
    return len(periods)


@dataclass(frozen=True)
class Exported:
    path: Path
    counts: dict[str, int]
    sha256: str


def _export_files(user, sections, *, generated_at, run_by: str) -> dict[str, bytes]:
    from django.core.serializers.json import DjangoJSONEncoder
    from django.template.loader import render_to_string

    from documents.pdf import html_to_pdf

    files = {}
    for section in sections:
        document = {
            "kind": section.title,
            "person": user.get_username(),
            "generated_at": generated_at,
            "count": len(section.rows),
            "records": section.rows,
        }
        files[f"{section.name}.json"] = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()
    files["summary.pdf"] = html_to_pdf(
        render_to_string(
            "privacy/subject_access_summary.html",
            {
                "full_name": user.get_full_name() or user.get_username(),
                "username": user.get_username(),
                "email": user.email,
                "generated_at": generated_at,
                "run_by": run_by,
                "sections": sections,
            },
        )
    )
    return files


def subject_access_export(*, user, out: Path, run_by: str = "") -> Exported:
    """Write what the service holds about `user` (privacy.subject_access) to a new zip at `out`, readable by its owner only.

    The export and its audit event are one step: the zip takes its name only once the event is written.
    """
    from .subject_access import subject_access_sections

    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} already exists: choose a new file name.")
    generated_at = timezone.now()
    sections = subject_access_sections(user)
    files = _export_files(user, sections, generated_at=generated_at, run_by=run_by)
    partial = out.with_name(f".{out.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        digest = hashlib.sha256(partial.read_bytes()).hexdigest()
        counts = {section.name: len(section.rows) for section in sections}
        with transaction.atomic():
            audit_record(
                actor=None,
                action="privacy.subject_access_export",
                obj=user,
                changes={"run_by": run_by, "counts": counts, "sha256": digest},
            )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return Exported(path=out, counts=counts, sha256=digest)
