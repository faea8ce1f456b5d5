"""Changes and audited reads for documents: attachments, Word imports (2.8) and downloads.

Every download and every import is in the audit trail, as every view of a
record is. A file is written under a server-chosen name first, then its row
and audit event in one transaction; if that transaction fails, the file is
removed again.
"""

import hashlib
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from audit.services import audit_record
from core.exceptions import BusinessRuleError, NotAllowed, WrongStage
from incidents.choices import Kind
from incidents.models import Incident
from incidents.services import FormData, incident_create
from organisation.models import Team

from .files import FileRejected, check_size, content_type_of
from .models import Attachment
from .reader import ImportedForm, read_sin_form
from .word import WORD_CONTENT_TYPE


def _new_attachment(*, actor, purpose: str, name: str, data: bytes, content_type: str) -> Attachment:
    return Attachment(
        purpose=purpose, original_name=(name or "file")[-255:], content_type=content_type,
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor,
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
    """Add a file to a SIN or to its case review (CR1). The type is read from the content."""
    if purpose not in (Attachment.Purpose.INCIDENT, Attachment.Purpose.CASE_REVIEW):
        raise ValidationError({"purpose": "Select what the file belongs to"})
    try:
        check_size(len(data))
        content_type = content_type_of(data)
    except FileRejected as error:
        raise ValidationError({"file": error.message}) from error
    incident = Incident.objects.get(pk=incident_id)
    attachment = _new_attachment(actor=actor, purpose=purpose, name=name, data=data, content_type=content_type)
    attachment.incident = incident
    with _file_kept_only_if_committed(attachment, data):
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        if not actor.has_perm("documents.add_attachment", incident):
            raise NotAllowed("Only the people working on this incident can add files to it.")
        if purpose == Attachment.Purpose.CASE_REVIEW and incident.review_commissioned_at is None:
            raise WrongStage("No case review (CR1) has been commissioned for this incident yet.")
        attachment.save()
        audit_record(actor=actor, action="attachment.add", obj=incident, changes={
            "attachment": attachment.pk, "name": attachment.original_name, "type": content_type,
            "size": attachment.size, "sha256": attachment.sha256, "purpose": purpose,
        })
    return attachment


class WrongPlace(BusinessRuleError):
    """The place chosen for an imported form does not suit its kind."""


def incident_import_word(*, actor, name: str, data: bytes, team: Team | None = None, service_area=None,
                         function=None) -> tuple[Incident, Attachment, ImportedForm]:
    """A completed SIN form from the interim process (2.8) becomes a draft SIN of the form's kind.

    A case-related form belongs to a team; a non-case form to a service area or
    a corporate function (2.10). The original file is kept with the draft; the
    report says which fields were read, which were empty and which could not be
    taken. Raises DocumentImportError when the file cannot be read at all, and
    WrongPlace when the place chosen does not suit the form's kind.
    """
    form = read_sin_form(data)
    if form.kind == Kind.CASE and team is None:
        raise WrongPlace("This is the case-related SIN form: choose the team the incident belongs to")
    if form.kind == Kind.NON_CASE and service_area is None and function is None:
        raise WrongPlace("This is the non-case SIN form: choose the service area or corporate function it belongs to")
    report = {"read": form.read, "missing": form.missing, "problems": form.problems, "criteria": form.criteria}
    attachment = _new_attachment(actor=actor, purpose=Attachment.Purpose.IMPORTED_FORM, name=name, data=data,
                                 content_type=WORD_CONTENT_TYPE)
    attachment.import_report = report
    with _file_kept_only_if_committed(attachment, data):
        incident = incident_create(actor=actor, kind=form.kind, team=team, service_area=service_area, function=function,
                                   data=FormData(criteria=form.criteria, values=form.values))
        attachment.incident = incident
        attachment.save()
        audit_record(actor=actor, action="incident.import_word", obj=incident, changes={
            "attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256, **report,
        })
    return incident, attachment, form


def attachment_downloaded(*, actor, attachment: Attachment) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="attachment.download", obj=attachment.incident, changes={
            "attachment": attachment.pk, "name": attachment.original_name, "purpose": attachment.purpose,
        })


def incident_document_downloaded(*, actor, incident: Incident, file_format: str) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=f"incident.download_{file_format}", obj=incident)


def blank_form_downloaded(*, actor, form: str) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="documents.blank_form_download", changes={"form": form})
