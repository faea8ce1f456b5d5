"""Stale forms: someone else changed the record first; the text is kept, and sending again is deliberate."""

import re

import pytest

from conftest import sign_in
from incidents.choices import ActionStatus, Proposal, Stage, Step
from incidents.tests.factories import incident_at
from incidents.tests.helpers import AD, LM, as_user, edit_post, fresh, html
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db


def test_stale_step_form_says_someone_else_changed_it_and_keeps_the_text(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    second_ad = person(AD, place=org.area, username="second_ad")
    old_version = incident.version

    # The second AD, with the same page open, sends first.
    from django.test import Client

    other = sign_in(Client(), second_ad)
    assert (
        other.post(
            f"/incidents/{incident.pk}/step/ad_analyse/",
            {"version": old_version, "analysis": "First in.", "proposal": Proposal.MEETS_SHARE},
        ).status_code
        == 302
    )

    c = as_user(client, org.people[AD])
    response = c.post(
        f"/incidents/{incident.pk}/step/ad_analyse/",
        {"version": old_version, "analysis": "My long considered analysis", "proposal": Proposal.DOES_NOT_MEET},
    )
    assert response.status_code in (200, 409)
    body = html(response)
    assert "Someone else changed this incident" in body
    assert "My long considered analysis" in body
    assert "govuk-error-summary" in body
    incident = fresh(incident)
    assert incident.events.filter(step=Step.AD_ANALYSE).count() == 1
    assert incident.events.get(step=Step.AD_ANALYSE).text == "First in."


def test_stale_edit_form_keeps_the_text(org, client):
    incident = incident_at(org, Stage.DRAFT)
    old = incident.version
    c = as_user(client, org.people[LM])
    assert c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, title="From the first tab")).status_code == 302
    response = c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, version=str(old), title="From the second tab"))
    assert response.status_code in (200, 409)
    assert "Someone else changed this incident" in html(response)
    assert "From the second tab" in html(response)
    assert fresh(incident).title == "From the first tab"


def test_stale_action_update_keeps_the_text(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(
        actor=org.people[AD], incident_id=incident.pk, expected_version=incident.version, action=requested_action(org.people[LM])
    )
    old = action.version
    services.action_update(
        actor=org.people[AD], action_id=action.pk, expected_version=old, status=ActionStatus.IN_PROGRESS, evidence=""
    )
    c = as_user(client, org.people[LM])
    response = c.post(f"/actions/{action.pk}/", {"version": old, "status": ActionStatus.DONE, "evidence": "My evidence text"})
    assert response.status_code in (200, 409)
    assert "Someone else updated this action" in html(response)
    assert "My evidence text" in html(response)


def _hidden_version(response) -> str:
    match = re.search(r'name="version" value="(\d+)"', html(response))
    assert match, html(response)[:3000]
    return match.group(1)


def test_after_a_stale_edit_the_form_can_be_sent_again_as_the_message_says(org, client):
    incident = incident_at(org, Stage.DRAFT)
    old = incident.version
    c = as_user(client, org.people[LM])
    assert c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, title="From the first tab")).status_code == 302
    response = c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, version=str(old), title="From the second tab"))
    assert "Someone else changed this incident" in html(response)
    # The page now carries the version the person has been warned about; sending it again is deliberate.
    resent = edit_post(org, incident, version=_hidden_version(response), title="From the second tab")
    assert c.post(f"/incidents/{incident.pk}/edit/", resent).status_code == 302
    assert fresh(incident).title == "From the second tab"


def test_after_a_stale_action_update_it_can_be_sent_again(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(
        actor=org.people[AD], incident_id=incident.pk, expected_version=incident.version, action=requested_action(org.people[LM])
    )
    old = action.version
    services.action_update(
        actor=org.people[AD], action_id=action.pk, expected_version=old, status=ActionStatus.IN_PROGRESS, evidence=""
    )
    c = as_user(client, org.people[LM])
    response = c.post(f"/actions/{action.pk}/", {"version": old, "status": ActionStatus.DONE, "evidence": "Proof"})
    assert "Someone else updated this action" in html(response)
    response = c.post(
        f"/actions/{action.pk}/", {"version": _hidden_version(response), "status": ActionStatus.DONE, "evidence": "Proof"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_after_a_stale_step_sending_again_meets_the_new_stage(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    second_ad = person(AD, place=org.area, username="second_ad")
    from django.test import Client

    sign_in(Client(), second_ad).post(f"/incidents/{incident.pk}/step/ad_return/", {"version": incident.version, "text": "Q?"})
    c = as_user(client, org.people[AD])
    response = c.post(
        f"/incidents/{incident.pk}/step/ad_analyse/",
        {"version": incident.version, "analysis": "Mine", "proposal": Proposal.MEETS_SHARE},
    )
    assert "Someone else changed this incident" in html(response)
    response = c.post(
        f"/incidents/{incident.pk}/step/ad_analyse/",
        {"version": _hidden_version(response), "analysis": "Mine", "proposal": Proposal.MEETS_SHARE},
    )
    assert response.status_code in (200, 409)
    assert "cannot be done now" in html(response)
    assert fresh(incident).stage == Stage.RETURNED
