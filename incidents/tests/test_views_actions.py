"""Actions and closure through the pages: who may update an action, what stops closure, a closed SIN's actions read only."""

import re

import pytest

from conftest import sign_in
from incidents.choices import ActionStatus, Stage
from incidents.tests.factories import incident_at
from incidents.tests.helpers import AD, CEO, CMT, LM, NIS, OD, as_user, fresh, html
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_detail_page_says_what_blocks_closure(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    c = as_user(client, org.people[AD])
    body = html(c.get(f"/incidents/{incident.pk}/"))
    assert "Before it can be closed" not in body
    for _ in range(2):
        services.action_add(
            actor=org.people[AD],
            incident_id=incident.pk,
            expected_version=fresh(incident).version,
            action=requested_action(org.people[LM]),
        )
    body = html(c.get(f"/incidents/{incident.pk}/"))
    assert "Before it can be closed" in body and "2 action(s) are neither done nor carried" in body
    assert services.closure_blockers(fresh(incident)) == ["2 action(s) are neither done nor carried into the Learning Portal."]


def test_detail_offers_action_updates_only_to_those_who_may_make_them(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(
        actor=org.people[AD], incident_id=incident.pk, expected_version=incident.version, action=requested_action(org.people[NIS])
    )
    link = f"/actions/{action.pk}/"
    for role in (NIS, AD):  # the owner, the accountable AD
        assert link in html(as_user(client, org.people[role]).get(f"/incidents/{incident.pk}/")), role
    for role in (CMT, CEO, LM, OD):
        c = as_user(client, org.people[role])
        assert link not in html(c.get(f"/incidents/{incident.pk}/")), role
        assert c.get(link).status_code == 403, role
    # Once closed, nobody is offered a change.
    services.action_update(
        actor=org.people[AD], action_id=action.pk, expected_version=action.version, status=ActionStatus.DONE, evidence="E"
    )
    services.incident_close(actor=org.people[AD], incident_id=incident.pk, expected_version=fresh(incident).version)
    assert link not in html(as_user(client, org.people[AD]).get(f"/incidents/{incident.pk}/"))


def test_close_page_asks_for_nothing_it_would_throw_away(org, client):
    incident = incident_at(org, Stage.ACTIONS)
    c = as_user(client, org.people[AD])
    page = html(c.get(f"/incidents/{incident.pk}/step/close/"))
    assert "<textarea" not in page
    assert "Close the incident" in page
    assert c.post(f"/incidents/{incident.pk}/step/close/", {"version": incident.version}).status_code == 302
    assert fresh(incident).stage == Stage.CLOSED


def test_only_those_who_close_are_told_what_stops_closure(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    services.action_add(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        action=requested_action(org.people[Role.LOCAL_MANAGER]),
    )
    for role, told in [(Role.ASSISTANT_DIRECTOR, True), (Role.OPERATIONAL_DIRECTOR, False), (Role.CEO, False)]:
        sign_in(client, org.people[role])
        page = client.get(f"/incidents/{incident.pk}/").content.decode()
        assert ("neither done nor carried" in page) is told, role


def test_an_action_of_a_closed_incident_is_shown_read_only(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    owner = org.people[Role.LOCAL_MANAGER]
    action = services.action_add(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        action=requested_action(owner, description="Check the school " * 10),
    )
    services.action_update(
        actor=owner, action_id=action.pk, expected_version=action.version, status=ActionStatus.DONE, evidence="Checked."
    )
    incident.refresh_from_db()
    sign_in(client, owner)
    open_page = client.get(f"/actions/{action.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", open_page, re.S).group(1)
    assert title.startswith("Update the action: Check the school") and "…" in title  # shortened, and says so
    services.incident_close(actor=org.people[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "The incident is closed: its actions can no longer change." in page
    assert 'name="status"' not in page and 'name="evidence"' not in page
    assert "Checked." in page
