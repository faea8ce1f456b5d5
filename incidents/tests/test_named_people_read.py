"""Whoever a rule lets act reads what they act on, and no more (issue: the named OSD's CR1 was stuck).

Every rule that names a person rather than a place: the Operational Service
Director an administrator names for a CR1 (2.5), an action's owner (2.7), the
NIS reviewer of a CR1 (2.3). Each reads the object of their step on the page,
through the API and in the papers, and finds it in what awaits them; an
action's owner who does not read the record sees the action and nothing of it.
"""

import pytest
import rules
from rest_framework.test import APIClient

from conftest import sign_in
from incidents import selectors, services
from incidents.choices import Decision, Stage
from incidents.models import CaseReview
from incidents.tests.factories import CR1_VALUES, incident_at, requested_action
from organisation.choices import Role
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def named_osd(org):
    """A CR1 submitted for sign-off by a director named by an administrator, who holds no role that reads it."""
    named = person(None, username="named_osd", first_name="Nadia", last_name="Named")
    incident = incident_at(org, Stage.CASE_REVIEW)
    CaseReview.objects.filter(incident=incident).update(sign_off_by=named)
    services.case_review_save(
        actor=org.people[Role.NIS_REVIEWER],
        incident_id=incident.pk,
        expected_version=incident.version,
        values=dict(CR1_VALUES),
        submit=True,
    )
    incident.refresh_from_db()
    return incident, named


def test_the_named_director_reads_the_record_the_cr1_and_the_papers(named_osd, client):
    incident, named = named_osd
    c = sign_in(client, named)
    page = c.get(f"/incidents/{incident.pk}/")
    assert page.status_code == 200
    assert CR1_VALUES["findings"] in page.content.decode()
    assert c.get(f"/incidents/{incident.pk}/step/cr1_sign_off/").status_code == 200
    assert c.get(f"/documents/incidents/{incident.pk}/word/").status_code == 200
    assert _api(named).get(f"/api/incidents/{incident.pk}/").status_code == 200
    assert _api(named).get(f"/api/incidents/{incident.pk}/case-review/").status_code == 200


def test_the_named_director_finds_the_cr1_awaiting_them_and_signs_it_off(named_osd, client):
    incident, named = named_osd
    assert list(selectors.incidents_awaiting_action(named)) == [incident]
    c = sign_in(client, named)
    assert incident.display_reference in c.get("/incidents/awaiting-my-action/").content.decode()
    assert incident.display_reference in c.get("/").content.decode()
    response = _api(named).post(f"/api/incidents/{incident.pk}/steps/cr1_sign_off/", {"version": incident.version}, format="json")
    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert incident.stage == Stage.FINAL_DECISION


def test_the_regions_od_no_longer_signs_off_a_cr1_named_to_another(org, named_osd, client):
    """2.5 as DESIGN.md reads it: the region's OD unless an administrator names another; the OD still reads it."""
    incident, _named = named_osd
    c = sign_in(client, org.people[Role.OPERATIONAL_DIRECTOR])
    assert c.get(f"/incidents/{incident.pk}/").status_code == 200
    assert c.get(f"/incidents/{incident.pk}/step/cr1_sign_off/").status_code == 403


def test_naming_nobody_reads_nothing_more(org):
    """The clause is for the person named, not for anyone whose sign_off_by is empty."""
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    stranger = person(None, username="stranger")
    assert not selectors.incidents_visible_to(stranger).filter(pk=incident.pk).exists()


def test_every_rule_that_names_a_person_lets_them_read_what_they_act_on(org, named_osd):
    incident, named = named_osd
    # The named director: the record.
    assert rules.has_perm("incidents.sign_off_case_review", named, incident)
    assert selectors.incidents_visible_to(named).filter(pk=incident.pk).exists()
    # The reviewer: the record they review.
    reviewer = incident.case_review.reviewer
    assert reviewer is not None and rules.has_perm("incidents.write_case_review", reviewer, incident)
    assert selectors.incidents_visible_to(reviewer).filter(pk=incident.pk).exists()
    # An action's owner who holds no place on the incident: the action.
    lead = person(Role.LEARNING_LEAD, username="ld_lead")
    final = incident_at(org, Stage.FINAL_DECISION)
    services.incident_ceo_final_decide(
        actor=org.people[Role.CEO],
        incident_id=final.pk,
        expected_version=final.version,
        decision=Decision.NO_ONWARD,
        rationale="Rationale.",
        action=requested_action(lead, description="Review training on J.W.'s case"),
    )
    action = final.actions.get()
    assert rules.has_perm("actions.update", lead, action)
    assert selectors.actions_visible_to(lead).filter(pk=action.pk).exists()
    assert not selectors.incidents_visible_to(lead).filter(pk=final.pk).exists()


def test_an_action_owner_who_does_not_read_the_record_sees_nothing_of_it(org, client):
    lead = person(Role.LEARNING_LEAD, username="ld_lead")
    incident = incident_at(org, Stage.FINAL_DECISION)
    services.incident_ceo_final_decide(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.NO_ONWARD,
        rationale="Rationale.",
        action=requested_action(lead, description="Update the training material"),
    )
    action = incident.actions.get()
    incident.refresh_from_db()
    page = sign_in(client, lead).get(f"/actions/{action.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Update the training material" in body
    assert incident.title not in body
    assert f"/incidents/{incident.pk}/" not in body
    # The record's own readers still see where the action belongs.
    ad_page = sign_in(client, org.people[Role.ASSISTANT_DIRECTOR]).get(f"/actions/{action.pk}/").content.decode()
    assert incident.title in ad_page
