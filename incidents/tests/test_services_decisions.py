"""The CEO's decisions through incidents.services: initial and final, sharing with a briefing, further action (source 2.4, 2.6).

A successful step writes exactly one timeline event and one audit event, moves the stage as
incidents.workflow says and tells the right people; a refused step leaves the record exactly as it was.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alerts.models import Notification
from core.exceptions import NotAllowed, StaleRecord, WrongStage
from incidents import services
from incidents.choices import ActionStatus, Audience, Decision, Stage, Step
from incidents.models import Action, Briefing, CeoDecision
from incidents.tests.factories import incident_at, requested_action
from incidents.tests.helpers import Step_, refused, v
from organisation.choices import Role as R
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(org):
    return org.people


def _decide(p, incident, **kw):
    return services.incident_ceo_decide(actor=p[R.CEO], incident_id=incident.pk, expected_version=v(incident), **kw)


def test_ceo_decisions_may_be_recorded_more_than_once_before_the_final(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    watch = Step_(incident)
    first = _decide(p, incident, decision=Decision.AWAIT_REVIEW, rationale="Wait for the CR1")
    watch.check(Step.CEO_DECISION, Stage.CASE_REVIEW, from_stage=Stage.CASE_REVIEW)
    assert first.is_final is False and first.decision == Decision.AWAIT_REVIEW
    assert watch.notes() == set()

    watch = Step_(incident)
    _decide(p, incident, decision=Decision.NO_ONWARD, rationale="Nothing to share")
    watch.check(Step.CEO_DECISION, Stage.CASE_REVIEW)
    assert CeoDecision.objects.filter(incident=incident, is_final=False).count() == 2

    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    watch = Step_(incident)
    _decide(p, incident, decision=Decision.AWAIT_REVIEW, rationale="Nearly there")
    watch.check(Step.CEO_DECISION, Stage.CR1_SIGN_OFF)


def test_ceo_decision_requires_a_rationale_and_a_known_decision(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    kw = dict(actor=p[R.CEO], incident_id=incident.pk, expected_version=incident.version)
    assert (
        "rationale"
        in refused(
            ValidationError, incident, services.incident_ceo_decide, decision=Decision.NO_ONWARD, rationale="  ", **kw
        ).message_dict
    )
    assert (
        "decision"
        in refused(ValidationError, incident, services.incident_ceo_decide, decision="publish", rationale="r", **kw).message_dict
    )
    for actor in (p[R.CMT_MEMBER], p[R.OPERATIONAL_DIRECTOR], p[R.BOARD_MEMBER], p[R.CHAIR]):
        refused(
            NotAllowed,
            incident,
            services.incident_ceo_decide,
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
            decision=Decision.NO_ONWARD,
            rationale="r",
        )
    refused(
        StaleRecord,
        incident,
        services.incident_ceo_decide,
        actor=p[R.CEO],
        incident_id=incident.pk,
        expected_version=incident.version - 1,
        decision=Decision.NO_ONWARD,
        rationale="r",
    )


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.WITH_AD, Stage.WITH_OD, Stage.FINAL_DECISION, Stage.ACTIONS, Stage.CLOSED])
def test_ceo_decision_refused_outside_the_decision_stages(org, p, stage):
    incident = incident_at(org, stage)
    refused(
        WrongStage,
        incident,
        services.incident_ceo_decide,
        actor=p[R.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.NO_ONWARD,
        rationale="r",
    )


@pytest.mark.parametrize(
    ("decision", "audience"), [(Decision.SHARE_BOARD, Audience.BOARD), (Decision.SHARE_CHAIR, Audience.CHAIR)]
)
def test_sharing_needs_a_briefing_and_tells_its_audience(org, p, decision, audience):
    second_board = person(R.BOARD_MEMBER)
    incident = incident_at(org, Stage.CASE_REVIEW)
    kw = dict(actor=p[R.CEO], incident_id=incident.pk, expected_version=incident.version, decision=decision, rationale="r")
    assert "briefing_title" in refused(ValidationError, incident, services.incident_ceo_decide, **kw).message_dict
    assert (
        "briefing_text" in refused(ValidationError, incident, services.incident_ceo_decide, briefing_title="T", **kw).message_dict
    )
    watch = Step_(incident)
    record = services.incident_ceo_decide(briefing_title="Title", briefing_text="What the Board needs to know", **kw)
    watch.check(Step.CEO_DECISION, Stage.CASE_REVIEW)
    briefing = Briefing.objects.get(decision=record)
    assert (briefing.incident, briefing.audience, briefing.title) == (incident, audience, "Title")
    expected = {p[R.CHAIR], p[R.BOARD_MEMBER], second_board} if audience == Audience.BOARD else {p[R.CHAIR]}
    assert watch.notes() == watch.notes(Notification.Reason.BRIEFING) == expected
    # They lead to the briefing, the only part of the record its readers may see.
    briefing_notes = Notification.objects.filter(incident=incident, reason=Notification.Reason.BRIEFING)
    assert set(briefing_notes.values_list("link", flat=True)) == {briefing.get_absolute_url()}


def test_no_briefing_for_a_decision_that_does_not_share(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    _decide(p, incident, decision=Decision.NO_ONWARD, rationale="r", briefing_title="T", briefing_text="x")
    assert not Briefing.objects.exists()


def test_further_action_creates_an_action_for_its_owner(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    kw = dict(
        actor=p[R.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.FURTHER_ACTION,
        rationale="r",
    )
    assert "action_description" in refused(ValidationError, incident, services.incident_ceo_decide, **kw).message_dict
    past = requested_action(p[R.LOCAL_MANAGER], due=timezone.localdate() - timedelta(days=1))
    assert "action_due_date" in refused(ValidationError, incident, services.incident_ceo_decide, action=past, **kw).message_dict
    ownerless = requested_action(None)
    assert "action_owner" in refused(ValidationError, incident, services.incident_ceo_decide, action=ownerless, **kw).message_dict

    watch = Step_(incident)
    services.incident_ceo_decide(action=requested_action(p[R.LOCAL_MANAGER], description="Meet the family"), **kw)
    incident.refresh_from_db()
    assert incident.stage == Stage.CASE_REVIEW and incident.version == watch.version + 1
    # One decision step (its audit event) plus the action's own timeline line.
    assert sorted(e.step for e in watch.events) == sorted([Step.CEO_DECISION, Step.ACTION_ADD])
    assert [a.action for a in watch.audits] == ["incident.ceo_decision"]
    action = Action.objects.get(incident=incident)
    assert (action.description, action.owner, action.status, action.created_by) == (
        "Meet the family",
        p[R.LOCAL_MANAGER],
        ActionStatus.OPEN,
        p[R.CEO],
    )
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.LOCAL_MANAGER]}


def test_an_action_given_with_another_initial_decision_is_ignored(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    _decide(p, incident, decision=Decision.NO_ONWARD, rationale="r", action=requested_action(p[R.LOCAL_MANAGER]))
    assert not Action.objects.exists()


def test_final_decision_only_after_cr1_sign_off(org, p):
    for stage in (Stage.WITH_OD, Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF):
        incident = incident_at(org, stage)
        refused(
            WrongStage,
            incident,
            services.incident_ceo_final_decide,
            actor=p[R.CEO],
            incident_id=incident.pk,
            expected_version=incident.version,
            decision=Decision.NO_ONWARD,
            rationale="r",
        )
    incident = incident_at(org, Stage.FINAL_DECISION)
    kw = dict(incident_id=incident.pk, expected_version=incident.version, rationale="r")
    for bad in (Decision.FURTHER_ACTION, Decision.AWAIT_REVIEW, "nonsense"):
        assert (
            "decision"
            in refused(
                ValidationError, incident, services.incident_ceo_final_decide, actor=p[R.CEO], decision=bad, **kw
            ).message_dict
        )
    assert (
        "rationale"
        in refused(
            ValidationError,
            incident,
            services.incident_ceo_final_decide,
            actor=p[R.CEO],
            incident_id=incident.pk,
            expected_version=incident.version,
            decision=Decision.NO_ONWARD,
            rationale="",
        ).message_dict
    )
    assert (
        "briefing_title"
        in refused(
            ValidationError, incident, services.incident_ceo_final_decide, actor=p[R.CEO], decision=Decision.SHARE_CHAIR, **kw
        ).message_dict
    )
    refused(NotAllowed, incident, services.incident_ceo_final_decide, actor=p[R.CMT_MEMBER], decision=Decision.NO_ONWARD, **kw)

    watch = Step_(incident)
    record = services.incident_ceo_final_decide(
        actor=p[R.CEO], decision=Decision.SHARE_BOARD, comments="Well handled", briefing_title="T", briefing_text="x", **kw
    )
    event = watch.check(Step.CEO_FINAL_DECISION, Stage.ACTIONS, from_stage=Stage.FINAL_DECISION)
    assert record.is_final and record.comments == "Well handled" and "Well handled" in event.text
    assert Briefing.objects.get(decision=record).audience == Audience.BOARD
    assert watch.notes(Notification.Reason.ACT) == {p[R.ASSISTANT_DIRECTOR]}
    refused(
        WrongStage,
        incident,
        services.incident_ceo_final_decide,
        actor=p[R.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.NO_ONWARD,
        rationale="again",
    )


def test_final_decision_may_carry_an_action(org, p):
    incident = incident_at(org, Stage.FINAL_DECISION)
    services.incident_ceo_final_decide(
        actor=p[R.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.NO_ONWARD,
        rationale="r",
        action=requested_action(p[R.ASSISTANT_DIRECTOR]),
    )
    assert Action.objects.filter(incident=incident).count() == 1


def test_a_decision_reports_every_problem_at_once(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    error = refused(
        ValidationError,
        incident,
        services.incident_ceo_decide,
        actor=p[R.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.SHARE_BOARD,
        rationale="",
    )
    assert set(error.message_dict) == {"rationale", "briefing_title", "briefing_text"}
    past = services.RequestedAction("", None, timezone.localdate() - timedelta(days=1))
    error = refused(
        ValidationError,
        incident,
        services.incident_ceo_decide,
        actor=p[R.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.FURTHER_ACTION,
        rationale="r",
        action=past,
    )
    assert set(error.message_dict) == {"action_description", "action_owner", "action_due_date"}
