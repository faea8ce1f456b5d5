"""The learning item's steps through the API: the same services and visibility as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import sign_in
from incidents.choices import Stage
from incidents.tests.factories import case_form, incident_at
from learning.models import LearningItem
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    sign_in(client, user)
    return client


def test_record_publish_add_an_action_and_close_through_the_api(org):
    nis, ad = org.people[Role.NIS_REVIEWER], org.people[Role.ASSISTANT_DIRECTOR]
    body = {
        "title": "Seeing children alone",
        "origin": "judgement",
        "impact_on_child": "I.",
        "what_cafcass_did": "W.",
        "learning_identified": "L.",
        "how_addressed": "H.",
        "service_area": org.area.pk,
        "themes": ["voice-of-the-child"],
        "covered_by_guidance": False,
    }
    created = api(nis).post("/api/learning/", body, format="json")
    assert created.status_code == 201, created.json()
    pk, version = created.json()["id"], created.json()["version"]
    refused = api(nis).post(f"/api/learning/{pk}/publish/", {"version": version, "confirm_no_identifiers": False}, format="json")
    assert refused.status_code == 400 and set(refused.json()) >= {"confirm_no_identifiers", "all_weaker_reason"}
    assert api(org.people[Role.PRACTITIONER]).get(f"/api/learning/{pk}/").status_code == 404  # a draft
    published = api(nis).post(
        f"/api/learning/{pk}/publish/",
        {"version": version, "confirm_no_identifiers": True, "all_weaker_reason": "Training first."},
        format="json",
    )
    assert published.status_code == 200 and len(published.json()["actions"]) == 3
    assert api(org.people[Role.PRACTITIONER]).get(f"/api/learning/{pk}/").status_code == 200
    version = published.json()["version"]
    past = {
        "version": version,
        "description": "A checklist",
        "owner": org.people[Role.LOCAL_MANAGER].pk,
        "due_date": str(timezone.localdate() - timedelta(days=1)),
        "strength": "intermediate",
    }
    assert api(org.people[Role.LEARNING_LEAD]).post(f"/api/learning/{pk}/actions/", past, format="json").status_code == 403
    answer = api(ad).post(f"/api/learning/{pk}/actions/", past, format="json")
    assert answer.status_code == 400 and "due_date" in answer.json()
    closing = api(ad).post(f"/api/learning/{pk}/close/", {"version": version, "rationale": ""}, format="json")
    assert closing.status_code == 400 and "rationale" in closing.json()
    assert (
        api(ad).post(f"/api/learning/{pk}/close/", {"version": version - 1, "rationale": "x"}, format="json").status_code == 409
    )


def test_carry_through_the_api_and_the_identifier_refusal(org):
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    incident = incident_at(org, Stage.ACTIONS, data=case_form(children="K.L., 14"))
    carried = api(ad).post(f"/api/incidents/{incident.pk}/carry-learning/", {}, format="json")
    assert carried.status_code == 201
    item = LearningItem.objects.get(incident=incident)
    item.learning_identified = "KL was not seen alone."
    item.save()
    body = {"version": item.version, "confirm_no_identifiers": True, "all_weaker_reason": "x"}
    refused = api(ad).post(f"/api/learning/{item.pk}/publish/", body, format="json")
    assert refused.status_code == 400 and "K.L." in refused.json()["learning_identified"][0]
    assert (
        api(org.people[Role.LOCAL_MANAGER]).post(f"/api/incidents/{incident.pk}/carry-learning/", {}, format="json").status_code
        == 403
    )


def test_the_list_filters_by_rung_through_the_api(org):
    from learning.tests.test_items_services import draft, publish

    publish(org, draft(org, title="Seeing children alone"))
    client = api(org.people[Role.PRACTITIONER])
    assert [i["title"] for i in client.get("/api/learning/?rung=actions_agreed").json()["results"]] == ["Seeing children alone"]
    assert client.get("/api/learning/?rung=verified").json()["results"] == []
