"""A SIN's paper through the pages and through the API: one service (documents.papers), the same file and the same audit."""

import pytest
from django.http import Http404
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import api_token_issue
from audit.models import AuditEvent
from documents import papers
from incidents.choices import Stage
from incidents.tests.factories import incident_at
from organisation.choices import Role

pytestmark = pytest.mark.django_db

FORMATS = {"docx": ("documents:incident_docx", "api-incident-docx"), "pdf": ("documents:incident_pdf", "api-incident-pdf")}
AUDITED = ("actor_id", "actor_name", "action", "object_type", "object_id", "object_repr", "changes")
FILE_HEADERS = ("Content-Type", "Content-Disposition", "X-Content-Type-Options", "Cache-Control")


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user)}")
    return client


def download_events(file_format: str) -> list[dict]:
    return list(AuditEvent.objects.filter(action=f"incident.download_{file_format}").order_by("sequence").values(*AUDITED))


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_api_download_writes_the_same_audit_event_as_the_page(org, signed_in, file_format):
    page_name, api_name = FORMATS[file_format]
    incident = incident_at(org, Stage.ACTIONS)
    ceo = org.people[Role.CEO]

    page = signed_in(ceo).get(reverse(page_name, args=[incident.pk]))
    api = api_client(ceo).get(reverse(api_name, args=[incident.pk]))

    assert page.status_code == api.status_code == 200
    page_event, api_event = download_events(file_format)
    assert page_event == api_event
    assert page_event["actor_id"] == ceo.pk and page_event["object_id"] == str(incident.pk)
    assert {name: page[name] for name in FILE_HEADERS} == {name: api[name] for name in FILE_HEADERS}
    assert api["Content-Disposition"] == f'attachment; filename="{incident.reference}.{file_format}"'


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_api_answers_404_outside_the_records_visibility_and_audits_nothing(org, file_format):
    _page_name, api_name = FORMATS[file_format]
    incident = incident_at(org, Stage.WITH_AD)  # not yet seen by the other region's AD, nor by CMT

    for outsider in (org.other[Role.ASSISTANT_DIRECTOR], org.people[Role.CMT_MEMBER]):
        response = api_client(outsider).get(reverse(api_name, args=[incident.pk]))
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "attachment" not in response.get("Content-Disposition", "")
    assert download_events(file_format) == []


def test_the_service_refuses_a_sin_outside_visibility_before_building_or_auditing(org):
    incident = incident_at(org, Stage.WITH_AD)
    with pytest.raises(Http404):
        papers.incident_paper(user=org.other[Role.ASSISTANT_DIRECTOR], pk=incident.pk, file_format="docx")
    assert download_events("docx") == []

    paper = papers.incident_paper(user=org.people[Role.ASSISTANT_DIRECTOR], pk=incident.pk, file_format="docx")
    assert paper.data.startswith(b"PK\x03\x04") and paper.filename == f"{incident.reference}.docx"
    assert [event["actor_id"] for event in download_events("docx")] == [org.people[Role.ASSISTANT_DIRECTOR].pk]
