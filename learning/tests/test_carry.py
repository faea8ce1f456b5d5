"""Carried from a SIN and its CR1 (2.7, 3.2): one step, a source-A draft pre-filled, themes from the
criteria, the chosen actions carried; the SIN's closure asks for the item."""

import pytest

from actions.choices import ActionStatus
from core.exceptions import NotAllowed, WrongStage
from incidents import services as incident_services
from incidents.choices import Stage
from incidents.tests.factories import CR1_VALUES, case_form, incident_at, requested_action
from learning.choices import ItemStatus, Rung
from learning.services import items as services
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_the_ad_carries_the_learning_in_one_step(org):
    p = org.people
    incident = incident_at(org, Stage.ACTIONS, data=case_form(children="K.L., 14", criteria=["child_seriously_harmed"]))
    carried = incident_services.action_add(
        actor=p[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        action=requested_action(p[Role.LOCAL_MANAGER]),
    )
    incident.refresh_from_db()
    kept = incident_services.action_add(
        actor=p[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        action=requested_action(p[Role.LOCAL_MANAGER], description="Local"),
    )
    item = services.learning_item_carry(actor=p[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, action_ids=[carried.pk])
    assert (item.source, item.status, item.rung, item.incident) == ("A", ItemStatus.DRAFT, Rung.IDENTIFIED, incident)
    assert CR1_VALUES["learning_identified"] in item.learning_identified
    assert CR1_VALUES["recommendations"] in item.how_addressed
    assert item.responsible == p[Role.ASSISTANT_DIRECTOR] and item.service_area == org.area
    assert {t.code for t in item.themes.all()} == {"safeguarding", "risk-assessment"}
    carried.refresh_from_db()
    kept.refresh_from_db()
    assert (carried.status, carried.carried_to) == (ActionStatus.CARRIED, item)
    assert kept.status == ActionStatus.OPEN and kept.carried_to is None
    assert incident.events.filter(text__contains=item.reference).exists()
    with pytest.raises(WrongStage, match="carried already"):
        services.learning_item_carry(actor=p[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk)


@pytest.mark.parametrize("role", [Role.LOCAL_MANAGER, Role.OPERATIONAL_DIRECTOR, Role.CEO, Role.NIS_REVIEWER, Role.PRACTITIONER])
def test_only_the_ad_of_the_area_carries(org, role):
    incident = incident_at(org, Stage.ACTIONS)
    with pytest.raises(NotAllowed):
        services.learning_item_carry(actor=org.people[role], incident_id=incident.pk)
    with pytest.raises(NotAllowed):
        services.learning_item_carry(actor=org.other[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk)


def test_a_draft_sin_has_no_learning_to_carry(org):
    incident = incident_at(org, Stage.WITH_AD)
    with pytest.raises(WrongStage):
        services.learning_item_carry(actor=org.people[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk)


def test_closure_with_an_action_carried_asks_for_the_learning_item(org):
    p, ad = org.people, org.people[Role.ASSISTANT_DIRECTOR]
    incident = incident_at(org, Stage.ACTIONS)
    action = incident_services.action_add(
        actor=ad, incident_id=incident.pk, expected_version=incident.version, action=requested_action(p[Role.LEARNING_LEAD])
    )
    incident_services.action_update(
        actor=ad, action_id=action.pk, expected_version=action.version, status=ActionStatus.CARRIED, evidence=""
    )
    incident.refresh_from_db()
    assert any("Carry the learning into the Learning Portal" in r for r in incident_services.closure_blockers(incident))
    services.learning_item_carry(actor=ad, incident_id=incident.pk)
    incident.refresh_from_db()
    assert incident_services.closure_blockers(incident) == []
    incident_services.incident_close(actor=ad, incident_id=incident.pk, expected_version=incident.version)
