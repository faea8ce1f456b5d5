"""The document services: a refused file leaves nothing behind, in the database or on disk."""

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import NotAllowed, WrongStage
from documents import services
from documents.models import Attachment
from documents.reader import DocumentImportError
from incidents.choices import Stage
from incidents.models import Incident
from incidents.tests.factories import incident_at
from organisation.choices import Role

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_refused_person_leaves_no_file_behind(org, media):
    incident = incident_at(org, Stage.CASE_REVIEW)
    with pytest.raises(NotAllowed):
        services.attachment_add(actor=org.people[Role.CMT_MEMBER], incident_id=incident.pk, name="a.png", data=PNG)
    assert Attachment.objects.count() == 0 and stored_files(media) == []


def test_a_cr1_file_needs_a_commissioned_review(org, media):
    incident = incident_at(org, Stage.DRAFT)
    with pytest.raises(WrongStage):
        services.attachment_add(
            actor=org.people[Role.LOCAL_MANAGER],
            incident_id=incident.pk,
            name="a.png",
            data=PNG,
            purpose=Attachment.Purpose.CASE_REVIEW,
        )
    assert stored_files(media) == []


def test_the_service_checks_the_content_too(org, media):
    incident = incident_at(org, Stage.DRAFT)
    with pytest.raises(ValidationError):
        services.attachment_add(actor=org.people[Role.LOCAL_MANAGER], incident_id=incident.pk, name="a.png", data=b"<html>")
    assert stored_files(media) == []


def test_an_import_refused_by_the_incident_rules_leaves_nothing(org, media):
    from documents.word import blank_sin_form

    with pytest.raises(NotAllowed):
        services.incident_import_word(
            actor=org.people[Role.LOCAL_MANAGER], team=org.other_team, name="f.docx", data=blank_sin_form("case")
        )
    with pytest.raises(DocumentImportError):
        services.incident_import_word(actor=org.people[Role.LOCAL_MANAGER], team=org.team, name="f.docx", data=b"nope")
    assert Incident.objects.count() == 0 and Attachment.objects.count() == 0 and stored_files(media) == []


def test_a_kept_file_is_under_media_with_a_server_chosen_name(org, media):
    incident = incident_at(org, Stage.DRAFT)
    attachment = services.attachment_add(actor=org.people[Role.LOCAL_MANAGER], incident_id=incident.pk, name="x.png", data=PNG)
    [path] = stored_files(media)
    assert path.read_bytes() == PNG and path.name != "x.png" and path.suffix == ".png"
    assert attachment.file.name.startswith("sin-files/")
