"""Changes and audited reads for documents: attachments, Word imports (2.8) and downloads.

Every download and every import is in the audit trail, as every view of a
record is. A file is written under a server-chosen name first, then its row
and audit event in one transaction; if that transaction fails, the file is
removed again.

Every file is scanned for viruses before it is kept (documents/scanning.py):
an infected one is refused, and the refusal audited; one the scanner could not
scan is kept but held ("not yet scanned", not downloadable) and scanned again
later (`attachment_rescan`). A Word document is kept without the links that
would make Word fetch a file from elsewhere when it is opened (files.py).
"""

import hashlib
from contextlib import contextmanager
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core.exceptions import BusinessRuleError, NotAllowed, WrongStage
from incidents.choices import Kind
from incidents.models import Incident
from incidents.services import FormData, incident_create
from organisation.models import Team

from . import scanning
from .files import FileRejected, check_size, content_type_of, word_without_external_links
from .models import Attachment
from .reader import DocumentImportError, ImportedForm, check_container, read_sin_form
from .word import WORD_CONTENT_TYPE

# Minutes after which a file held unscanned is tried again; after the last, `manage.py documents_rescan`.
RESCAN_MINUTES = [5, 15, 60, 240, 720]


def virus_message(result: scanning.ScanResult) -> str:
    return (
        f"The file contains a virus ({result.detail}) and has not been added. Do not open it; "
        "tell the IT service desk where it came from."
    )


def _scanned(*, actor, name: str, data: bytes, incident: Incident | None) -> scanning.ScanResult:
    """Scan the file as it arrived; an infected one is refused here, and its refusal is in the trail."""
    result = scanning.scan(data)
    if result.infected:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="documents.virus_refused",
                obj=incident,
                changes={
                    "name": (name or "file")[-255:],
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "signature": result.detail,
                },
            )
    return result


def _status_of(result: scanning.ScanResult) -> str:
    return {
        scanning.CLEAN: Attachment.ScanStatus.CLEAN,
        scanning.UNAVAILABLE: Attachment.ScanStatus.PENDING,
        scanning.OFF: Attachment.ScanStatus.UNCHECKED,
    }[result.outcome]


def _record_scan(attachment: Attachment, result: scanning.ScanResult) -> None:
    attachment.scan_status = _status_of(result)
    attachment.scan_detail = result.detail
    attachment.scanned_at = timezone.now() if result.outcome == scanning.CLEAN else None


def _rescan_later(attachment: Attachment, attempt: int = 0) -> None:
    """Queue another scan of a held file, in the caller's transaction."""
    from .tasks import rescan_attachment

    if attempt < len(RESCAN_MINUTES):
        run_after = timezone.now() + timedelta(minutes=RESCAN_MINUTES[attempt])
        rescan_attachment.using(run_after=run_after).enqueue(attachment.pk, attempt + 1)


def _new_attachment(*, actor, purpose: str, name: str, data: bytes, content_type: str) -> Attachment:
    return Attachment(
        purpose=purpose,
        original_name=(name or "file")[-255:],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )


@contextmanager
def _file_kept_only_if_committed(attachment: Attachment, data: bytes):
    attachment.file.save("upload", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise


def attachment_add(*, actor, incident_id: int, name: str, data: bytes, purpose: str = Attachment.Purpose.INCIDENT) -> Attachment:
    """Add a file to a SIN or to its case review (CR1). The type is read from the content; the file is scanned."""
    if purpose not in (Attachment.Purpose.INCIDENT, Attachment.Purpose.CASE_REVIEW):
        raise ValidationError({"purpose": "Select what the file belongs to"})
    try:
        check_size(len(data))
        content_type = content_type_of(data)
    except FileRejected as error:
        raise ValidationError({"file": error.message}) from error
    incident = Incident.objects.get(pk=incident_id)
    result = _scanned(actor=actor, name=name, data=data, incident=incident)
    if result.infected:
        raise ValidationError({"file": virus_message(result)})
    removed: list[str] = []
    if content_type == WORD_CONTENT_TYPE:
        try:
            data, removed = word_without_external_links(data)
        except FileRejected as error:
            raise ValidationError({"file": error.message}) from error
    attachment = _new_attachment(actor=actor, purpose=purpose, name=name, data=data, content_type=content_type)
    attachment.incident = incident
    _record_scan(attachment, result)
    with _file_kept_only_if_committed(attachment, data):
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        if not actor.has_perm("documents.add_attachment", incident):
            raise NotAllowed("Only the people working on this incident can add files to it.")
        if purpose == Attachment.Purpose.CASE_REVIEW and incident.review_commissioned_at is None:
            raise WrongStage("No case review (CR1) has been commissioned for this incident yet.")
        attachment.save()
        audit_record(
            actor=actor,
            action="attachment.add",
            obj=incident,
            changes={
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "type": content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "purpose": purpose,
                "scan": attachment.scan_status,
                **({"removed": removed} if removed else {}),
            },
        )
        if attachment.scan_status == Attachment.ScanStatus.PENDING:
            _rescan_later(attachment)
    attachment.removed_links = removed
    return attachment


class WrongPlace(BusinessRuleError):
    """The place chosen for an imported form does not suit its kind."""


def incident_import_word(
    *, actor, name: str, data: bytes, team: Team | None = None, service_area=None, function=None
) -> tuple[Incident, Attachment, ImportedForm]:
    """A completed SIN form from the interim process (2.8) becomes a draft SIN of the form's kind.

    A case-related form belongs to a team; a non-case form to a service area or
    a corporate function (2.10). The original file is kept with the draft; the
    report says which fields were read, which were empty and which could not be
    taken. Raises DocumentImportError when the file cannot be read at all, and
    WrongPlace when the place chosen does not suit the form's kind.
    """
    check_container(data)
    result = _scanned(actor=actor, name=name, data=data, incident=None)
    if result.infected:
        raise DocumentImportError(virus_message(result))
    try:
        data, removed = word_without_external_links(data)
    except FileRejected as error:
        raise DocumentImportError(error.message) from error
    form = read_sin_form(data)
    if form.kind == Kind.CASE and team is None:
        raise WrongPlace("This is the case-related SIN form: choose the team the incident belongs to")
    if form.kind == Kind.NON_CASE and service_area is None and function is None:
        raise WrongPlace("This is the non-case SIN form: choose the service area or corporate function it belongs to")
    report = {"read": form.read, "missing": form.missing, "problems": form.problems, "criteria": form.criteria}
    attachment = _new_attachment(
        actor=actor, purpose=Attachment.Purpose.IMPORTED_FORM, name=name, data=data, content_type=WORD_CONTENT_TYPE
    )
    attachment.import_report = report
    _record_scan(attachment, result)
    with _file_kept_only_if_committed(attachment, data):
        incident = incident_create(
            actor=actor,
            kind=form.kind,
            team=team,
            service_area=service_area,
            function=function,
            data=FormData(criteria=form.criteria, values=form.values),
        )
        attachment.incident = incident
        attachment.save()
        audit_record(
            actor=actor,
            action="incident.import_word",
            obj=incident,
            changes={
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "sha256": attachment.sha256,
                **report,
                "scan": attachment.scan_status,
                **({"removed": removed} if removed else {}),
            },
        )
        if attachment.scan_status == Attachment.ScanStatus.PENDING:
            _rescan_later(attachment)
    attachment.removed_links = removed
    return incident, attachment, form


def attachment_downloaded(*, actor, attachment: Attachment) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="attachment.download",
            obj=attachment.incident,
            changes={
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "purpose": attachment.purpose,
            },
        )


def incident_document_downloaded(*, actor, incident: Incident, file_format: str) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=f"incident.download_{file_format}", obj=incident)


def blank_form_downloaded(*, actor, form: str) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="documents.blank_form_download", changes={"form": form})


def attachment_rescan(*, attachment_id: int, attempt: int | None = None) -> str:
    """Scan a held file again: clean, it can be downloaded; infected, it is removed from storage and kept out.

    `attempt` is the task's count (another scan is queued after it while the scanner is
    still unavailable); None for `manage.py documents_rescan`, which queues none.
    """
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.scan_status != Attachment.ScanStatus.PENDING:
        return "nothing to do"
    if not scanning.scanner_configured():
        return "no scanner configured"
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        return "missing from storage"
    result = scanning.scan(data)  # outside the transaction: no lock is held while clamd reads
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().select_related("incident").get(pk=attachment_id)
        if attachment.scan_status != Attachment.ScanStatus.PENDING:
            return "nothing to do"
        attachment.scan_detail = result.detail
        if result.outcome == scanning.UNAVAILABLE:
            attachment.save(update_fields=["scan_detail"])
            if attempt is not None:
                _rescan_later(attachment, attempt)
            return "scanner unavailable"
        attachment.scanned_at = timezone.now()
        if result.infected:
            attachment.scan_status = Attachment.ScanStatus.INFECTED
            transaction.on_commit(lambda name=attachment.file.name, storage=attachment.file.storage: storage.delete(name))
        else:
            attachment.scan_status = Attachment.ScanStatus.CLEAN
        attachment.save(update_fields=["scan_status", "scanned_at", "scan_detail"])
        audit_record(
            actor=None,
            action="attachment.scanned",
            obj=attachment.incident,
            changes={
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "scan": attachment.scan_status,
                **({"signature": result.detail} if result.infected else {}),
            },
        )
        return attachment.scan_status


def attachments_rescan() -> dict[str, int]:
    """Scan every held file again (`manage.py documents_rescan`)."""
    outcomes: dict[str, int] = {}
    for pk in Attachment.objects.filter(scan_status=Attachment.ScanStatus.PENDING).values_list("pk", flat=True):
        outcome = attachment_rescan(attachment_id=pk)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
