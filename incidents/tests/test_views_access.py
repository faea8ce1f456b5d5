"""Who may do what through the pages: 403 for a step that is not theirs, 404 outside their visibility, sign-in first."""

import pytest

from incidents.choices import Proposal, Stage
from incidents.tests.factories import incident_at
from incidents.tests.helpers import AD, CMT, HOP, LM, NIS, OD, as_user, fresh, html

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "stage, role, url",
    [
        (Stage.WITH_AD, LM, "step/ad_analyse/"),  # the author cannot analyse
        (Stage.WITH_AD, OD, "step/ad_analyse/"),
        (Stage.WITH_OD, AD, "step/od_sign_off/"),
        (Stage.CASE_REVIEW, CMT, "step/ceo_decision/"),
        (Stage.CASE_REVIEW, OD, "case-review/"),
        (Stage.CASE_REVIEW, CMT, "actions/new/"),
        (Stage.CR1_SIGN_OFF, NIS, "step/cr1_sign_off/"),
        (Stage.ACTIONS, LM, "step/close/"),
        (Stage.ACTIONS, CMT, "step/close/"),
        (Stage.WITH_AD, AD, "edit/"),
    ],
)
def test_person_who_sees_the_record_but_may_not_take_the_step_gets_403(org, client, stage, role, url):
    incident = incident_at(org, stage)
    c = as_user(client, org.people[role])
    assert c.get(f"/incidents/{incident.pk}/").status_code == 200
    assert c.get(f"/incidents/{incident.pk}/{url}").status_code == 403
    before = fresh(incident).version
    assert (
        c.post(
            f"/incidents/{incident.pk}/{url}", {"version": before, "text": "x", "analysis": "x", "proposal": Proposal.MEETS_SHARE}
        ).status_code
        == 403
    )
    assert fresh(incident).version == before


def test_author_as_ad_analyses_own_incident_but_cannot_return_it_to_themselves(org, client):
    incident = incident_at(org, Stage.WITH_AD, author=org.people[AD])
    c = as_user(client, org.people[AD])
    assert c.get(f"/incidents/{incident.pk}/step/ad_return/").status_code == 403
    assert c.get(f"/incidents/{incident.pk}/step/ad_analyse/").status_code == 200
    response = c.post(
        f"/incidents/{incident.pk}/step/ad_analyse/",
        {"version": incident.version, "analysis": "Meets criterion 1.", "proposal": Proposal.MEETS_SHARE},
    )
    assert response.status_code == 302
    assert fresh(incident).stage == Stage.WITH_OD


@pytest.mark.parametrize("role", [LM, AD, OD, HOP])
@pytest.mark.parametrize("url", ["", "edit/", "step/ad_analyse/", "step/ad_return/", "case-review/", "actions/new/"])
def test_other_region_people_get_404(org, client, role, url):
    incident = incident_at(org, Stage.WITH_AD)
    c = as_user(client, org.other[role])
    assert c.get(f"/incidents/{incident.pk}/{url}").status_code == 404
    assert c.post(f"/incidents/{incident.pk}/{url}", {"version": incident.version, "text": "x"}).status_code == 404


def test_other_region_people_get_404_on_actions_and_submit(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(
        actor=org.people[AD], incident_id=incident.pk, expected_version=incident.version, action=requested_action(org.people[LM])
    )
    c = as_user(client, org.other[AD])
    assert c.get(f"/actions/{action.pk}/").status_code == 404
    draft = incident_at(org, Stage.DRAFT)
    assert c.post(f"/incidents/{draft.pk}/submit/", {"version": draft.version}).status_code == 404
    assert c.get("/incidents/999999/").status_code == 404


def test_cmt_sees_nothing_before_alert(org, client):
    incident = incident_at(org, Stage.WITH_OD)
    c = as_user(client, org.people[CMT])
    assert c.get(f"/incidents/{incident.pk}/").status_code == 404
    assert incident.display_reference not in html(c.get("/incidents/"))


def test_unknown_step_is_404(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    c = as_user(client, org.people[AD])
    assert c.get(f"/incidents/{incident.pk}/step/nonsense/").status_code == 404
    assert c.get(f"/incidents/{incident.pk}/step/submit/").status_code == 404


def test_step_at_the_wrong_stage_is_explained_not_applied(org, client):
    incident = incident_at(org, Stage.WITH_OD)
    c = as_user(client, org.people[AD])
    response = c.post(
        f"/incidents/{incident.pk}/step/ad_analyse/",
        {"version": incident.version, "analysis": "Late.", "proposal": Proposal.MEETS_SHARE},
    )
    assert response.status_code in (200, 409)
    assert "cannot be done now" in html(response)
    assert fresh(incident).stage == Stage.WITH_OD


def test_anonymous_is_sent_to_sign_in(org, client):
    incident = incident_at(org, Stage.DRAFT)
    response = client.get(f"/incidents/{incident.pk}/")
    assert response.status_code == 302 and "/login" in response["Location"] or "sign-in" in response["Location"]
