"""Non-case SINs through incidents.services: alerted to Core CMT at once, no case steps, closed by their place (source 2.9-2.11).

A successful step writes exactly one timeline event and one audit event, moves the stage as
incidents.workflow says and tells the right people; a refused step leaves the record exactly as it was.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alerts.models import Notification
from core.exceptions import NotAllowed, WrongStage
from incidents import services
from incidents.choices import Decision, Kind, Proposal, Stage, Step
from incidents.models import CaseReview, Incident
from incidents.tests.factories import CR1_VALUES, finish_actions, incident_at, non_case_form, requested_action
from incidents.tests.helpers import Step_, refused, v
from organisation.choices import Role as R
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(org):
    return org.people


def test_non_case_submit_alerts_cmt_at_once(org, p):
    second_cmt = person(R.CMT_MEMBER)
    incident = incident_at(org, Stage.DRAFT, kind=Kind.NON_CASE)
    assert (incident.service_area, incident.region, incident.team) == (org.area, org.region, None)
    watch = Step_(incident)
    services.incident_submit(actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)
    watch.check(Step.SUBMIT_NON_CASE, Stage.NOTIFIED, from_stage=Stage.DRAFT)
    assert incident.reference == f"SIN-NC-{timezone.localdate().year}-0001"
    assert incident.notified_at is not None and incident.review_commissioned_at is None
    assert watch.notes() == watch.notes(Notification.Reason.CMT_INITIAL) == {p[R.CMT_MEMBER], second_cmt, p[R.CEO]}
    assert not CaseReview.objects.exists()
    refused(
        WrongStage,
        incident,
        services.incident_submit,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
    )


def test_non_case_has_no_case_steps(org, p):
    incident = incident_at(org, Stage.NOTIFIED, kind=Kind.NON_CASE)
    kw = dict(incident_id=incident.pk, expected_version=incident.version)
    refused(
        NotAllowed,
        incident,
        services.incident_ad_analyse,
        actor=p[R.ASSISTANT_DIRECTOR],
        analysis="a",
        proposal=Proposal.MEETS_SHARE,
        **kw,
    )
    refused(NotAllowed, incident, services.incident_od_sign_off, actor=p[R.OPERATIONAL_DIRECTOR], **kw)
    refused(NotAllowed, incident, services.case_review_save, actor=p[R.NIS_REVIEWER], values=dict(CR1_VALUES), submit=True, **kw)
    refused(WrongStage, incident, services.incident_close, actor=p[R.ASSISTANT_DIRECTOR], **kw)


def test_non_case_walk_final_decision_then_close(org, p):
    incident = incident_at(org, Stage.NOTIFIED, kind=Kind.NON_CASE)
    refused(
        NotAllowed,
        incident,
        services.incident_ceo_final_decide,
        actor=p[R.CMT_MEMBER],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.NO_ONWARD,
        rationale="r",
    )
    watch = Step_(incident)
    services.incident_ceo_final_decide(
        actor=p[R.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.SHARE_BOARD,
        rationale="r",
        briefing_title="T",
        briefing_text="x",
        action=requested_action(p[R.ASSISTANT_DIRECTOR]),
    )
    incident.refresh_from_db()
    assert incident.stage == Stage.ACTIONS and incident.version == watch.version + 1
    assert sorted(e.step for e in watch.events) == sorted([Step.CEO_FINAL_DECISION, Step.ACTION_ADD])
    assert [a.action for a in watch.audits] == ["incident.ceo_final_decision"]
    assert watch.notes(Notification.Reason.BRIEFING) == {p[R.BOARD_MEMBER], p[R.CHAIR]}
    refused(
        WrongStage,
        incident,
        services.incident_close,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
    )
    finish_actions(org, incident)
    watch = Step_(incident)
    services.incident_close(actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=v(incident))
    watch.check(Step.CLOSE, Stage.CLOSED, from_stage=Stage.ACTIONS)


def test_non_case_for_a_function_is_closed_by_its_head_of_profession(org, p):
    hop = p[R.HEAD_OF_PROFESSION]
    incident = services.incident_create(actor=hop, kind=Kind.NON_CASE, function=org.function, data=non_case_form())
    assert (incident.function, incident.service_area, incident.region) == (org.function, None, None)
    services.incident_submit(actor=hop, incident_id=incident.pk, expected_version=incident.version)
    watch = Step_(incident)
    services.incident_ceo_final_decide(
        actor=p[R.CEO], incident_id=incident.pk, expected_version=v(incident), decision=Decision.NO_ONWARD, rationale="r"
    )
    assert watch.notes(Notification.Reason.ACT) == {hop}
    refused(
        NotAllowed,
        incident,
        services.incident_close,
        actor=org.other[R.HEAD_OF_PROFESSION],
        incident_id=incident.pk,
        expected_version=v(incident),
    )
    refused(
        NotAllowed,
        incident,
        services.incident_close,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=v(incident),
    )
    services.incident_close(actor=hop, incident_id=incident.pk, expected_version=v(incident))
    assert Incident.objects.get(pk=incident.pk).stage == Stage.CLOSED


def test_non_case_submit_validates_category(org, p):
    incident = services.incident_create(
        actor=p[R.ASSISTANT_DIRECTOR], kind=Kind.NON_CASE, service_area=org.area, data=non_case_form(criteria=[])
    )
    error = refused(
        ValidationError,
        incident,
        services.incident_submit,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
    )
    assert "criteria" in error.message_dict
    with pytest.raises(ValidationError) as info:
        services.incident_create(
            actor=p[R.ASSISTANT_DIRECTOR],
            kind=Kind.NON_CASE,
            service_area=org.area,
            data=non_case_form(criteria=["child_seriously_harmed"]),
        )
    assert "criteria" in info.value.message_dict
