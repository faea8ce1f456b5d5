"""The API's error answers are what its schema says: keyed by the request's own fields, always JSON,
each documented on its operation (issue 15, point 5). The whole API under schemathesis is in test_schema."""

from unittest import mock

import pytest
from django.test import Client
from rest_framework.test import APIClient

from conftest import sign_in
from incidents.choices import Stage
from incidents.models import CaseReview
from incidents.tests.factories import incident_at
from incidents.tests.test_schema import _schema_document
from organisation.choices import Role

pytestmark = pytest.mark.django_db

LM, AD, OD, NIS, CEO, CMT = (
    Role.LOCAL_MANAGER,
    Role.ASSISTANT_DIRECTOR,
    Role.OPERATIONAL_DIRECTOR,
    Role.NIS_REVIEWER,
    Role.CEO,
    Role.CMT_MEMBER,
)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def step(client, incident, name, **data):
    return client.post(f"/api/incidents/{incident.pk}/steps/{name}/", {"version": incident.version, **data}, format="json")


# --- errors keyed by the request's fields --------------------------------------------------------

TEXT_STEPS = [
    ("ad_return", Stage.WITH_AD, AD, "Enter your questions for the author"),
    ("od_return", Stage.WITH_OD, OD, "Enter what the Assistant Director should look at again"),
    ("od_not_notifiable", Stage.WITH_OD, OD, "Enter why it does not meet the criteria"),
    ("learning_record", Stage.ACTIONS, AD, "Enter the learning identified"),
    ("cr1_return", Stage.CR1_SIGN_OFF, OD, "Enter what needs changing in the case review"),
]


@pytest.mark.parametrize(("name", "stage", "role", "message"), TEXT_STEPS)
@pytest.mark.parametrize("text", ["", "   ", ...])
def test_a_step_without_its_text_names_the_text_field(org, name, stage, role, message, text):
    incident = incident_at(org, stage)
    data = {} if text is ... else {"text": text}
    response = step(api(org.people[role]), incident, name, **data)
    assert response.status_code == 400
    # The request's field, as the schema shows it, and the page's words: not the service's argument
    # (questions, reason, rationale, learning).
    assert response.json() == {"text": [message]}
    incident.refresh_from_db()
    assert incident.stage == stage


def test_the_text_steps_still_take_their_text(org):
    incident = incident_at(org, Stage.WITH_AD)
    response = step(api(org.people[AD]), incident, "ad_return", text="What did the court order?")
    assert response.status_code == 200 and response.json()["stage"] == Stage.RETURNED


def test_a_comment_stays_optional(org):
    incident = incident_at(org, Stage.WITH_OD)
    assert step(api(org.people[OD]), incident, "od_sign_off").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": 0}, "text"),
        ({"text": ["a list"]}, "text"),
        ({"text": None}, "text"),
        ({"version": "5", "text": "Questions"}, "version"),
        ({"version": True, "text": "Questions"}, "version"),
    ],
)
def test_each_field_takes_only_its_own_json_type(org, body, field):
    """DRF would take 0 as the text "0" and "5" as the number 5; the schema says a string, an integer."""
    incident = incident_at(org, Stage.WITH_AD)
    response = api(org.people[AD]).post(
        f"/api/incidents/{incident.pk}/steps/ad_return/", {"version": incident.version, **body}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == [field]


def test_a_boolean_and_a_team_take_their_own_types_too(org):
    review = incident_at(org, Stage.CASE_REVIEW)
    response = api(org.people[NIS]).put(
        f"/api/incidents/{review.pk}/case-review/", {"version": review.version, "submit": 0}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["submit"]
    response = api(org.people[LM]).post("/api/incidents/", {"team": str(org.team.pk)}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["team"]


def test_the_api_reads_json_only(org):
    incident = incident_at(org, Stage.WITH_AD)
    response = api(org.people[AD]).post(
        f"/api/incidents/{incident.pk}/steps/ad_return/", {"version": incident.version, "text": "Q"}
    )
    assert response.status_code == 415 and response["Content-Type"] == "application/json"


# --- every error is documented on its operation --------------------------------------------------


def operations():
    schema = _schema_document()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield schema, f"{method.upper()} {path}", path, operation


def test_every_operation_documents_its_error_answers():
    for _, label, path, operation in operations():
        responses = operation["responses"]
        auth = "401" if path.startswith("/api/intake/") else "403"
        expected = {auth, "429"}
        if "{id}" in path or label in ("GET /api/incidents/", "GET /api/briefings/"):
            expected.add("404")  # no such record (or no such page of a list)
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        if "{id}" in path and "requestBody" in operation:
            expected.add("409")
        assert expected <= set(responses), (label, sorted(responses))
        for status, response in responses.items():
            if status.startswith("2"):
                continue
            assert list(response["content"]) == ["application/json"], (label, status)


def test_a_400_lists_the_request_fields_and_nothing_else():
    for schema, label, _, operation in operations():
        if "requestBody" not in operation:
            continue
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        fields = set(schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"])
        errors = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert errors["additionalProperties"] is False, label
        assert fields <= set(errors["properties"]), label
    step = next(op for _, label, _, op in operations() if label == "POST /api/incidents/{id}/steps/ad_return/")
    assert set(step["responses"]["400"]["content"]["application/json"]["schema"]["properties"]) == {
        "version",
        "text",
        "non_field_errors",
        "detail",
    }


def test_what_the_step_requires_the_schema_requires():
    components = _schema_document()["components"]["schemas"]
    assert components["AdReturnStep"]["required"] == ["version", "text"]
    assert components["AdReturnStep"]["properties"]["text"]["minLength"] == 1
    assert "default" not in components["AdReturnStep"]["properties"]["text"]
    assert components["OdSignOffStep"]["required"] == ["version"]
    assert components["CeoFinalDecisionStep"]["properties"]["decision"]["allOf"][0]["enum"] == [
        "share_board",
        "share_chair",
        "no_onward",
    ]
    # A PATCH still needs the version (and an action its status), though drf-spectacular makes a PATCH body optional.
    assert components["PatchedIncidentPatch"]["required"] == ["version"]
    assert set(components["PatchedActionUpdate"]["required"]) == {"version", "status"}


# --- the CR1 answers with every field ------------------------------------------------------------

CR1_KEYS = {
    "status",
    "reviewer",
    "commissioned_at",
    "submitted_at",
    "signed_off_at",
    "summary",
    "chronology",
    "analysis_of_practice",
    "findings",
    "learning_identified",
    "recommendations",
}


def test_a_cr1_with_no_reviewer_yet_says_so_with_null(org):
    incident = incident_at(org, Stage.CASE_REVIEW)
    assert CaseReview.objects.get(incident=incident).reviewer is None
    body = api(org.people[NIS]).get(f"/api/incidents/{incident.pk}/case-review/").json()
    assert set(body) == CR1_KEYS and body["reviewer"] is None and body["summary"] == ""


def test_a_cr1_not_yet_readable_has_every_field_with_nothing_in_it(org):
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    for client in (api(org.people[CMT]),):
        body = client.get(f"/api/incidents/{incident.pk}/case-review/").json()
        assert set(body) == CR1_KEYS
        assert body["status"] == "submitted"
        assert all(body[key] is None for key in CR1_KEYS - {"status", "commissioned_at"})
        detail = client.get(f"/api/incidents/{incident.pk}/").json()["case_review"]
        assert detail == body
    body = api(org.people[OD]).get(f"/api/incidents/{incident.pk}/case-review/").json()
    assert body["reviewer"] and body["chronology"]


# --- JSON everywhere under /api/ -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/incidents/null,null/case-review/", "/api/incidents/abc/", "/api/nonsense/", "/api/actions/1.5/"]
)
def test_a_path_that_is_no_endpoint_answers_json(org, path):
    response = api(org.people[LM]).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and response.json() == {"detail": "Not found."}


def test_pages_still_get_the_govuk_404(org, client):
    response = sign_in(client, org.people[LM]).get("/incidents/nonsense/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_the_papers_answer_their_errors_in_json(org):
    incident = incident_at(org, Stage.WITH_AD)
    for client, path, status in [
        (api(org.people[LM]), "/api/incidents/999999/document.pdf", 404),
        (api(org.other[Role.LOCAL_MANAGER]), f"/api/incidents/{incident.pk}/document.docx", 404),
        (APIClient(), f"/api/incidents/{incident.pk}/document.pdf", 403),
    ]:
        response = client.get(path, HTTP_ACCEPT="application/pdf")
        assert response.status_code == status, path
        assert response["Content-Type"] == "application/json" and "detail" in response.json(), path


def test_a_server_error_under_the_api_answers_json(org):
    client = Client(raise_request_exception=False)
    sign_in(client, org.people[LM])
    with mock.patch("incidents.api.views.incident_list", side_effect=RuntimeError("boom")):
        response = client.get("/api/incidents/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json" and "detail" in response.json()


@pytest.mark.parametrize("page", ["", "abc", "0", "99"])
def test_a_page_that_is_not_there_is_a_404(org, page):
    response = api(org.people[LM]).get(f"/api/incidents/?page={page}")
    assert response.status_code == 404 and response.json() == {"detail": "Invalid page."}
