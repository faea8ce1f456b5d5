"""The Assistant Director's analysis and proposal, and the Operational Director's sign-off (source 2.2, 2.3).

A successful step writes exactly one timeline event and one audit event, moves the stage as
incidents.workflow says and tells the right people; a refused step leaves the record exactly as it was.
"""

import pytest
from django.core.exceptions import ValidationError

from alerts.models import Notification
from core.exceptions import NotAllowed, StaleRecord, WrongStage
from incidents import selectors, services
from incidents.choices import Decision, Proposal, ReviewStatus, Stage, Step
from incidents.models import CaseReview
from incidents.tests.factories import case_form, incident_at
from incidents.tests.helpers import Step_, refused, v
from organisation.choices import Role as R
from organisation.tests.factories import give_role, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(org):
    return org.people


def test_ad_analysis_moves_to_the_od_and_asks_the_od(org, p):
    incident = incident_at(org, Stage.WITH_AD)
    watch = Step_(incident)
    services.incident_ad_analyse(
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="My analysis",
        proposal=Proposal.DOES_NOT_MEET,
    )
    event = watch.check(Step.AD_ANALYSE, Stage.WITH_OD, from_stage=Stage.WITH_AD)
    assert (event.text, event.proposal, event.actor) == ("My analysis", Proposal.DOES_NOT_MEET, p[R.ASSISTANT_DIRECTOR])
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.OPERATIONAL_DIRECTOR]}
    refused(
        WrongStage,
        incident,
        services.incident_ad_analyse,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="Again",
        proposal=Proposal.MEETS_SHARE,
    )


def test_ad_analysis_refusals(org, p):
    incident = incident_at(org, Stage.WITH_AD)
    kwargs = dict(incident_id=incident.pk, analysis="x", proposal=Proposal.MEETS_SHARE)
    for actor in (org.other[R.ASSISTANT_DIRECTOR], p[R.LOCAL_MANAGER], p[R.OPERATIONAL_DIRECTOR], p[R.CMT_MEMBER], p[R.CEO]):
        refused(NotAllowed, incident, services.incident_ad_analyse, actor=actor, expected_version=incident.version, **kwargs)
    refused(
        StaleRecord,
        incident,
        services.incident_ad_analyse,
        actor=p[R.ASSISTANT_DIRECTOR],
        expected_version=incident.version - 1,
        **kwargs,
    )
    error = refused(
        ValidationError,
        incident,
        services.incident_ad_analyse,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="  ",
        proposal=Proposal.MEETS_SHARE,
    )
    assert "analysis" in error.message_dict
    error = refused(
        ValidationError,
        incident,
        services.incident_ad_analyse,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="x",
        proposal="maybe",
    )
    assert "proposal" in error.message_dict
    draft = incident_at(org, Stage.DRAFT)
    refused(
        WrongStage,
        draft,
        services.incident_ad_analyse,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=draft.pk,
        expected_version=draft.version,
        analysis="x",
        proposal=Proposal.MEETS_SHARE,
    )


def test_ad_author_adds_their_own_analysis_but_cannot_return_it_to_themselves(org, p):
    """Under the interim process the AD writes the SIN (2.8): they add the analysis; the OD is the independent check."""
    ad = p[R.ASSISTANT_DIRECTOR]
    incident = incident_at(org, Stage.WITH_AD, author=ad)
    assert selectors.incidents_awaiting_action(ad).filter(pk=incident.pk).exists()
    refused(
        NotAllowed,
        incident,
        services.incident_ad_return,
        actor=ad,
        incident_id=incident.pk,
        expected_version=incident.version,
        questions="mine",
    )
    services.incident_ad_analyse(
        actor=ad, incident_id=incident.pk, expected_version=incident.version, analysis="mine", proposal=Proposal.MEETS_SHARE
    )
    incident.refresh_from_db()
    assert incident.stage == Stage.WITH_OD
    refused(
        NotAllowed, incident, services.incident_od_sign_off, actor=ad, incident_id=incident.pk, expected_version=incident.version
    )


def test_od_who_wrote_as_ad_may_not_sign_off(org, p):
    """A person who is both AD and OD may not sign off a SIN they wrote themselves."""
    both = person(R.ASSISTANT_DIRECTOR, place=org.area)
    give_role(both, R.OPERATIONAL_DIRECTOR, org.region)
    incident = incident_at(org, Stage.WITH_OD, author=both)
    for step, kw in [
        (services.incident_od_sign_off, {}),
        (services.incident_od_return, dict(reason="r")),
        (services.incident_od_not_notifiable, dict(rationale="r")),
    ]:
        refused(NotAllowed, incident, step, actor=both, incident_id=incident.pk, expected_version=incident.version, **kw)


def test_ad_return_then_author_answers_and_resubmits(org, p):
    incident = incident_at(org, Stage.WITH_AD)
    error = refused(
        ValidationError,
        incident,
        services.incident_ad_return,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        questions="",
    )
    assert "questions" in error.message_dict
    refused(
        NotAllowed,
        incident,
        services.incident_ad_return,
        actor=org.other[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        questions="Why?",
    )
    watch = Step_(incident)
    services.incident_ad_return(
        actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, questions="Which child?"
    )
    event = watch.check(Step.AD_RETURN, Stage.RETURNED, from_stage=Stage.WITH_AD)
    assert event.text == "Which child?"
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.LOCAL_MANAGER]}
    refused(
        WrongStage,
        incident,
        services.incident_ad_analyse,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="x",
        proposal=Proposal.MEETS_SHARE,
    )
    services.incident_update_draft(
        actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version, data=case_form(children="B, 6")
    )
    error = refused(
        ValidationError,
        incident,
        services.incident_submit,
        actor=p[R.LOCAL_MANAGER],
        incident_id=incident.pk,
        expected_version=v(incident),
    )
    assert error.message_dict == {"answer": [services.ANSWER_MISSING]}
    services.incident_submit(
        actor=p[R.LOCAL_MANAGER],
        incident_id=incident.pk,
        expected_version=v(incident),
        answer="The child is B, 6: I had the sibling's details.",
    )
    incident.refresh_from_db()
    assert incident.stage == Stage.WITH_AD and incident.children == "B, 6"


def test_od_sign_off_alerts_cmt_and_commissions_the_case_review(org, p):
    second_cmt = person(R.CMT_MEMBER)
    second_nis = person(R.NIS_REVIEWER)
    incident = incident_at(org, Stage.WITH_OD)
    assert not CaseReview.objects.filter(incident=incident).exists()
    watch = Step_(incident)
    services.incident_od_sign_off(
        actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, comment="Agreed"
    )
    event = watch.check(Step.OD_SIGN_OFF, Stage.CASE_REVIEW, from_stage=Stage.WITH_OD)
    assert event.text == "Agreed"
    assert incident.notified_at is not None and incident.review_commissioned_at is not None
    review = CaseReview.objects.get(incident=incident)
    assert review.status == ReviewStatus.DRAFT
    assert watch.notes(Notification.Reason.CMT_INITIAL) == {p[R.CMT_MEMBER], second_cmt, p[R.CEO]}
    assert watch.notes(Notification.Reason.ACT) == {p[R.NIS_REVIEWER], second_nis}
    # Nobody else is told: not the Board, the Chair, the other region.
    assert watch.notes() == {p[R.CMT_MEMBER], second_cmt, p[R.CEO], p[R.NIS_REVIEWER], second_nis}
    assert Notification.objects.filter(incident=incident, reason=Notification.Reason.CMT_INITIAL).count() == 3

    refused(
        WrongStage,
        incident,
        services.incident_od_sign_off,
        actor=p[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
    )


def test_od_sign_off_refusals(org, p):
    incident = incident_at(org, Stage.WITH_OD)
    for actor in (
        org.other[R.OPERATIONAL_DIRECTOR],
        p[R.CMT_MEMBER],
        p[R.CEO],
        p[R.ASSISTANT_DIRECTOR],
        p[R.LOCAL_MANAGER],
        p[R.NIS_REVIEWER],
        p[R.ADMINISTRATOR],
        p[R.CHAIR],
    ):
        refused(
            NotAllowed,
            incident,
            services.incident_od_sign_off,
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
        )
    refused(
        StaleRecord,
        incident,
        services.incident_od_sign_off,
        actor=p[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version - 1,
    )
    assert not CaseReview.objects.exists()


def test_od_sign_off_out_of_order(org, p):
    for stage in (Stage.DRAFT, Stage.WITH_AD, Stage.RETURNED, Stage.NOT_NOTIFIABLE):
        incident = incident_at(org, stage)
        refused(
            WrongStage,
            incident,
            services.incident_od_sign_off,
            actor=p[R.OPERATIONAL_DIRECTOR],
            incident_id=incident.pk,
            expected_version=incident.version,
        )


def test_od_return_to_the_ad(org, p):
    incident = incident_at(org, Stage.WITH_OD)
    error = refused(
        ValidationError,
        incident,
        services.incident_od_return,
        actor=p[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        reason=" ",
    )
    assert "reason" in error.message_dict
    refused(
        NotAllowed,
        incident,
        services.incident_od_return,
        actor=org.other[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        reason="r",
    )
    watch = Step_(incident)
    services.incident_od_return(
        actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, reason="Look again"
    )
    watch.check(Step.OD_RETURN, Stage.WITH_AD, from_stage=Stage.WITH_OD)
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.ASSISTANT_DIRECTOR]}
    assert incident.notified_at is None


def test_od_not_notifiable_stays_on_record_and_tells_author_and_ad(org, p):
    incident = incident_at(org, Stage.WITH_OD)
    error = refused(
        ValidationError,
        incident,
        services.incident_od_not_notifiable,
        actor=p[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        rationale="",
    )
    assert "rationale" in error.message_dict
    watch = Step_(incident)
    services.incident_od_not_notifiable(
        actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, rationale="Below threshold"
    )
    watch.check(Step.OD_NOT_NOTIFIABLE, Stage.NOT_NOTIFIABLE, from_stage=Stage.WITH_OD)
    assert watch.notes() == watch.notes(Notification.Reason.INFO) == {p[R.LOCAL_MANAGER], p[R.ASSISTANT_DIRECTOR]}
    assert incident.notified_at is None and incident.stage_due is None
    for call, kw in [
        (services.incident_od_sign_off, {}),
        (services.incident_close, {}),
        (services.incident_ceo_decide, dict(decision=Decision.NO_ONWARD, rationale="r")),
    ]:
        actor = (
            p[R.CEO]
            if call is services.incident_ceo_decide
            else (p[R.ASSISTANT_DIRECTOR] if call is services.incident_close else p[R.OPERATIONAL_DIRECTOR])
        )
        refused(WrongStage, incident, call, actor=actor, incident_id=incident.pk, expected_version=incident.version, **kw)


def test_the_ad_proposes_meets_or_does_not_meet_and_nothing_that_does_nothing(org, p):
    """2.1: a SIN that meets any criterion is alerted to Core CMT, so "meets, but CMT need not see it"
    is no proposal (docs/decisions/0014); the OD decides whether it is notifiable (2.3)."""
    assert set(Proposal.values) == {"meets_share", "does_not_meet"}
    incident = incident_at(org, Stage.WITH_AD)
    error = refused(
        ValidationError,
        incident,
        services.incident_ad_analyse,
        actor=p[R.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="x",
        proposal="meets_no_share",
    )
    assert "proposal" in error.message_dict
