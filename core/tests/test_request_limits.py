"""Request size limits (docs/decisions/0009): never Django's bare HTML "Bad Request".

A text over its field's limit, even pasted five megabytes long, is read and refused beside the
field with everything typed kept; a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413, with the
GOV.UK error page on the pages and JSON naming the limit under /api/.
"""

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from conftest import sign_in
from incidents.choices import Stage
from incidents.models import Incident
from incidents.tests.factories import incident_at
from incidents.tests.test_form_messages import assert_error_beside, case_post, edit_post
from organisation.choices import Role

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
FIVE_MB = "Pasted words. " * (5 * MB // 14)
OVER_THE_LIMIT = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)


def token_client(client, user):
    """A client of the API as `user` (every middleware still runs: APIClient is Django's test client)."""
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_limit_is_above_anything_the_forms_accept():
    # The case review's six boxes of 50,000 characters, each character 4 bytes of UTF-8 sent
    # percent-encoded (12 bytes): the largest form there is, with room to spare.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE > 6 * 50_000 * 12
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE > len(FIVE_MB) * 1.5


def test_five_megabytes_on_the_new_sin_form_are_refused_beside_the_field_and_kept(org, client):
    response = sign_in(client, org.people[Role.LOCAL_MANAGER]).post("/incidents/new/", case_post(org, what_happened=FIVE_MB))
    assert response.status_code == 200
    body = response.content.decode()
    assert_error_beside(body, "what_happened", "What happened must be 20,000 characters or fewer")
    assert FIVE_MB in body and "Found injured." not in body and "Referral made." in body
    assert not Incident.objects.exists()


def test_five_megabytes_on_the_edit_form_lose_nothing_saved_or_typed(org, client):
    incident = incident_at(org, Stage.DRAFT)
    before = Incident.objects.values().get(pk=incident.pk)
    response = sign_in(client, org.people[Role.LOCAL_MANAGER]).post(
        f"/incidents/{incident.pk}/edit/", edit_post(org, incident, title="A new title typed", immediate_actions=FIVE_MB)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert_error_beside(body, "immediate_actions", "Immediate actions taken must be 20,000 characters or fewer")
    assert 'value="A new title typed"' in body and FIVE_MB in body
    assert Incident.objects.values().get(pk=incident.pk) == before


def test_five_megabytes_through_the_api_are_a_json_400_naming_the_field_and_its_limit(org, client):
    api = token_client(client, org.people[Role.LOCAL_MANAGER])
    response = api.post(
        "/api/incidents/",
        json.dumps({"kind": "case", "team": org.team.pk, "what_happened": FIVE_MB}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"what_happened": ["Ensure this field has no more than 20000 characters."]}
    assert not Incident.objects.exists()


def test_a_body_over_the_limit_gets_the_govuk_page_saying_the_limit(org, client):
    incident = incident_at(org, Stage.DRAFT)
    before = Incident.objects.values().get(pk=incident.pk)
    response = sign_in(client, org.people[Role.LOCAL_MANAGER]).post(
        f"/incidents/{incident.pk}/edit/", edit_post(org, incident, what_happened=OVER_THE_LIMIT)
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "govuk-template" in body and "Bad Request" not in body
    assert "What you sent is too large" in body
    assert "larger than the 10.0\xa0MB this service accepts" in body
    assert "20,000 characters" in body
    # The page's own headers still apply.
    assert "Content-Security-Policy" in response and response["X-Frame-Options"] == "DENY"
    assert Incident.objects.values().get(pk=incident.pk) == before


def test_a_body_over_the_limit_gets_the_page_even_signed_out(client):
    response = client.post("/sign-in/", {"username": "someone", "password": OVER_THE_LIMIT})
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()


def test_a_body_over_the_limit_through_the_api_is_a_json_413_naming_the_limit(org, client):
    api = token_client(client, org.people[Role.LOCAL_MANAGER])
    response = api.post("/api/incidents/", json.dumps({"what_happened": OVER_THE_LIMIT}), content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "too_large" and body["limit_bytes"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "10.0\xa0MB" in body["detail"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_form_over_the_limit_through_the_api_is_json_too(org, client, content_type):
    """The API reads JSON only: a form is refused for its media type (415), before it is read, in JSON."""
    api = token_client(client, org.people[Role.LOCAL_MANAGER])
    if content_type == "multipart/form-data":
        response = api.post("/api/incidents/", {"what_happened": OVER_THE_LIMIT})
    else:
        response = api.post("/api/incidents/", f"what_happened={OVER_THE_LIMIT}", content_type=content_type)
    assert response.status_code == 415
    assert response["Content-Type"] == "application/json" and "detail" in response.json()
    assert not Incident.objects.exists()


def test_a_body_over_the_limit_on_a_step_endpoint(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    api = token_client(client, org.people[Role.ASSISTANT_DIRECTOR])
    response = api.post(
        f"/api/incidents/{incident.pk}/steps/ad_return/",
        json.dumps({"version": incident.version, "text": OVER_THE_LIMIT}),
        content_type="application/json",
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    incident.refresh_from_db()
    assert incident.stage == Stage.WITH_AD


def test_too_many_fields_are_a_413_saying_how_many(org, client):
    incident = incident_at(org, Stage.DRAFT)
    data = {**edit_post(org, incident), **{f"field_{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}}
    response = sign_in(client, org.people[Role.LOCAL_MANAGER]).post(f"/incidents/{incident.pk}/edit/", data)
    assert response.status_code == 413
    assert f"more than the {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields" in response.content.decode()


def test_a_large_file_upload_is_still_refused_beside_the_file_field(org, client):
    """Files do not count against the body limit: the documents' own limit says what is wrong, beside the field."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = sign_in(client, org.people[Role.LOCAL_MANAGER]).post(
        "/documents/import/",
        {"file": SimpleUploadedFile("big.docx", b"x" * (settings.DOCUMENT_MAX_UPLOAD_BYTES + 1)), "place": f"team:{org.team.pk}"},
    )
    assert response.status_code == 200
    assert "must be smaller than" in response.content.decode()
