"""Word documents that make Word fetch files from elsewhere, or carry macros under another name."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from documents.files import EXTERNAL_LINKS, FileRejected, word_without_external_links
from documents.models import Attachment
from documents.reader import MACROS, DocumentImportError, check_container
from documents.word import blank_sin_form
from incidents.choices import Stage
from incidents.tests.factories import incident_at
from organisation.choices import Role

from .packages import (
    docx_with_text,
    parts,
    with_attached_template,
    with_hyperlink,
    with_macro_workbook_inside,
    with_remote_image,
    with_renamed_macros,
)
from .test_views import error_beside_file, upload

pytestmark = pytest.mark.django_db


# --- external links ---------------------------------------------------------------------------


def test_an_attached_template_on_a_remote_server_is_removed():
    data = with_attached_template(docx_with_text("A statement."))
    assert b"attacker.example" in parts(data)["word/_rels/settings.xml.rels"]
    cleaned, removed = word_without_external_links(data)
    assert removed == ["the template attached from http://attacker.example/templates/normal.dotm"]
    inside = parts(cleaned)
    assert b"attacker.example" not in b"".join(inside.values())
    assert b"attachedTemplate" not in inside["word/settings.xml"]
    assert b"attachedTemplate" not in inside["word/_rels/settings.xml.rels"]
    # Still a Word document, with its text.
    import io

    import docx

    assert docx.Document(io.BytesIO(cleaned)).paragraphs[0].text == "A statement."


@pytest.mark.parametrize("make", [with_remote_image], ids=["remote picture"])
def test_other_links_to_files_elsewhere_are_refused(make):
    with pytest.raises(FileRejected) as refused:
        word_without_external_links(make(docx_with_text("x")))
    assert refused.value.message == EXTERNAL_LINKS


def test_a_hyperlink_is_kept_and_nothing_rewritten():
    data = with_hyperlink(docx_with_text("See the website."))
    assert word_without_external_links(data) == (data, [])


def test_an_uploaded_document_is_kept_without_its_remote_template(org, signed_in, media):
    incident = incident_at(org, Stage.DRAFT)
    client = signed_in(org.people[Role.LOCAL_MANAGER])
    response = client.post(
        reverse("documents:attachments", args=[incident.pk]),
        {"file": upload("statement.docx", with_attached_template(docx_with_text("A statement.")))},
        follow=True,
    )
    assert "The template attached from http://attacker.example/templates/normal.dotm was removed" in response.content.decode()
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as handle:
        assert b"attacker.example" not in b"".join(parts(handle.read()).values())
    event = AuditEvent.objects.get(action="attachment.add")
    assert event.changes["removed"] == ["the template attached from http://attacker.example/templates/normal.dotm"]


def test_an_upload_with_a_remote_picture_is_refused_beside_the_field(org, signed_in, media):
    incident = incident_at(org, Stage.DRAFT)
    response = signed_in(org.people[Role.LOCAL_MANAGER]).post(
        reverse("documents:attachments", args=[incident.pk]),
        {"file": upload("statement.docx", with_remote_image(docx_with_text("x")))},
    )
    assert response.status_code == 200
    assert "links to files elsewhere" in error_beside_file(response)
    assert not Attachment.objects.exists()


def test_an_imported_form_with_a_remote_template_becomes_a_draft_without_it(org, signed_in, media):
    from .test_views import completed_form

    client = signed_in(org.people[Role.LOCAL_MANAGER])
    response = client.post(
        reverse("documents:import"),
        {"place": f"team:{org.team.pk}", "file": upload("SIN form.docx", with_attached_template(completed_form()))},
        follow=True,
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get(purpose=Attachment.Purpose.IMPORTED_FORM)
    with attachment.file.open("rb") as handle:
        assert b"attacker.example" not in b"".join(parts(handle.read()).values())


# --- macros, by what they are rather than what they are called ------------------------------------


@pytest.mark.parametrize(
    "declared",
    [
        "application/vnd.ms-office.vbaProject",  # declared for what it is, under another name
        "image/png",  # declared as something else: found by its content
    ],
    ids=["declared as VBA", "declared as a picture"],
)
def test_a_macro_project_renamed_vbadata_bin_is_refused(declared):
    data = with_renamed_macros(blank_sin_form("case"), declared=declared)
    assert "word/vbaData.bin" in parts(data) and "word/vbaProject.bin" not in parts(data)
    with pytest.raises(DocumentImportError) as refused:
        check_container(data)
    assert refused.value.message == MACROS


def test_a_macro_workbook_embedded_in_the_document_is_refused():
    with pytest.raises(DocumentImportError) as refused:
        check_container(with_macro_workbook_inside(blank_sin_form("case")))
    assert refused.value.message == MACROS


def test_vba_data_declared_by_content_type_alone_is_refused():
    data = with_renamed_macros(blank_sin_form("case"), declared="application/vnd.ms-word.vbaData+xml")
    with pytest.raises(DocumentImportError):
        check_container(data)


def test_renamed_macros_are_refused_beside_the_field_on_upload_and_import(org, signed_in, media):
    data = with_renamed_macros(blank_sin_form("case"), declared="image/png")
    client = signed_in(org.people[Role.LOCAL_MANAGER])
    incident = incident_at(org, Stage.DRAFT)
    response = client.post(reverse("documents:attachments", args=[incident.pk]), {"file": upload("form.docx", data)})
    assert "contains macros" in error_beside_file(response)
    response = client.post(reverse("documents:import"), {"place": f"team:{org.team.pk}", "file": upload("form.docx", data)})
    assert "contains macros" in error_beside_file(response)
    assert not Attachment.objects.exists()


def test_a_plain_document_passes():
    check_container(blank_sin_form("case"))
    check_container(with_hyperlink(blank_sin_form("case")))
