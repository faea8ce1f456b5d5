"""The API: the same services and visibility as the pages, with the status codes of incidents.api.views."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import api_token_issue
from conftest import sign_in
from incidents.api.serializers import API_STEPS
from incidents.choices import ActionStatus, Decision, Proposal, Stage
from incidents.models import Action, Briefing, Incident
from incidents.tests.factories import CR1_VALUES, incident_at, requested_action
from organisation.choices import Role

pytestmark = pytest.mark.django_db

LM, AD, OD, CEO, CMT, NIS, BOARD = (
    Role.LOCAL_MANAGER,
    Role.ASSISTANT_DIRECTOR,
    Role.OPERATIONAL_DIRECTOR,
    Role.CEO,
    Role.CMT_MEMBER,
    Role.NIS_REVIEWER,
    Role.BOARD_MEMBER,
)


def api(user) -> APIClient:
    """A client authenticated with the person's token, as another system would be."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user)}")
    return client


def draft_payload(org, **overrides):
    today = timezone.localdate()
    data = {
        "kind": "case",
        "team": org.team.pk,
        "criteria": ["child_seriously_harmed"],
        "title": "Harm to a child",
        "children": "A, 4",
        "case_reference": "ZZ-1",
        "court": "Newcastle",
        "what_happened": "Injured.",
        "cafcass_involvement": "Report.",
        "immediate_actions": "Referral.",
        "incident_date": (today - timedelta(days=2)).isoformat(),
        "aware_date": (today - timedelta(days=1)).isoformat(),
    }
    data.update(overrides)
    return data


def step(client, incident_id, name, **data):
    return client.post(f"/api/incidents/{incident_id}/steps/{name}/", data, format="json")


def version_of(pk) -> int:
    return Incident.objects.get(pk=pk).version


# --- authentication ----------------------------------------------------------------------------


def test_anonymous_is_refused(org):
    response = APIClient().get("/api/incidents/")
    assert response.status_code in (401, 403)
    assert APIClient().post("/api/incidents/", draft_payload(org), format="json").status_code in (401, 403)


def test_bad_token_is_refused(org):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/incidents/").status_code in (401, 403)


def test_token_authentication(org):
    incident = incident_at(org, Stage.WITH_AD)
    response = api(org.people[AD]).get("/api/incidents/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [incident.pk]


def test_session_authentication_with_second_factor(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    c = sign_in(client, org.people[AD])
    response = c.get("/api/incidents/")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert c.get(f"/api/incidents/{incident.pk}/").json()["reference"] == incident.reference


def test_session_without_second_factor_counts_as_nobody(org, client):
    incident_at(org, Stage.WITH_AD)
    client.force_login(org.people[AD], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/incidents/").status_code in (401, 403)


def test_session_write_needs_csrf(org):
    client = APIClient(enforce_csrf_checks=True)
    sign_in(client, org.people[LM])
    response = client.post("/api/incidents/", draft_payload(org), format="json")
    assert response.status_code == 403
    assert not Incident.objects.exists()


# --- lists and detail --------------------------------------------------------------------------


def test_list_shows_only_visible_incidents(org):
    ours = incident_at(org, Stage.WITH_AD)
    draft = incident_at(org, Stage.DRAFT)
    notified = incident_at(org, Stage.CASE_REVIEW)

    def ids(user):
        response = api(user).get("/api/incidents/")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(org.people[LM]) == {ours.pk, draft.pk, notified.pk}
    assert ids(org.people[AD]) == {ours.pk, draft.pk, notified.pk}
    assert ids(org.other[LM]) == set()
    assert ids(org.other[AD]) == set()
    assert ids(org.people[CMT]) == {notified.pk}
    assert ids(org.people[NIS]) == {notified.pk}
    assert ids(org.people[BOARD]) == set()
    assert ids(org.nobody) == set()


def test_detail_404_outside_visibility(org):
    incident = incident_at(org, Stage.WITH_AD)
    assert api(org.other[OD]).get(f"/api/incidents/{incident.pk}/").status_code == 404
    assert api(org.people[CMT]).get(f"/api/incidents/{incident.pk}/").status_code == 404
    assert api(org.people[BOARD]).get(f"/api/incidents/{incident.pk}/").status_code == 404
    assert api(org.people[AD]).get("/api/incidents/987654/").status_code == 404
    body = api(org.people[AD]).get(f"/api/incidents/{incident.pk}/").json()
    assert body["stage"] == Stage.WITH_AD
    assert [e["step"] for e in body["events"]] == ["create", "submit"]
    assert body["criteria"] == ["child_seriously_harmed"]


# --- the draft ---------------------------------------------------------------------------------


def test_create_draft_and_patch_it_with_version(org):
    c = api(org.people[LM])
    response = c.post("/api/incidents/", draft_payload(org, what_happened=""), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    pk, version = body["id"], body["version"]
    assert body["stage"] == Stage.DRAFT and body["reference"] is None
    assert Incident.objects.get(pk=pk).author == org.people[LM]

    response = c.patch(f"/api/incidents/{pk}/", {"version": version, "what_happened": "Now I know."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["what_happened"] == "Now I know."
    assert response.json()["version"] == version + 1
    # Criteria are kept when not sent.
    assert response.json()["criteria"] == ["child_seriously_harmed"]

    # The old version is stale: 409, nothing changed.
    response = c.patch(f"/api/incidents/{pk}/", {"version": version, "what_happened": "Overwrite?"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert Incident.objects.get(pk=pk).what_happened == "Now I know."

    # Without a version: 400 naming it.
    response = c.patch(f"/api/incidents/{pk}/", {"title": "x"}, format="json")
    assert response.status_code == 400 and "version" in response.json()


def test_create_bad_payloads_are_400_with_field_names(org):
    c = api(org.people[LM])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    cases = [
        (draft_payload(org, incident_date=future), "incident_date"),
        (draft_payload(org, aware_date=(timezone.localdate() - timedelta(days=30)).isoformat()), "aware_date"),
        (draft_payload(org, incident_date="31/02/2026"), "incident_date"),
        (draft_payload(org, criteria=["no-such-criterion"]), "criteria"),
        (draft_payload(org, criteria="child_missing"), "criteria"),
        (draft_payload(org, kind="nonsense"), "kind"),
        (draft_payload(org, title="x" * 151), "title"),
        (draft_payload(org, team=987654), "team"),
        (draft_payload(org, team="abc"), "team"),
    ]
    for payload, field in cases:
        response = c.post("/api/incidents/", payload, format="json")
        assert response.status_code == 400, (field, response.status_code, response.content)
        assert field in response.json(), (field, response.json())
    assert not Incident.objects.exists()


def test_create_for_a_team_elsewhere_is_403(org):
    response = api(org.people[LM]).post("/api/incidents/", draft_payload(org, team=org.other_team.pk), format="json")
    assert response.status_code == 403
    response = api(org.people[CMT]).post("/api/incidents/", draft_payload(org), format="json")
    assert response.status_code == 403
    response = api(org.people[LM]).post("/api/incidents/", draft_payload(org, team=None), format="json")
    assert response.status_code == 403
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"version": "x"},
        {"version": -1},
        {"version": 2**40},
        {"version": 1, "criteria": [1, 2]},
        {"version": 1, "incident_date": "2026-13-01"},
    ],
)
def test_patch_bad_payloads_are_400(org, body):
    incident = incident_at(org, Stage.DRAFT)
    response = api(org.people[LM]).patch(f"/api/incidents/{incident.pk}/", body, format="json")
    assert response.status_code == 400, response.content


def test_patch_by_someone_else_or_after_submission(org):
    incident = incident_at(org, Stage.DRAFT)
    assert (
        api(org.people[AD])
        .patch(f"/api/incidents/{incident.pk}/", {"version": incident.version, "title": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api(org.other[LM])
        .patch(f"/api/incidents/{incident.pk}/", {"version": incident.version, "title": "x"}, format="json")
        .status_code
        == 404
    )
    submitted = incident_at(org, Stage.WITH_AD)
    response = api(org.people[LM]).patch(
        f"/api/incidents/{submitted.pk}/", {"version": submitted.version, "title": "x"}, format="json"
    )
    assert response.status_code == 409
    assert Incident.objects.get(pk=submitted.pk).title != "x"


# --- steps --------------------------------------------------------------------------------------


def test_whole_lifecycle_through_the_api(org):
    p = org.people
    lm = api(p[LM])
    pk = lm.post("/api/incidents/", draft_payload(org), format="json").json()["id"]

    response = step(lm, pk, "submit", version=version_of(pk))
    assert response.status_code == 200, response.content
    assert response.json()["reference"].startswith(f"SIN-{timezone.localdate().year}-")

    response = step(api(p[AD]), pk, "ad_analyse", version=version_of(pk), analysis="Meets 3.", proposal=Proposal.MEETS_SHARE)
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == Stage.WITH_OD

    response = step(api(p[OD]), pk, "od_sign_off", version=version_of(pk), text="Agreed.")
    assert response.status_code == 200 and response.json()["stage"] == Stage.CASE_REVIEW

    ceo = api(p[CEO])
    response = step(
        ceo,
        pk,
        "ceo_decision",
        version=version_of(pk),
        decision=Decision.SHARE_CHAIR,
        rationale="Chair only.",
        briefing_title="For the Chair",
        briefing_text="Brief words.",
    )
    assert response.status_code == 200, response.content
    assert Briefing.objects.get(incident_id=pk).audience == "chair"

    nis = api(p[NIS])
    response = nis.get(f"/api/incidents/{pk}/case-review/")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    response = nis.put(
        f"/api/incidents/{pk}/case-review/", {"version": version_of(pk), "summary": "Draft summary"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "Draft summary"
    response = nis.put(f"/api/incidents/{pk}/case-review/", {"version": version_of(pk), "submit": True}, format="json")
    assert response.status_code == 400 and "chronology" in response.json()
    response = nis.put(
        f"/api/incidents/{pk}/case-review/", {"version": version_of(pk), "submit": True, **CR1_VALUES}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Incident.objects.get(pk=pk).stage == Stage.CR1_SIGN_OFF

    od = api(p[OD])
    response = step(od, pk, "cr1_return", version=version_of(pk), text="More on the chronology.")
    assert response.status_code == 200 and response.json()["stage"] == Stage.CASE_REVIEW
    assert (
        nis.put(f"/api/incidents/{pk}/case-review/", {"version": version_of(pk), "submit": True}, format="json").status_code
        == 200
    )
    response = step(od, pk, "cr1_sign_off", version=version_of(pk))
    assert response.status_code == 200 and response.json()["stage"] == Stage.FINAL_DECISION

    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = step(
        ceo,
        pk,
        "ceo_final_decision",
        version=version_of(pk),
        decision=Decision.NO_ONWARD,
        rationale="Local.",
        comments="Thanks.",
        action_description="Share the learning",
        action_owner=p[AD].pk,
        action_due_date=due,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == Stage.ACTIONS and len(body["actions"]) == 1

    ad = api(p[AD])
    response = ad.post(
        f"/api/incidents/{pk}/actions/",
        {"version": version_of(pk), "description": "Audit", "owner": p[LM].pk, "due_date": due},
        format="json",
    )
    assert response.status_code == 201, response.content
    audit_action = response.json()

    response = step(ad, pk, "close", version=version_of(pk))
    assert response.status_code == 409 and "neither done nor carried" in response.json()["detail"]

    response = lm.patch(
        f"/api/actions/{audit_action['id']}/", {"version": audit_action["version"], "status": "done"}, format="json"
    )
    assert response.status_code == 400 and "evidence" in response.json()
    response = lm.patch(
        f"/api/actions/{audit_action['id']}/",
        {"version": audit_action["version"], "status": "done", "evidence": "Filed."},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == ActionStatus.DONE
    # The same version again is stale.
    response = lm.patch(
        f"/api/actions/{audit_action['id']}/", {"version": audit_action["version"], "status": "open"}, format="json"
    )
    assert response.status_code == 409

    other = Action.objects.exclude(pk=audit_action["id"]).get(incident_id=pk)
    # The AD carries it, with the SIN's learning, into the Learning Portal (2.7), in one step.
    response = ad.post(f"/api/incidents/{pk}/carry-learning/", {"actions": [other.pk]}, format="json")
    assert response.status_code == 201, response.content
    other.refresh_from_db()
    assert other.status == "carried" and other.carried_to_id == response.json()["id"]

    response = step(ad, pk, "learning_record", version=version_of(pk), text="Learn this.")
    assert response.status_code == 200
    response = step(ad, pk, "close", version=version_of(pk))
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == Stage.CLOSED
    steps = [e["step"] for e in response.json()["events"]]
    assert steps[:3] == ["create", "submit", "ad_analyse"] and steps[-1] == "close"

    # The Chair reads the briefing through the API; the Board does not.
    from incidents.models import Briefing as B

    assert api(p[Role.CHAIR]).get("/api/briefings/").json()["count"] == B.objects.count() == 1
    assert api(p[BOARD]).get("/api/briefings/").json()["count"] == 0


def test_non_case_lifecycle_through_the_api(org):
    hop = api(org.people[Role.HEAD_OF_PROFESSION])
    today = timezone.localdate().isoformat()
    response = hop.post(
        "/api/incidents/",
        {
            "kind": "non_case",
            "function": org.function.pk,
            "criteria": ["it_cyber"],
            "title": "Phishing",
            "what_happened": "Email.",
            "immediate_actions": "Reset.",
            "incident_date": today,
            "aware_date": today,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = step(hop, pk, "submit", version=version_of(pk))
    assert response.status_code == 200 and response.json()["stage"] == Stage.NOTIFIED
    assert response.json()["reference"].startswith("SIN-NC-")
    response = step(
        api(org.people[CEO]), pk, "ceo_final_decision", version=version_of(pk), decision=Decision.NO_ONWARD, rationale="Fine."
    )
    assert response.status_code == 200, response.content
    response = step(hop, pk, "close", version=version_of(pk))
    assert response.status_code == 200 and response.json()["stage"] == Stage.CLOSED


@pytest.mark.parametrize(
    "stage, role, name",
    [
        (Stage.WITH_AD, LM, "ad_analyse"),
        (Stage.WITH_AD, OD, "ad_return"),
        (Stage.WITH_OD, AD, "od_sign_off"),
        (Stage.CASE_REVIEW, CMT, "ceo_decision"),
        (Stage.CR1_SIGN_OFF, NIS, "cr1_sign_off"),
        (Stage.ACTIONS, LM, "close"),
        (Stage.DRAFT, AD, "submit"),
    ],
)
def test_wrong_person_is_403(org, stage, role, name):
    incident = incident_at(org, stage)
    response = step(
        api(org.people[role]),
        incident.pk,
        name,
        version=incident.version,
        text="x",
        analysis="x",
        proposal=Proposal.MEETS_SHARE,
        decision=Decision.NO_ONWARD,
        rationale="x",
    )
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "not_allowed"
    assert version_of(incident.pk) == incident.version


@pytest.mark.parametrize("role", [LM, AD, OD])
@pytest.mark.parametrize("name", ["submit", "ad_analyse", "od_sign_off", "close"])
def test_other_region_is_404(org, role, name):
    incident = incident_at(org, Stage.WITH_AD)
    response = step(
        api(org.other[role]), incident.pk, name, version=incident.version, analysis="x", proposal=Proposal.MEETS_SHARE
    )
    assert response.status_code == 404
    c = api(org.other[role])
    assert c.get(f"/api/incidents/{incident.pk}/case-review/").status_code == 404
    assert c.put(f"/api/incidents/{incident.pk}/case-review/", {"version": 1}, format="json").status_code == 404
    assert (
        c.post(
            f"/api/incidents/{incident.pk}/actions/",
            {"version": 1, "description": "x", "owner": 1, "due_date": "2030-01-01"},
            format="json",
        ).status_code
        == 404
    )


def test_other_region_cannot_touch_an_action(org):
    incident = incident_at(org, Stage.ACTIONS)
    from incidents import services

    action = services.action_add(
        actor=org.people[AD], incident_id=incident.pk, expected_version=incident.version, action=requested_action(org.people[LM])
    )
    response = api(org.other[AD]).patch(
        f"/api/actions/{action.pk}/", {"version": action.version, "status": "done", "evidence": "x"}, format="json"
    )
    assert response.status_code == 404
    response = api(org.people[CMT]).patch(
        f"/api/actions/{action.pk}/", {"version": action.version, "status": "done", "evidence": "x"}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "stage, role, name",
    [
        (Stage.WITH_OD, AD, "ad_analyse"),
        (Stage.CASE_REVIEW, OD, "od_sign_off"),
        (Stage.FINAL_DECISION, OD, "cr1_sign_off"),
        (Stage.CLOSED, AD, "close"),
    ],
)
def test_wrong_stage_is_409(org, stage, role, name):
    incident = incident_at(org, stage)
    response = step(
        api(org.people[role]),
        incident.pk,
        name,
        version=incident.version,
        analysis="x",
        proposal=Proposal.MEETS_SHARE,
        decision=Decision.NO_ONWARD,
        rationale="x",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "wrong_stage"


def test_wrong_stage_for_ceo_is_409(org):
    incident = incident_at(org, Stage.CASE_REVIEW)
    response = step(
        api(org.people[CEO]),
        incident.pk,
        "ceo_final_decision",
        version=incident.version,
        decision=Decision.NO_ONWARD,
        rationale="x",
    )
    assert response.status_code == 409
    incident = incident_at(org, Stage.ACTIONS)
    response = step(
        api(org.people[CEO]), incident.pk, "ceo_decision", version=incident.version, decision=Decision.NO_ONWARD, rationale="x"
    )
    assert response.status_code == 409


def test_stale_step_is_409(org):
    incident = incident_at(org, Stage.WITH_AD)
    response = step(
        api(org.people[AD]), incident.pk, "ad_analyse", version=incident.version - 1, analysis="x", proposal=Proposal.MEETS_SHARE
    )
    assert response.status_code == 409 and response.json()["code"] == "stale"
    assert "Someone else changed this incident" in response.json()["detail"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "version"),
        ({"version": "x"}, "version"),
        ({"version": 1, "proposal": "maybe", "analysis": "x"}, "proposal"),
        ({"version": None, "analysis": "x"}, "version"),
    ],
)
def test_bad_step_payload_is_400_with_field_names(org, payload, field):
    incident = incident_at(org, Stage.WITH_AD)
    response = step(api(org.people[AD]), incident.pk, "ad_analyse", **payload)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_step_rules_become_400_with_field_names(org):
    incident = incident_at(org, Stage.WITH_AD)
    response = step(
        api(org.people[AD]), incident.pk, "ad_analyse", version=incident.version, analysis="", proposal=Proposal.MEETS_SHARE
    )
    assert response.status_code == 400 and "analysis" in response.json()
    response = step(api(org.people[AD]), incident.pk, "ad_analyse", version=incident.version, analysis="x", proposal="")
    assert response.status_code == 400 and "proposal" in response.json()
    incident = incident_at(org, Stage.CASE_REVIEW)
    ceo = api(org.people[CEO])
    response = step(ceo, incident.pk, "ceo_decision", version=incident.version, decision=Decision.SHARE_BOARD, rationale="x")
    assert response.status_code == 400 and "briefing_title" in response.json()
    response = step(ceo, incident.pk, "ceo_decision", version=incident.version, decision=Decision.FURTHER_ACTION, rationale="x")
    assert response.status_code == 400 and "action_description" in response.json()
    response = step(
        ceo,
        incident.pk,
        "ceo_decision",
        version=incident.version,
        decision=Decision.FURTHER_ACTION,
        rationale="x",
        action_description="Do it",
        action_owner=987654,
        action_due_date="2030-01-01",
    )
    assert response.status_code == 400 and "action_owner" in response.json()
    response = step(
        ceo,
        incident.pk,
        "ceo_decision",
        version=incident.version,
        decision=Decision.FURTHER_ACTION,
        rationale="x",
        action_description="Do it",
        action_owner=org.people[LM].pk,
        action_due_date="2000-01-01",
    )
    assert response.status_code == 400 and "action_due_date" in response.json()


def test_unknown_step_is_404(org):
    incident = incident_at(org, Stage.WITH_AD)
    assert step(api(org.people[AD]), incident.pk, "nonsense", version=incident.version).status_code == 404
    assert step(api(org.people[AD]), incident.pk, "cr1_submit", version=incident.version).status_code == 404


def test_action_create_bad_payloads(org):
    incident = incident_at(org, Stage.ACTIONS)
    c = api(org.people[AD])
    url = f"/api/incidents/{incident.pk}/actions/"
    response = c.post(url, {"version": incident.version}, format="json")
    assert response.status_code == 400 and {"description", "owner", "due_date"} <= set(response.json())
    response = c.post(
        url, {"version": incident.version, "description": "x", "owner": 987654, "due_date": "2030-01-01"}, format="json"
    )
    assert response.status_code == 400 and "action_owner" in response.json()
    response = c.post(
        url,
        {"version": incident.version - 1, "description": "x", "owner": org.people[LM].pk, "due_date": "2030-01-01"},
        format="json",
    )
    assert response.status_code == 409
    draft = incident_at(org, Stage.WITH_AD)
    response = c.post(
        f"/api/incidents/{draft.pk}/actions/",
        {"version": draft.version, "description": "x", "owner": org.people[LM].pk, "due_date": "2030-01-01"},
        format="json",
    )
    assert response.status_code == 409


def test_case_review_endpoint(org):
    incident = incident_at(org, Stage.WITH_AD)
    nis = api(org.people[NIS])
    assert nis.get(f"/api/incidents/{incident.pk}/case-review/").status_code == 404
    incident = incident_at(org, Stage.CASE_REVIEW)
    assert (
        api(org.people[OD])
        .put(f"/api/incidents/{incident.pk}/case-review/", {"version": incident.version, "summary": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        nis.put(
            f"/api/incidents/{incident.pk}/case-review/", {"version": incident.version - 1, "summary": "x"}, format="json"
        ).status_code
        == 409
    )
    assert nis.put(f"/api/incidents/{incident.pk}/case-review/", {"submit": "maybe"}, format="json").status_code == 400
    closed = incident_at(org, Stage.CLOSED)
    response = nis.put(f"/api/incidents/{closed.pk}/case-review/", {"version": closed.version, "summary": "x"}, format="json")
    assert response.status_code == 409


def test_briefings_endpoint_for_the_board(org):
    incident_at(org, Stage.ACTIONS, final_decision=Decision.SHARE_BOARD)
    response = api(org.people[BOARD]).get("/api/briefings/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 1 and rows[0]["text"] == "Briefing text."
    assert set(rows[0]) == {"id", "incident_reference", "audience", "title", "text", "shared_at"}
    assert api(org.people[LM]).get("/api/briefings/").json()["count"] == 0


# --- schema and docs ----------------------------------------------------------------------------


def test_schema_includes_the_step_endpoint(org, client):
    sign_in(client, org.people[LM])
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    # One endpoint per step, each with its own request body: the fields that step takes, and no others.
    bodies = {}
    for step in API_STEPS:
        path = next(
            (p for p in (f"/api/incidents/{{id}}/steps/{step}/", f"/api/incidents/{{pk}}/steps/{step}/") if p in paths), None
        )
        assert path is not None, (step, list(paths))
        assert "post" in paths[path] and "get" not in paths[path], path
        reference = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        bodies[step] = set(schema["components"]["schemas"][reference.rsplit("/", 1)[1]]["properties"])
    assert bodies["close"] == {"version"}
    assert bodies["submit"] == {"version", "answer"}  # the answer, for a SIN returned with questions
    assert bodies["ad_analyse"] == {"version", "analysis", "proposal"}
    assert bodies["od_return"] == {"version", "text"}
    assert {"decision", "rationale", "briefing_title", "action_owner"} <= bodies["ceo_decision"]
    assert "comments" in bodies["ceo_final_decision"] and "comments" not in bodies["ceo_decision"]
    assert "/api/incidents/" in paths and "post" in paths["/api/incidents/"]


def test_docs_page(org, client):
    sign_in(client, org.people[LM])
    response = client.get("/api/docs/")
    assert response.status_code == 200


def test_action_owner_must_be_someone_the_page_would_offer(org):
    """The same owners as the pages: people of the incident's place and the central teams, not the Board."""
    incident = incident_at(org, Stage.ACTIONS)
    ceo = api(org.people[CEO])
    for outsider in (org.people[BOARD], org.other[LM], org.nobody):
        response = ceo.post(
            f"/api/incidents/{incident.pk}/actions/",
            {"version": version_of(incident.pk), "description": "x", "owner": outsider.pk, "due_date": "2030-01-01"},
            format="json",
        )
        assert response.status_code == 400, (outsider, response.content)
        assert "action_owner" in response.json()
    review = incident_at(org, Stage.CASE_REVIEW)
    response = step(
        ceo,
        review.pk,
        "ceo_decision",
        version=review.version,
        decision=Decision.FURTHER_ACTION,
        rationale="x",
        action_description="Do it",
        action_owner=org.other[AD].pk,
        action_due_date="2030-01-01",
    )
    assert response.status_code == 400 and "action_owner" in response.json()
    assert not Action.objects.exists()
    response = ceo.post(
        f"/api/incidents/{incident.pk}/actions/",
        {"version": version_of(incident.pk), "description": "x", "owner": org.people[NIS].pk, "due_date": "2030-01-01"},
        format="json",
    )
    assert response.status_code == 201


def test_a_cr1_being_written_is_shown_only_to_nis_reviewers(org):
    from rest_framework.test import APIClient

    from incidents import services as incident_services
    from incidents.choices import Stage as S
    from incidents.tests.factories import incident_at as build
    from organisation.choices import Role as R

    incident = build(org, S.CASE_REVIEW)
    incident_services.case_review_save(
        actor=org.people[R.NIS_REVIEWER],
        incident_id=incident.pk,
        expected_version=incident.version,
        values={"summary": "Draft summary of the case"},
    )
    for role, sees in ((R.NIS_REVIEWER, True), (R.CMT_MEMBER, False), (R.LOCAL_MANAGER, False)):
        api = APIClient()
        api.force_authenticate(org.people[role])
        for url in (f"/api/incidents/{incident.pk}/", f"/api/incidents/{incident.pk}/case-review/"):
            body = api.get(url).json()
            review = body.get("case_review", body)
            assert ("Draft summary of the case" == review.get("summary")) is sees, (role, url)


def test_json_nested_too_deeply_is_a_400_not_a_server_error(org):
    from rest_framework.test import APIClient

    from organisation.choices import Role as R

    api = APIClient()
    api.force_authenticate(org.people[R.LOCAL_MANAGER])
    response = api.post("/api/incidents/", data="[" * 5000, content_type="application/json")
    assert response.status_code == 400
