"""Downloads, the Word import and attachments through the pages, as the people who use them."""

import io
import os

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Attachment
from documents.word import blank_sin_form
from incidents.choices import Kind, Stage
from incidents.criteria import CASE_CRITERIA
from incidents.models import Incident
from incidents.services import case_review_save, incident_create
from incidents.tests.factories import case_form, incident_at
from organisation.choices import Role

from .conftest import docx_text, fill_form

pytestmark = pytest.mark.django_db

LM, AD, OD, CEO, CMT, NIS, HOP = (
    Role.LOCAL_MANAGER,
    Role.ASSISTANT_DIRECTOR,
    Role.OPERATIONAL_DIRECTOR,
    Role.CEO,
    Role.CMT_MEMBER,
    Role.NIS_REVIEWER,
    Role.HEAD_OF_PROFESSION,
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def assert_download(response, content_type: str):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def error_beside_file(response) -> str:
    """The text of the file field's form group, where its error message is shown."""
    page = response.content.decode()
    start = page.index('id="div_id_file"')
    return page[start : page.index('type="file"', start)]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class TestBlankForms:
    @pytest.mark.parametrize(
        ("url", "form"),
        [
            ("/documents/blank/sin-form.docx", "sin_case"),
            ("/documents/blank/sin-form.docx?kind=non_case", "sin_non_case"),
            ("/documents/blank/cr1-form.docx", "cr1"),
        ],
    )
    def test_download_is_a_word_file_and_audited(self, org, signed_in, url, form):
        response = signed_in(org.people[LM]).get(url)
        assert_download(response, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        assert response.content.startswith(b"PK\x03\x04")
        assert AuditEvent.objects.filter(action="documents.blank_form_download", changes__form=form).exists()

    def test_unknown_kind_is_404(self, org, signed_in):
        assert signed_in(org.people[LM]).get("/documents/blank/sin-form.docx?kind=<script>").status_code == 404

    def test_signed_out_is_sent_to_sign_in(self, client):
        response = client.get("/documents/blank/sin-form.docx")
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

    def test_index_page(self, org, signed_in):
        response = signed_in(org.people[LM]).get(reverse("documents:index"))
        assert response.status_code == 200
        assert reverse("documents:import").encode() in response.content


class TestIncidentPaper:
    def test_word_and_pdf_for_someone_who_can_see_it(self, org, signed_in):
        incident = incident_at(org, Stage.ACTIONS)
        client = signed_in(org.people[CEO])
        word = client.get(reverse("documents:incident_docx", args=[incident.pk]))
        assert_download(word, "application/vnd.openxmlformats")
        text = docx_text(word.content)
        assert incident.reference in text and "Serious harm to a child" in text
        assert "Case summary" in text and "Summary of the case." in text  # the signed-off CR1
        assert "No onward sharing" in text  # the CEO's decision
        pdf = client.get(reverse("documents:incident_pdf", args=[incident.pk]))
        assert_download(pdf, "application/pdf")
        assert pdf.content.startswith(b"%PDF-")
        actions = set(AuditEvent.objects.filter(object_id=str(incident.pk)).values_list("action", flat=True))
        assert {"incident.download_docx", "incident.download_pdf"} <= actions

    @pytest.mark.parametrize("name", ["incident_docx", "incident_pdf"])
    @pytest.mark.parametrize("who", ["other_ad", "cmt_before_sign_off", "nobody"])
    def test_404_outside_visibility(self, org, signed_in, name, who):
        incident = incident_at(org, Stage.WITH_AD)
        user = {"other_ad": org.other[AD], "cmt_before_sign_off": org.people[CMT], "nobody": org.nobody}[who]
        assert signed_in(user).get(reverse(f"documents:{name}", args=[incident.pk])).status_code == 404
        assert signed_in(user).get(reverse(f"documents:{name}", args=[999999])).status_code == 404

    def test_a_cr1_being_written_is_left_out_for_those_who_cannot_read_it(self, org, signed_in):
        incident = incident_at(org, Stage.CASE_REVIEW)
        case_review_save(
            actor=org.people[NIS],
            incident_id=incident.pk,
            expected_version=incident.version,
            values={"summary": "Draft words of the reviewer"},
        )
        od_paper = signed_in(org.people[OD]).get(reverse("documents:incident_docx", args=[incident.pk]))
        assert "Draft words of the reviewer" not in docx_text(od_paper.content)
        nis_paper = signed_in(org.people[NIS]).get(reverse("documents:incident_docx", args=[incident.pk]))
        assert "Draft words of the reviewer" in docx_text(nis_paper.content)

    def test_script_is_harmless_in_the_page_paper(self, org, signed_in):
        from django.template.loader import render_to_string

        incident = incident_at(
            org, Stage.DRAFT, data=case_form(title="<script>alert(1)</script>", what_happened="<img src=x onerror=alert(1)>")
        )
        client = signed_in(org.people[LM])
        word = client.get(reverse("documents:incident_docx", args=[incident.pk]))
        assert "<script>alert(1)</script>" in docx_text(word.content)  # shown as text
        pdf = client.get(reverse("documents:incident_pdf", args=[incident.pk]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        # The PDF is drawn from this HTML: the text is escaped there.
        from documents.views import _paper_context

        class Request:
            user = org.people[LM]

        html = render_to_string("documents/incident_paper.html", _paper_context(Request, incident.pk))
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x" not in html


def completed_form(**values) -> bytes:
    defaults = {
        "Short title": "Harm to a child",
        "Child or children": "A, 4",
        "Cafcass case reference": "ABC123",
        "Date of the incident": "03/02/2026",
        "Date Cafcass became aware": "04/02/2026",
        "What happened": "It happened.",
    }
    defaults.update(values)
    return fill_form(blank_sin_form("case"), defaults, tick=[CASE_CRITERIA[2][1]])


class TestImport:
    def post(self, client, org, data, name="SIN form.docx", team=None):
        return client.post(reverse("documents:import"), {"place": team or f"team:{org.team.pk}", "file": upload(name, data)})

    def test_a_completed_form_becomes_a_draft_with_the_original_kept(self, org, signed_in, media):
        client = signed_in(org.people[LM])
        response = self.post(client, org, completed_form(), name="../../etc/SIN <i>form.docx")
        assert response.status_code == 302, response.content.decode()[:2000]
        incident = Incident.objects.get()
        assert (incident.kind, incident.stage, incident.team, incident.author) == (
            Kind.CASE,
            Stage.DRAFT,
            org.team,
            org.people[LM],
        )
        assert incident.title == "Harm to a child" and incident.case_reference == "ABC123"
        assert list(incident.criteria.values_list("code", flat=True)) == [CASE_CRITERIA[2][0]]
        attachment = Attachment.objects.get(incident=incident, purpose=Attachment.Purpose.IMPORTED_FORM)
        assert attachment.original_name == "SIN <i>form.docx"
        assert os.path.basename(attachment.file.name) != attachment.original_name and ".." not in attachment.file.name
        assert (media / attachment.file.name).exists()
        assert AuditEvent.objects.filter(action="incident.import_word", object_id=str(incident.pk)).exists()
        result = client.get(response["Location"])
        assert result.status_code == 200
        page = result.content.decode()
        assert "Harm to a child" in page and "ABC123" in page
        assert "Immediate actions taken" in page  # empty on the form, still needed
        assert "Enter the immediate actions taken" in page
        assert "SIN &lt;i&gt;form.docx" in page

    def test_what_could_not_be_read_is_listed(self, org, signed_in):
        client = signed_in(org.people[LM])
        response = self.post(client, org, completed_form(**{"Date of the incident": "sometime"}))
        result = client.get(response["Location"])
        assert "The date &#x27;sometime&#x27; could not be read" in result.content.decode()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "password-protected"),
            (b"%PDF-1.4 not word", "not a Word document"),
            (b"PK\x03\x04" + b"\0" * 40, "damaged"),
            (b"<script>alert(1)</script>", "not a Word document"),
            (None, "layout of the SIN form"),
            ("truncated", "damaged"),
        ],
    )
    def test_refused_beside_the_file_field(self, org, signed_in, data, message):
        if data is None:
            from docx import Document

            document = Document()
            document.add_paragraph("A letter, not a form.")
            buffer = io.BytesIO()
            document.save(buffer)
            data = buffer.getvalue()
        elif data == "truncated":
            data = completed_form()[:3000]
        response = self.post(signed_in(org.people[LM]), org, data)
        assert response.status_code == 200
        beside = error_beside_file(response)
        assert "govuk-error-message" in beside and message in beside
        assert Incident.objects.count() == 0 and Attachment.objects.count() == 0
        assert "<script>alert(1)</script>" not in response.content.decode()

    def test_oversize(self, org, signed_in, settings):
        settings.DOCUMENT_MAX_UPLOAD_BYTES = 2000
        response = self.post(signed_in(org.people[LM]), org, completed_form())
        assert response.status_code == 200 and "must be smaller than" in error_beside_file(response)
        assert Incident.objects.count() == 0

    def test_no_file(self, org, signed_in):
        response = signed_in(org.people[LM]).post(reverse("documents:import"), {"place": f"team:{org.team.pk}"})
        assert response.status_code == 200 and "Select the completed SIN form" in response.content.decode()

    def test_only_a_team_the_person_may_write_for(self, org, signed_in):
        response = self.post(signed_in(org.people[LM]), org, completed_form(), team=f"team:{org.other_team.pk}")
        assert response.status_code == 200 and "Select where the incident belongs" in response.content.decode()
        assert Incident.objects.count() == 0

    def test_a_superuser_administrator_who_writes_no_sin_is_not_offered_the_import(self, org, signed_in):
        admin = org.people[Role.ADMINISTRATOR]
        admin.is_staff = admin.is_superuser = True
        admin.save()
        client = signed_in(admin)
        assert reverse("documents:import") not in client.get(reverse("documents:index")).content.decode()
        assert client.get(reverse("documents:import")).status_code == 403
        assert reverse("documents:import") in signed_in(org.people[HOP]).get(reverse("documents:index")).content.decode()

    @pytest.mark.parametrize("role", [CEO, CMT, OD])
    def test_people_who_do_not_write_sins_cannot_import(self, org, signed_in, role):
        client = signed_in(org.people[role])
        assert client.get(reverse("documents:import")).status_code == 403
        assert self.post(client, org, completed_form()).status_code == 403

    def test_the_result_page_is_404_outside_visibility(self, org, signed_in):
        response = self.post(signed_in(org.people[LM]), org, completed_form())
        url = response["Location"]
        assert signed_in(org.other[AD]).get(url).status_code == 404
        assert signed_in(org.people[AD]).get(url).status_code == 200

    def test_round_trip_through_the_pages(self, org, signed_in):
        incident = incident_at(org, Stage.WITH_AD)
        client = signed_in(org.people[LM])
        paper = client.get(reverse("documents:incident_docx", args=[incident.pk])).content
        response = self.post(client, org, paper)
        assert response.status_code == 302
        imported = Incident.objects.exclude(pk=incident.pk).get()
        for name in [
            "title",
            "children",
            "case_reference",
            "court",
            "incident_date",
            "aware_date",
            "what_happened",
            "cafcass_involvement",
            "other_agencies",
            "media_risk",
            "immediate_actions",
            "other_description",
        ]:
            assert getattr(imported, name) == getattr(incident, name), name
        assert set(imported.criteria.all()) == set(incident.criteria.all())

    @pytest.mark.parametrize(("role", "place"), [(AD, "area"), (HOP, "function")])
    def test_round_trip_of_a_non_case_sin(self, org, signed_in, role, place):
        from incidents.tests.factories import non_case_form

        author = org.people[role]
        where = {"area": {"service_area": org.area}, "function": {"function": org.function}}[place]
        original = incident_create(
            actor=author,
            kind=Kind.NON_CASE,
            data=non_case_form(
                other_agencies="Health and Safety Executive.",
                media_risk="Local press.",
                cafcass_involvement="Staff in the office.",
            ),
            **where,
        )
        client = signed_in(author)
        paper = client.get(reverse("documents:incident_docx", args=[original.pk])).content
        value = f"{place}:{(org.area if place == 'area' else org.function).pk}"
        response = client.post(reverse("documents:import"), {"place": value, "file": upload("non-case.docx", paper)})
        assert response.status_code == 302, response.content.decode()[:3000]
        imported = Incident.objects.exclude(pk=original.pk).get()
        assert (imported.kind, imported.service_area_id, imported.function_id) == (
            Kind.NON_CASE,
            original.service_area_id,
            original.function_id,
        )
        for name in [
            "title",
            "incident_date",
            "aware_date",
            "what_happened",
            "cafcass_involvement",
            "other_agencies",
            "media_risk",
            "immediate_actions",
        ]:
            assert getattr(imported, name) == getattr(original, name), name
        assert set(imported.criteria.all()) == set(original.criteria.all())
        result = client.get(response["Location"]).content.decode()
        assert "Who and what is affected" in result

    @pytest.mark.parametrize(
        ("form_kind", "place", "message"),
        [
            ("case", "area", "This is the case-related SIN form: choose the team"),
            ("non_case", "team", "This is the non-case SIN form: choose the service area or corporate function"),
        ],
    )
    def test_a_form_for_the_wrong_kind_of_place_is_refused_beside_the_place(self, org, signed_in, form_kind, place, message):
        value = {"area": f"area:{org.area.pk}", "team": f"team:{org.team.pk}"}[place]
        response = signed_in(org.people[AD]).post(
            reverse("documents:import"), {"place": value, "file": upload("f.docx", blank_sin_form(form_kind))}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page and 'id="id_place_1_error"' in page
        assert Incident.objects.count() == 0 and Attachment.objects.count() == 0


class TestAttachments:
    def url(self, incident):
        return reverse("documents:attachments", args=[incident.pk])

    @pytest.mark.parametrize(
        ("name", "data", "content_type"),
        [
            ("photo.png", PNG, "image/png"),
            ("scan.jpeg", JPEG, "image/jpeg"),
            ("report.pdf", PDF, "application/pdf"),
            ("statement.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("looks-like.html", PNG, "image/png"),  # the name does not decide the type
        ],
    )
    def test_upload_and_download(self, org, signed_in, media, name, data, content_type):
        data = data or blank_sin_form("case")
        incident = incident_at(org, Stage.DRAFT)
        client = signed_in(org.people[LM])
        response = client.post(self.url(incident), {"file": upload(name, data)})
        assert response.status_code == 302
        attachment = Attachment.objects.get()
        assert attachment.content_type == content_type and attachment.original_name == name
        assert not attachment.file.name.endswith(name) and ".html" not in attachment.file.name
        assert AuditEvent.objects.filter(action="attachment.add", changes__attachment=attachment.pk).exists()
        listing = client.get(self.url(incident))
        assert name.encode() in listing.content
        download = signed_in(org.people[AD]).get(reverse("documents:attachment_download", args=[attachment.pk]))
        assert_download(download, content_type)
        assert body(download) == data
        assert AuditEvent.objects.filter(action="attachment.download", changes__attachment=attachment.pk).exists()

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("page.pdf", b"<html><script>alert(1)</script></html>", "must be a Word document"),
            ("virus.png", b"MZ\x90\x00" + b"\0" * 60, "must be a Word document"),
            ("old.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, "password-protected"),
            ("broken.docx", b"PK\x03\x04" + b"\0" * 40, "damaged"),
            ("empty.pdf", b"", "empty"),
        ],
    )
    def test_refused_by_content(self, org, signed_in, name, data, message):
        incident = incident_at(org, Stage.DRAFT)
        response = signed_in(org.people[LM]).post(self.url(incident), {"file": upload(name, data)})
        assert response.status_code == 200
        beside = error_beside_file(response)
        assert message in beside and "govuk-error-message" in beside
        assert Attachment.objects.count() == 0

    def test_a_word_document_with_macros_is_refused(self, org, signed_in):
        from documents.word import blank_sin_form

        from .conftest import with_macros

        incident = incident_at(org, Stage.DRAFT)
        response = signed_in(org.people[LM]).post(
            self.url(incident), {"file": upload("form.docm", with_macros(blank_sin_form("case")))}
        )
        assert response.status_code == 200
        assert "contains macros" in error_beside_file(response)
        assert Attachment.objects.count() == 0

    def test_oversize(self, org, signed_in, settings):
        settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
        incident = incident_at(org, Stage.DRAFT)
        response = signed_in(org.people[LM]).post(self.url(incident), {"file": upload("big.png", PNG + b"\0" * 200)})
        assert "must be smaller than" in error_beside_file(response)
        assert Attachment.objects.count() == 0

    def test_an_awkward_name_is_kept_for_people_and_safe_in_the_header(self, org, signed_in):
        incident = incident_at(org, Stage.DRAFT)
        client = signed_in(org.people[LM])
        client.post(self.url(incident), {"file": upload('résumé "final"\r\nX-Evil: 1.pdf', PDF)})
        attachment = Attachment.objects.get()
        assert "\n" not in attachment.original_name and "\r" not in attachment.original_name
        download = client.get(reverse("documents:attachment_download", args=[attachment.pk]))
        assert_download(download, "application/pdf")
        assert "X-Evil" not in download.headers or download.headers.get("X-Evil") is None
        assert "\n" not in download["Content-Disposition"]

    @pytest.mark.parametrize(
        ("name", "data", "downloaded"),
        [
            ("evil.exe", PDF, "evil.exe.pdf"),
            ("looks-like.html", PNG, "looks-like.html.png"),
            ("Report.PDF", PDF, "Report.PDF"),
            ("photo.jpeg", JPEG, "photo.jpeg"),
        ],
    )
    def test_a_file_downloads_under_a_name_ending_as_its_content_is(self, org, signed_in, name, data, downloaded):
        incident = incident_at(org, Stage.DRAFT)
        client = signed_in(org.people[LM])
        client.post(self.url(incident), {"file": upload(name, data)})
        attachment = Attachment.objects.get()
        assert attachment.original_name == name  # people still see the name they gave it
        download = client.get(reverse("documents:attachment_download", args=[attachment.pk]))
        assert f'filename="{downloaded}"' in download["Content-Disposition"]

    def test_readers_download_but_do_not_upload(self, org, signed_in):
        incident = incident_at(org, Stage.CASE_REVIEW)
        signed_in(org.people[LM]).post(self.url(incident), {"file": upload("photo.png", PNG)})
        attachment = Attachment.objects.get()
        cmt = signed_in(org.people[CMT])
        page = cmt.get(self.url(incident))
        assert page.status_code == 200 and b"Add a file" not in page.content
        assert cmt.post(self.url(incident), {"file": upload("x.png", PNG)}).status_code == 403
        assert cmt.get(reverse("documents:attachment_download", args=[attachment.pk])).status_code == 200
        assert Attachment.objects.count() == 1

    @pytest.mark.parametrize("who", ["other_ad", "other_lm", "nobody", "cmt_before_sign_off"])
    def test_404_outside_visibility(self, org, signed_in, who):
        incident = incident_at(org, Stage.WITH_AD)
        signed_in(org.people[LM]).post(self.url(incident), {"file": upload("photo.png", PNG)})
        attachment = Attachment.objects.get()
        user = {
            "other_ad": org.other[AD],
            "other_lm": org.other[LM],
            "nobody": org.nobody,
            "cmt_before_sign_off": org.people[CMT],
        }[who]
        client = signed_in(user)
        assert client.get(reverse("documents:attachment_download", args=[attachment.pk])).status_code == 404
        assert client.get(self.url(incident)).status_code == 404
        assert client.post(self.url(incident), {"file": upload("x.png", PNG)}).status_code == 404
        assert not AuditEvent.objects.filter(action="attachment.download").exists()

    def test_a_cr1_file_is_hidden_while_the_cr1_is_being_written(self, org, signed_in):
        incident = incident_at(org, Stage.CASE_REVIEW)
        nis = signed_in(org.people[NIS])
        response = nis.post(self.url(incident), {"file": upload("chronology.pdf", PDF), "purpose": "case_review"})
        assert response.status_code == 302
        attachment = Attachment.objects.get(purpose=Attachment.Purpose.CASE_REVIEW)
        url = reverse("documents:attachment_download", args=[attachment.pk])
        assert signed_in(org.people[CMT]).get(url).status_code == 404
        assert b"chronology.pdf" not in signed_in(org.people[CMT]).get(self.url(incident)).content
        assert signed_in(org.people[NIS]).get(url).status_code == 200

    def test_the_detail_page_links_to_documents(self, org, signed_in):
        incident = incident_at(org, Stage.DRAFT)
        page = signed_in(org.people[LM]).get(incident.get_absolute_url()).content.decode()
        for name in ("incident_docx", "incident_pdf", "attachments"):
            assert reverse(f"documents:{name}", args=[incident.pk]) in page


class TestApi:
    def test_word_and_pdf_through_the_api_with_a_token(self, org):
        from rest_framework.test import APIClient

        from accounts.tests.factories import api_token_issue

        incident = incident_at(org, Stage.ACTIONS)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(org.people[CEO])}")
        word = client.get(f"/api/incidents/{incident.pk}/document.docx")
        assert_download(word, "application/vnd.openxmlformats")
        assert incident.reference in docx_text(word.content)
        pdf = client.get(f"/api/incidents/{incident.pk}/document.pdf")
        assert_download(pdf, "application/pdf")
        assert AuditEvent.objects.filter(action="incident.download_pdf", actor=org.people[CEO]).exists()

        outsider = APIClient()
        outsider.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(org.other[AD])}")
        assert outsider.get(f"/api/incidents/{incident.pk}/document.docx").status_code == 404
        assert outsider.get(f"/api/incidents/{incident.pk}/document.pdf").status_code == 404
        assert APIClient().get(f"/api/incidents/{incident.pk}/document.pdf").status_code in (401, 403)

    def test_in_the_schema(self, org, signed_in):
        import json

        schema = json.loads(signed_in(org.people[CEO]).get("/api/schema/", HTTP_ACCEPT="application/json").content)
        assert "application/pdf" in schema["paths"]["/api/incidents/{id}/document.pdf"]["get"]["responses"]["200"]["content"]
        assert "/api/incidents/{id}/document.docx" in schema["paths"]
