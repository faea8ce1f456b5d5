"""The case review (CR1) through incidents.services: drafted, returned and signed off (source 2.3, 2.5).

A successful step writes exactly one timeline event and one audit event, moves the stage as
incidents.workflow says and tells the right people; a refused step leaves the record exactly as it was.
"""

import pytest
from django.core.exceptions import ValidationError

from alerts.models import Notification
from core.exceptions import NotAllowed, StaleRecord, WrongStage
from incidents import services
from incidents.choices import ReviewStatus, Stage, Step
from incidents.models import CaseReview
from incidents.tests.factories import CR1_VALUES, incident_at
from incidents.tests.helpers import Step_, refused, v
from organisation.choices import Role as R
from organisation.tests.factories import give_role, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(org):
    return org.people


def test_case_review_draft_save_then_submit(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    watch = Step_(incident)
    services.case_review_save(
        actor=p[R.NIS_REVIEWER], incident_id=incident.pk, expected_version=incident.version, values={"summary": "Half done"}
    )
    incident.refresh_from_db()
    assert incident.stage == Stage.CASE_REVIEW and incident.version == watch.version + 1
    assert watch.events == [] and [a.action for a in watch.audits] == ["case_review.save"]
    review = CaseReview.objects.get(incident=incident)
    assert review.summary == "Half done" and review.reviewer == p[R.NIS_REVIEWER] and review.status == ReviewStatus.DRAFT

    error = refused(
        ValidationError,
        incident,
        services.case_review_save,
        actor=p[R.NIS_REVIEWER],
        incident_id=incident.pk,
        expected_version=incident.version,
        values={},
        submit=True,
    )
    assert set(error.message_dict) == {"chronology", "analysis_of_practice", "findings", "learning_identified", "recommendations"}
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT

    watch = Step_(incident)
    services.case_review_save(
        actor=p[R.NIS_REVIEWER], incident_id=incident.pk, expected_version=incident.version, values=dict(CR1_VALUES), submit=True
    )
    watch.check(Step.CR1_SUBMIT, Stage.CR1_SIGN_OFF, from_stage=Stage.CASE_REVIEW)
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.OPERATIONAL_DIRECTOR]}
    refused(
        WrongStage,
        incident,
        services.case_review_save,
        actor=p[R.NIS_REVIEWER],
        incident_id=incident.pk,
        expected_version=incident.version,
        values=dict(CR1_VALUES),
        submit=True,
    )


def test_case_review_refused_to_others_and_before_commissioning(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    for actor in (p[R.CMT_MEMBER], p[R.OPERATIONAL_DIRECTOR], p[R.ASSISTANT_DIRECTOR], p[R.CEO], p[R.LEARNING_LEAD]):
        refused(
            NotAllowed,
            incident,
            services.case_review_save,
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
            values=dict(CR1_VALUES),
            submit=True,
        )
    refused(
        StaleRecord,
        incident,
        services.case_review_save,
        actor=p[R.NIS_REVIEWER],
        incident_id=incident.pk,
        expected_version=incident.version - 1,
        values=dict(CR1_VALUES),
        submit=True,
    )
    early = incident_at(org, Stage.WITH_OD)
    refused(
        WrongStage,
        early,
        services.case_review_save,
        actor=p[R.NIS_REVIEWER],
        incident_id=early.pk,
        expected_version=early.version,
        values=dict(CR1_VALUES),
        submit=True,
    )


def test_case_review_return_and_sign_off(org, p):
    second_cmt = person(R.CMT_MEMBER)
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    for actor in (p[R.CMT_MEMBER], p[R.CEO], org.other[R.OPERATIONAL_DIRECTOR], p[R.ASSISTANT_DIRECTOR], p[R.NIS_REVIEWER]):
        refused(
            NotAllowed,
            incident,
            services.case_review_sign_off,
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
        )
        refused(
            NotAllowed,
            incident,
            services.case_review_return,
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
            reason="r",
        )
    error = refused(
        ValidationError,
        incident,
        services.case_review_return,
        actor=p[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        reason="",
    )
    assert "reason" in error.message_dict

    watch = Step_(incident)
    services.case_review_return(
        actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, reason="More on findings"
    )
    watch.check(Step.CR1_RETURN, Stage.CASE_REVIEW, from_stage=Stage.CR1_SIGN_OFF)
    assert CaseReview.objects.get(incident=incident).status == ReviewStatus.DRAFT
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.NIS_REVIEWER]}
    refused(
        WrongStage,
        incident,
        services.case_review_sign_off,
        actor=p[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
    )

    services.case_review_save(
        actor=p[R.NIS_REVIEWER],
        incident_id=incident.pk,
        expected_version=incident.version,
        values={"findings": "Better findings"},
        submit=True,
    )
    watch = Step_(incident)
    services.case_review_sign_off(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)
    watch.check(Step.CR1_SIGN_OFF, Stage.FINAL_DECISION, from_stage=Stage.CR1_SIGN_OFF)
    review = CaseReview.objects.get(incident=incident)
    assert review.status == ReviewStatus.SIGNED_OFF and review.signed_off_by == p[R.OPERATIONAL_DIRECTOR]
    assert incident.learning_identified == CR1_VALUES["learning_identified"]
    assert watch.notes(Notification.Reason.CMT_REVIEW) == {p[R.CMT_MEMBER], second_cmt, p[R.CEO]}
    assert watch.notes() == {p[R.CMT_MEMBER], second_cmt, p[R.CEO]}
    refused(
        WrongStage,
        incident,
        services.case_review_sign_off,
        actor=p[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
    )


def test_named_operational_service_director_signs_off_instead_of_the_od(org, p):
    named = person(R.OPERATIONAL_DIRECTOR, place=org.other_region)
    incident = incident_at(org, Stage.CASE_REVIEW)
    CaseReview.objects.filter(incident=incident).update(sign_off_by=named)
    watch = Step_(incident)
    services.case_review_save(
        actor=p[R.NIS_REVIEWER], incident_id=incident.pk, expected_version=incident.version, values=dict(CR1_VALUES), submit=True
    )
    assert watch.notes() == {named}
    refused(
        NotAllowed,
        incident,
        services.case_review_sign_off,
        actor=p[R.OPERATIONAL_DIRECTOR],
        incident_id=incident.pk,
        expected_version=v(incident),
    )
    services.case_review_sign_off(actor=named, incident_id=incident.pk, expected_version=v(incident))
    incident.refresh_from_db()
    assert incident.stage == Stage.FINAL_DECISION


def test_reviewer_who_is_also_the_od_may_not_sign_off_their_own_review(org, p):
    reviewer_od = person(R.NIS_REVIEWER)
    give_role(reviewer_od, R.OPERATIONAL_DIRECTOR, org.region)
    incident = incident_at(org, Stage.CASE_REVIEW)
    services.case_review_save(
        actor=reviewer_od, incident_id=incident.pk, expected_version=incident.version, values=dict(CR1_VALUES), submit=True
    )
    refused(
        NotAllowed,
        incident,
        services.case_review_sign_off,
        actor=reviewer_od,
        incident_id=incident.pk,
        expected_version=v(incident),
    )
    services.case_review_sign_off(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=v(incident))
