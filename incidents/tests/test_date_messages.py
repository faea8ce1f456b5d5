"""Dates are refused in the words of the GOV.UK Design System, once, beside the date at fault.

An impossible date ("2026-02-30" through the API, 30 2 2026 on the page) "must be a real
date", not a complaint about its format; a future date of the incident is reported beside
that date only, not also as "Cafcass became aware before the incident".
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import sign_in
from incidents.choices import Stage
from incidents.models import Incident
from incidents.tests.factories import incident_at
from incidents.tests.test_form_messages import assert_error_beside, case_post, dates
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def draft(org, **values):
    return {"kind": "case", "team": org.team.pk, "title": "Harm to a child", **values}


@pytest.mark.parametrize(
    ("field", "label"), [("incident_date", "Date of the incident"), ("aware_date", "Date Cafcass became aware")]
)
@pytest.mark.parametrize("value", ["2026-02-30", "2025-13-01", "2026-04-31", "0000-01-01"])
def test_an_impossible_iso_date_must_be_a_real_date(org, field, label, value):
    response = api(org.people[Role.LOCAL_MANAGER]).post("/api/incidents/", draft(org, **{field: value}), format="json")
    assert response.status_code == 400
    assert response.json() == {field: [f"{label} must be a real date"]}
    assert not Incident.objects.exists()


@pytest.mark.parametrize("value", ["31/02/2026", "next Tuesday", "2026-2-3", "20260203"])
def test_a_date_in_another_form_names_the_form_wanted(org, value):
    response = api(org.people[Role.LOCAL_MANAGER]).post("/api/incidents/", draft(org, incident_date=value), format="json")
    assert response.status_code == 400
    assert response.json() == {"incident_date": ["Date of the incident must be a date in the form YYYY-MM-DD"]}


def test_an_impossible_date_on_the_edit_endpoint_and_for_an_action(org):
    incident = incident_at(org, Stage.DRAFT)
    lm = api(org.people[Role.LOCAL_MANAGER])
    response = lm.patch(
        f"/api/incidents/{incident.pk}/", {"version": incident.version, "aware_date": "2026-02-29"}, format="json"
    )
    assert response.json() == {"aware_date": ["Date Cafcass became aware must be a real date"]}
    actions = incident_at(org, Stage.ACTIONS)
    response = api(org.people[Role.ASSISTANT_DIRECTOR]).post(
        f"/api/incidents/{actions.pk}/actions/",
        {
            "version": actions.version,
            "description": "Do it",
            "owner": org.people[Role.LOCAL_MANAGER].pk,
            "due_date": "2030-02-30",
        },
        format="json",
    )
    assert response.status_code == 400 and response.json() == {"due_date": ["Due date must be a real date"]}


def test_a_real_date_is_taken(org):
    response = api(org.people[Role.LOCAL_MANAGER]).post("/api/incidents/", draft(org, incident_date="2024-02-29"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["incident_date"] == "2024-02-29"


def test_a_future_incident_date_is_reported_once_through_the_api(org):
    today = timezone.localdate()
    payload = draft(
        org, incident_date=(today + timedelta(days=5)).isoformat(), aware_date=(today - timedelta(days=1)).isoformat()
    )
    response = api(org.people[Role.LOCAL_MANAGER]).post("/api/incidents/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"incident_date": ["The date of the incident must be today or in the past"]}


def test_an_aware_date_before_the_incident_is_still_reported(org):
    today = timezone.localdate()
    payload = draft(
        org, incident_date=(today - timedelta(days=2)).isoformat(), aware_date=(today - timedelta(days=5)).isoformat()
    )
    response = api(org.people[Role.LOCAL_MANAGER]).post("/api/incidents/", payload, format="json")
    assert response.json() == {
        "aware_date": ["The date Cafcass became aware must be the same as or after the date of the incident"]
    }


def test_a_future_incident_date_is_reported_once_on_the_page(org, client):
    today = timezone.localdate()
    future, yesterday = today + timedelta(days=5), today - timedelta(days=1)
    response = sign_in(client, org.people[Role.LOCAL_MANAGER]).post(
        "/incidents/new/",
        case_post(
            org,
            **dates("incident_date", future.day, future.month, future.year),
            **dates("aware_date", yesterday.day, yesterday.month, yesterday.year),
        ),
    )
    body = response.content.decode()
    assert_error_beside(body, "incident_date", "The date of the incident must be today or in the past")
    assert "must be the same as or after" not in body
    assert not Incident.objects.exists()


def test_an_impossible_date_on_the_page_must_be_a_real_date(org, client):
    response = sign_in(client, org.people[Role.LOCAL_MANAGER]).post(
        "/incidents/new/", case_post(org, **dates("incident_date", 30, 2, 2026))
    )
    body = response.content.decode()
    assert_error_beside(body, "incident_date", "Date of the incident must be a real date")
    assert "must be the same as or after" not in body


def test_intake_says_the_same(org):
    from intake.models import SourceSystem
    from intake.services import source_token_issue
    from intake.tests.conftest import payload

    source = SourceSystem.objects.create(
        name="Health and Safety reporting", function=org.function, author=org.people[Role.HEAD_OF_PROFESSION]
    )
    _, raw = source_token_issue(actor=org.people[Role.ADMINISTRATOR], source_system=source)
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post("/api/intake/incidents/", payload(incident_date="2026-02-30"), format="json")
    assert response.status_code == 400 and response.json() == {"incident_date": ["Date of the incident must be a real date"]}
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post("/api/intake/incidents/", payload(incident_date=future), format="json")
    assert response.json() == {"incident_date": ["The date of the incident must be today or in the past"]}
