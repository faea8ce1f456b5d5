"""The learning item's services: every step and every refusal (source 2.7, 3.1-3.6, 4.1)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.choices import ActionKind, ActionStatus
from actions.models import Action, Strength
from actions.services import RequestedAction, action_update
from alerts.models import Notification
from core.exceptions import NotAllowed, StaleRecord, WrongStage
from incidents import services as incident_services
from incidents.choices import Stage
from incidents.tests.factories import case_form, incident_at, requested_action
from learning.choices import ItemStatus, ItemStep, Rung
from learning.models import ItemEvent, LearningOrigin, Theme
from learning.services import items as services
from organisation.choices import Role

pytestmark = pytest.mark.django_db

HEADINGS = {
    "impact_on_child": "The child was not seen alone before the report was filed.",
    "what_cafcass_did": "The FCA relied on the parents' accounts.",
    "learning_identified": "See the child alone where it is safe to do so.",
    "how_addressed": "Immediate: team briefing. Longer term: practice guidance.",
}


def data(org, **overrides):
    values = dict(
        title="Seeing children alone",
        origin=LearningOrigin.objects.get(code="judgement"),
        headings=dict(HEADINGS),
        service_area=org.area,
        responsible=org.people[Role.ASSISTANT_DIRECTOR],
        themes=[Theme.objects.get(code="voice-of-the-child")],
        covered_by_guidance=False,
    )
    values.update(overrides)
    return services.ItemData(**values)


def draft(org, actor=None, **overrides):
    return services.learning_item_create(actor=actor or org.people[Role.NIS_REVIEWER], data=data(org, **overrides))


def publish(org, item, actor=None, **overrides):
    kwargs = dict(confirm_no_identifiers=True, all_weaker_reason="Training reaches every FCA first.")
    kwargs.update(overrides)
    item.refresh_from_db()
    return services.learning_item_publish(
        actor=actor or org.people[Role.NIS_REVIEWER], item_id=item.pk, expected_version=item.version, **kwargs
    )


def test_a_draft_is_recorded_at_identified_with_its_timeline(org):
    item = draft(org)
    assert (item.status, item.rung, item.author) == (ItemStatus.DRAFT, Rung.IDENTIFIED, org.people[Role.NIS_REVIEWER])
    assert item.source == "E" and "seeing children alone" in item.search_document.lower()
    assert list(item.events.values_list("step", flat=True)) == [ItemStep.CREATE]


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.LOCAL_MANAGER, Role.CEO, Role.BOARD_MEMBER, Role.ADMINISTRATOR])
def test_only_the_roles_that_record_learning_create_it(org, role):
    with pytest.raises(NotAllowed):
        draft(org, actor=org.people[role])


def test_the_responsible_person_must_be_the_areas_ad(org):
    with pytest.raises(ValidationError) as refused:
        draft(org, responsible=org.other[Role.ASSISTANT_DIRECTOR])
    assert "responsible" in refused.value.message_dict


def test_publishing_creates_the_three_actions_of_3_3_to_3_5_with_owners_and_due_dates(org):
    item = publish(org, draft(org))
    actions = {a.kind: a for a in item.actions.all()}
    assert set(actions) == {ActionKind.TRAINING_REVIEW, ActionKind.POLICY_REVIEW, ActionKind.CASCADE}
    assert actions[ActionKind.TRAINING_REVIEW].owner == org.people[Role.LEARNING_LEAD]
    assert actions[ActionKind.POLICY_REVIEW].owner == org.people[Role.POLICY_LEAD]
    assert actions[ActionKind.CASCADE].owner == org.people[Role.LEARNING_LEAD]
    assert all(a.strength == Strength.WEAKER and a.due_date > timezone.localdate() for a in actions.values())
    assert (item.status, item.rung) == (ItemStatus.PUBLISHED, Rung.ACTIONS_AGREED)
    # Each owner is told.
    assert Notification.objects.filter(recipient=org.people[Role.POLICY_LEAD], action__learning_item=item).exists()


def test_learning_covered_by_guidance_triggers_no_action(org):
    item = publish(
        org, draft(org, covered_by_guidance=True, covered_by="Practice guidance on seeing children"), all_weaker_reason=""
    )
    assert item.actions.count() == 0 and item.rung == Rung.ACTIONS_DONE


def test_no_action_is_left_when_the_publication_is_rolled_back(org, monkeypatch):
    item = draft(org)
    original = services.action_create
    calls = []

    def fail_on_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return original(**kwargs)

    monkeypatch.setattr(services, "action_create", fail_on_third)
    with pytest.raises(RuntimeError):
        publish(org, item)
    item.refresh_from_db()
    assert Action.objects.filter(learning_item=item).count() == 0 and item.status == ItemStatus.DRAFT
    assert not Notification.objects.filter(recipient=org.people[Role.LEARNING_LEAD]).exists()


def test_publication_refuses_missing_headings_and_unconfirmed_identifiers_beside_each_field(org):
    item = draft(org, headings={**HEADINGS, "what_cafcass_did": " "}, themes=[])
    with pytest.raises(ValidationError) as refused:
        publish(org, item, confirm_no_identifiers=False, all_weaker_reason="")
    assert {"what_cafcass_did", "themes", "confirm_no_identifiers", "all_weaker_reason"} <= set(refused.value.message_dict)
    item.refresh_from_db()
    assert item.learning_identified == HEADINGS["learning_identified"] and item.status == ItemStatus.DRAFT


def test_no_lead_to_own_the_actions_is_refused_in_words(org):
    org.people[Role.POLICY_LEAD].role_assignments.all().delete()
    from organisation.selectors import forget_access

    forget_access(org.people[Role.POLICY_LEAD])
    with pytest.raises(WrongStage, match="Policy lead"):
        publish(org, draft(org))


def test_a_stale_version_is_refused(org):
    item = draft(org)
    with pytest.raises(StaleRecord):
        services.learning_item_publish(
            actor=org.people[Role.NIS_REVIEWER],
            item_id=item.pk,
            expected_version=item.version + 1,
            confirm_no_identifiers=True,
            all_weaker_reason="x",
        )


def test_the_last_action_done_moves_the_item_to_actions_done_and_a_further_action_back(org):
    item = publish(org, draft(org))
    for action in item.actions.all():
        action_update(
            actor=action.owner,
            action_id=action.pk,
            expected_version=action.version,
            status=ActionStatus.DONE,
            evidence="Updated.",
        )
    item.refresh_from_db()
    assert item.rung == Rung.ACTIONS_DONE
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    added = services.learning_item_action_add(
        actor=ad,
        item_id=item.pk,
        expected_version=item.version,
        strength=Strength.STRONGER,
        requested=RequestedAction(
            "Add a 'seen alone' question to the case plan form",
            org.people[Role.LOCAL_MANAGER],
            timezone.localdate() + timedelta(days=20),
        ),
    )
    item.refresh_from_db()
    assert added.strength == Strength.STRONGER and item.rung == Rung.ACTIONS_AGREED
    assert ItemEvent.objects.filter(item=item, step=ItemStep.ACTION_UPDATE).count() == 3


def test_a_further_action_only_by_the_responsible_person_and_never_due_in_the_past(org):
    item = publish(org, draft(org))
    requested = RequestedAction("A checklist", org.people[Role.LOCAL_MANAGER], timezone.localdate() - timedelta(days=1))
    with pytest.raises(NotAllowed):
        services.learning_item_action_add(
            actor=org.people[Role.LEARNING_LEAD],
            item_id=item.pk,
            expected_version=item.version,
            requested=requested,
            strength=Strength.INTERMEDIATE,
        )
    with pytest.raises(ValidationError) as refused:
        services.learning_item_action_add(
            actor=org.people[Role.ASSISTANT_DIRECTOR],
            item_id=item.pk,
            expected_version=item.version,
            requested=requested,
            strength=Strength.INTERMEDIATE,
        )
    assert "action_due_date" in refused.value.message_dict


def test_move_is_the_ladder_and_tells_the_owner(org):
    item = publish(org, draft(org))
    services.learning_item_move(item=item, to_rung=Rung.VERIFIED, actor=org.people[Role.ASSISTANT_DIRECTOR], text="AQR found it.")
    assert item.rung == Rung.VERIFIED
    event = item.events.last()
    assert (event.step, event.from_rung, event.to_rung) == (ItemStep.MOVE, Rung.ACTIONS_AGREED, Rung.VERIFIED)
    with pytest.raises(WrongStage):
        services.learning_item_move(item=item, to_rung=Rung.VERIFIED, actor=org.people[Role.ASSISTANT_DIRECTOR], text="")
    with pytest.raises(WrongStage):
        services.learning_item_move(item=draft(org), to_rung=Rung.VERIFIED, actor=org.people[Role.NIS_REVIEWER], text="")


def test_closing_below_sustained_needs_a_rationale_and_only_the_responsible_person(org):
    item = publish(org, draft(org))
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    with pytest.raises(ValidationError) as refused:
        services.learning_item_close(actor=ad, item_id=item.pk, expected_version=item.version, rationale=" ")
    assert "rationale" in refused.value.message_dict
    with pytest.raises(NotAllowed):
        services.learning_item_close(actor=org.people[Role.CEO], item_id=item.pk, expected_version=item.version, rationale="x")
    closed = services.learning_item_close(
        actor=ad, item_id=item.pk, expected_version=item.version, rationale="Superseded by the national review."
    )
    assert closed.status == ItemStatus.CLOSED and closed.closure_rationale.startswith("Superseded")
    action = closed.actions.first()
    with pytest.raises(WrongStage):
        action_update(
            actor=action.owner, action_id=action.pk, expected_version=action.version, status=ActionStatus.DONE, evidence="x"
        )


def test_closing_at_sustained_needs_no_rationale(org):
    item = publish(org, draft(org, headings={**HEADINGS, "impact_on_practice": "Audits show children seen alone."}))
    services.learning_item_move(item=item, to_rung=Rung.SUSTAINED, actor=org.people[Role.ASSISTANT_DIRECTOR], text="Re-check.")
    closed = services.learning_item_close(
        actor=org.people[Role.ASSISTANT_DIRECTOR], item_id=item.pk, expected_version=item.version
    )
    assert closed.status == ItemStatus.CLOSED


def test_after_publication_an_edit_that_identifies_a_child_is_refused_and_nothing_is_lost(org):
    incident = incident_at(org, Stage.ACTIONS, data=case_form(children="K.L., 14", case_reference="ZC24P01234"))
    item = services.learning_item_carry(actor=org.people[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk)
    for name, text in HEADINGS.items():
        setattr(item, name, text)
    item.covered_by_guidance = False
    item.save()
    item = publish(org, item, actor=org.people[Role.ASSISTANT_DIRECTOR])
    with pytest.raises(ValidationError) as refused:
        services.learning_item_edit(
            actor=org.people[Role.ASSISTANT_DIRECTOR],
            item_id=item.pk,
            expected_version=item.version,
            data=data(org, headings={**HEADINGS, "learning_identified": "As KL showed..."}),
        )
    assert "K.L." in refused.value.message_dict["learning_identified"][0]
    item.refresh_from_db()
    assert item.learning_identified == HEADINGS["learning_identified"]


def test_existing_action_update_of_a_sin_still_works(org):
    incident = incident_at(org, Stage.ACTIONS)
    action = incident_services.action_add(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        action=requested_action(org.people[Role.LEARNING_LEAD]),
    )
    assert action.incident == incident and action.learning_item is None
