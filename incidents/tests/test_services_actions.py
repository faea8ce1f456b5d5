"""Actions, the learning identified and closure through incidents.services (source 2.6, 2.7).

A successful step writes exactly one timeline event and one audit event, moves the stage as
incidents.workflow says and tells the right people; a refused step leaves the record exactly as it was.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import NotAllowed, StaleRecord, WrongStage
from incidents import services
from incidents.choices import ActionStatus, Decision, Kind, Stage, Step
from incidents.models import Action, Incident
from incidents.tests.factories import CR1_VALUES, finish_actions, incident_at, requested_action
from incidents.tests.helpers import Step_, refused, snapshot, v
from organisation.choices import Role as R

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(org):
    return org.people


def test_action_add_by_the_people_of_the_incident(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    for actor in (p[R.ASSISTANT_DIRECTOR], p[R.OPERATIONAL_DIRECTOR], p[R.CEO]):
        watch = Step_(incident)
        services.action_add(
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
            action=requested_action(p[R.LEARNING_LEAD], description=f"by {actor}"),
        )
        incident.refresh_from_db()
        assert incident.stage == Stage.CASE_REVIEW and incident.version == watch.version + 1
        assert [e.step for e in watch.events] == [Step.ACTION_ADD]
        assert [a.action for a in watch.audits] == ["incident.action_add"]
        assert watch.notes() == {p[R.LEARNING_LEAD]}
    for actor in (
        p[R.LOCAL_MANAGER],
        org.other[R.ASSISTANT_DIRECTOR],
        org.other[R.OPERATIONAL_DIRECTOR],
        p[R.CMT_MEMBER],
        p[R.NIS_REVIEWER],
    ):
        refused(
            NotAllowed,
            incident,
            services.action_add,
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
            action=requested_action(p[R.LEARNING_LEAD]),
        )
    assert (
        "action_due_date"
        in refused(
            ValidationError,
            incident,
            services.action_add,
            actor=p[R.ASSISTANT_DIRECTOR],
            incident_id=incident.pk,
            expected_version=incident.version,
            action=requested_action(p[R.LEARNING_LEAD], due=timezone.localdate() - timedelta(days=1)),
        ).message_dict
    )
    assert (
        "action_description"
        in refused(
            ValidationError,
            incident,
            services.action_add,
            actor=p[R.ASSISTANT_DIRECTOR],
            incident_id=incident.pk,
            expected_version=incident.version,
            action=requested_action(p[R.LEARNING_LEAD], description=" "),
        ).message_dict
    )
    refused(
        StaleRecord,
        incident,
        services.action_add,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version - 1,
        action=requested_action(p[R.LEARNING_LEAD]),
    )
    for stage in (Stage.DRAFT, Stage.WITH_OD, Stage.NOT_NOTIFIABLE, Stage.CLOSED):
        other = incident_at(org, stage)
        refused(
            WrongStage,
            other,
            services.action_add,
            actor=p[R.ASSISTANT_DIRECTOR],
            incident_id=other.pk,
            expected_version=other.version,
            action=requested_action(p[R.LEARNING_LEAD]),
        )


def test_action_update_by_owner_or_accountable_ad_done_needs_evidence(org, p):
    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(
        actor=p[R.CEO], incident_id=incident.pk, expected_version=incident.version, action=requested_action(p[R.LEARNING_LEAD])
    )

    def refused_update(exc, actor, status, evidence="", version=None):
        action.refresh_from_db()
        before = (action.status, action.version, snapshot(incident))
        with pytest.raises(exc) as info:
            services.action_update(
                actor=actor,
                action_id=action.pk,
                expected_version=action.version if version is None else version,
                status=status,
                evidence=evidence,
            )
        action.refresh_from_db()
        assert (action.status, action.version, snapshot(incident)) == before
        return info.value

    assert "evidence" in refused_update(ValidationError, p[R.LEARNING_LEAD], ActionStatus.DONE, "  ").message_dict
    assert "status" in refused_update(ValidationError, p[R.LEARNING_LEAD], "finished", "e").message_dict
    for actor in (p[R.LOCAL_MANAGER], p[R.CMT_MEMBER], org.other[R.ASSISTANT_DIRECTOR], p[R.CEO]):
        refused_update(NotAllowed, actor, ActionStatus.IN_PROGRESS)
    refused_update(StaleRecord, p[R.LEARNING_LEAD], ActionStatus.IN_PROGRESS, version=action.version + 1)

    watch = Step_(incident)
    services.action_update(
        actor=p[R.LEARNING_LEAD],
        action_id=action.pk,
        expected_version=action.version,
        status=ActionStatus.IN_PROGRESS,
        evidence="",
    )
    incident.refresh_from_db()
    assert incident.version == watch.version + 1 and incident.stage == Stage.ACTIONS
    assert [e.step for e in watch.events] == [Step.ACTION_UPDATE]
    assert [a.action for a in watch.audits] == ["action.update"]
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS and action.completed_at is None

    services.action_update(
        actor=p[R.ASSISTANT_DIRECTOR],
        action_id=action.pk,
        expected_version=action.version,
        status=ActionStatus.DONE,
        evidence="Training delivered",
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.evidence == "Training delivered" and action.completed_at is not None


def test_closure_refused_until_final_decision_and_every_action_finished(org, p):
    ad = p[R.ASSISTANT_DIRECTOR]
    for stage in (Stage.DRAFT, Stage.WITH_AD, Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF, Stage.FINAL_DECISION):
        early = incident_at(org, stage)
        refused(WrongStage, early, services.incident_close, actor=ad, incident_id=early.pk, expected_version=early.version)

    incident = incident_at(org, Stage.CASE_REVIEW)
    first = services.action_add(
        actor=ad, incident_id=incident.pk, expected_version=incident.version, action=requested_action(p[R.LEARNING_LEAD])
    )
    services.action_add(
        actor=ad, incident_id=incident.pk, expected_version=v(incident), action=requested_action(p[R.LOCAL_MANAGER])
    )
    services.case_review_save(
        actor=p[R.NIS_REVIEWER], incident_id=incident.pk, expected_version=v(incident), values=dict(CR1_VALUES), submit=True
    )
    services.case_review_sign_off(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=v(incident))
    refused(WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident))
    services.incident_ceo_final_decide(
        actor=p[R.CEO], incident_id=incident.pk, expected_version=v(incident), decision=Decision.NO_ONWARD, rationale="r"
    )

    error = refused(
        WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident)
    )
    assert "2 action(s)" in str(error)
    services.action_update(
        actor=p[R.LEARNING_LEAD], action_id=first.pk, expected_version=1, status=ActionStatus.DONE, evidence="Done."
    )
    error = refused(
        WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident)
    )
    assert "1 action(s)" in str(error)
    finish_actions(org, incident)
    assert incident.learning_identified == CR1_VALUES["learning_identified"]  # the signed-off CR1's learning is kept on the SIN

    for actor in (p[R.OPERATIONAL_DIRECTOR], p[R.CEO], p[R.LOCAL_MANAGER], org.other[R.ASSISTANT_DIRECTOR]):
        refused(NotAllowed, incident, services.incident_close, actor=actor, incident_id=incident.pk, expected_version=v(incident))
    refused(StaleRecord, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident) - 1)
    watch = Step_(incident)
    services.incident_close(actor=ad, incident_id=incident.pk, expected_version=incident.version)
    watch.check(Step.CLOSE, Stage.CLOSED, from_stage=Stage.ACTIONS)
    assert incident.closed_at is not None and incident.stage_due is None
    refused(WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=incident.version)
    # Nothing changes on a closed incident.
    refused(
        WrongStage,
        incident,
        services.action_add,
        actor=ad,
        incident_id=incident.pk,
        expected_version=incident.version,
        action=requested_action(p[R.LEARNING_LEAD]),
    )
    refused(
        WrongStage,
        incident,
        services.incident_record_learning,
        actor=ad,
        incident_id=incident.pk,
        expected_version=incident.version,
        learning="late",
    )
    with pytest.raises(WrongStage):
        services.action_update(
            actor=ad,
            action_id=first.pk,
            expected_version=Action.objects.get(pk=first.pk).version,
            status=ActionStatus.OPEN,
            evidence="",
        )
    assert Action.objects.get(pk=first.pk).status == ActionStatus.DONE


def test_record_learning(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    for actor in (p[R.LOCAL_MANAGER], p[R.CMT_MEMBER], org.other[R.ASSISTANT_DIRECTOR], p[R.CEO]):
        refused(
            NotAllowed,
            incident,
            services.incident_record_learning,
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
            learning="x",
        )
    assert (
        "learning"
        in refused(
            ValidationError,
            incident,
            services.incident_record_learning,
            actor=p[R.ASSISTANT_DIRECTOR],
            incident_id=incident.pk,
            expected_version=incident.version,
            learning="",
        ).message_dict
    )
    watch = Step_(incident)
    services.incident_record_learning(
        actor=p[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        learning="Check the chronology",
    )
    watch.check(Step.LEARNING_RECORD, Stage.CASE_REVIEW)
    assert incident.learning_identified == "Check the chronology"
    draft = incident_at(org, Stage.DRAFT)
    refused(
        WrongStage,
        draft,
        services.incident_record_learning,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=draft.pk,
        expected_version=draft.version,
        learning="x",
    )


def test_an_action_carried_into_the_learning_portal_needs_the_learning_item_before_closure(org, p):
    """2.7: the learning goes with a carried action, as an item of the Learning Portal (carrying it and
    then closing: learning/tests/test_carry.py); a text on the SIN no longer stands in for it."""
    ad = p[R.ASSISTANT_DIRECTOR]
    incident = incident_at(org, Stage.ACTIONS, kind=Kind.NON_CASE)
    action = services.action_add(
        actor=ad, incident_id=incident.pk, expected_version=incident.version, action=requested_action(p[R.LEARNING_LEAD])
    )
    services.action_update(
        actor=p[R.LEARNING_LEAD], action_id=action.pk, expected_version=action.version, status=ActionStatus.CARRIED, evidence=""
    )
    error = refused(
        WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident)
    )
    assert "Carry the learning into the Learning Portal" in str(error)
    services.incident_record_learning(
        actor=ad, incident_id=incident.pk, expected_version=v(incident), learning="Check the school."
    )
    error = refused(
        WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident)
    )
    assert "Carry the learning into the Learning Portal" in str(error)
    assert Incident.objects.get(pk=incident.pk).stage == Stage.ACTIONS
