"""Every step of a SIN through incidents.services: who may take it, at which stage, and what it leaves behind.

A successful step writes exactly one timeline event and one audit event,
moves the stage as incidents.workflow says and tells the right people; a
refused step (wrong person, wrong stage, stale version, invalid form) leaves
the record exactly as it was.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alerts.models import Notification
from audit.models import AuditEvent
from core.exceptions import NotAllowed, StaleRecord, WrongStage
from incidents import selectors, services
from incidents.choices import ActionStatus, Audience, Decision, Kind, Proposal, ReviewStatus, Stage, Step
from incidents.models import Action, Briefing, CaseReview, CeoDecision, Incident, IncidentEvent
from incidents.tests.factories import CR1_VALUES, case_form, finish_actions, incident_at, non_case_form, requested_action
from organisation.choices import Role as R
from organisation.tests.factories import give_role, person

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    stage: str
    version: int
    events: int
    audits: int
    notifications: int
    decisions: int
    actions: int
    briefings: int
    reviews: int
    reference: str | None


def snapshot(incident: Incident) -> Snapshot:
    incident.refresh_from_db()
    return Snapshot(
        stage=incident.stage, version=incident.version, events=IncidentEvent.objects.count(),
        audits=AuditEvent.objects.count(), notifications=Notification.objects.count(),
        decisions=CeoDecision.objects.count(), actions=Action.objects.count(), briefings=Briefing.objects.count(),
        reviews=CaseReview.objects.count(), reference=incident.reference,
    )


def refused(exc, incident, call, **kwargs):
    """`call` raises `exc` and nothing about `incident` (or anywhere) changed."""
    before = snapshot(incident)
    with pytest.raises(exc) as info:
        call(**kwargs)
    assert snapshot(incident) == before
    return info.value


def _last(model, field="pk"):
    row = model.objects.order_by(f"-{field}").values_list(field, flat=True).first()
    return row or 0


class Step_:
    """Watch one step: the events, audit events and notifications it writes."""

    def __init__(self, incident):
        self.incident = incident
        incident.refresh_from_db()
        self.version = incident.version
        self.event = _last(IncidentEvent)
        self.audit = _last(AuditEvent, "sequence")
        self.note = _last(Notification)

    @property
    def events(self):
        return list(IncidentEvent.objects.filter(pk__gt=self.event).order_by("pk"))

    @property
    def audits(self):
        return list(AuditEvent.objects.filter(sequence__gt=self.audit).order_by("sequence"))

    def notes(self, reason=None):
        rows = Notification.objects.filter(pk__gt=self.note)
        if reason is not None:
            rows = rows.filter(reason=reason)
        return {n.recipient for n in rows}

    def check(self, step, to_stage, *, from_stage=None, audit_action=None):
        """Exactly one event for `step` and one audit event; stage now `to_stage`, version one up."""
        self.incident.refresh_from_db()
        assert self.incident.stage == to_stage
        assert self.incident.version == self.version + 1
        events = self.events
        assert [e.step for e in events] == [step]
        assert events[0].to_stage == to_stage
        if from_stage is not None:
            assert events[0].from_stage == from_stage
        audits = self.audits
        assert [a.action for a in audits] == [audit_action or f"incident.{step}"]
        assert audits[0].object_id == str(self.incident.pk) or audit_action == "action.update"
        return events[0]


def v(incident):
    incident.refresh_from_db()
    return incident.version


@pytest.fixture
def p(org):
    return org.people


# --- create and update the draft ------------------------------------------------------


def test_create_writes_a_draft_with_one_event_and_one_audit(org, p):
    before_audit = _last(AuditEvent, "sequence")
    incident = services.incident_create(actor=p[R.LOCAL_MANAGER], team=org.team, data=case_form())
    assert incident.stage == Stage.DRAFT and incident.version == 1 and incident.reference is None
    assert (incident.team, incident.service_area, incident.region) == (org.team, org.area, org.region)
    assert [e.step for e in incident.events.all()] == [Step.CREATE]
    assert [a.action for a in AuditEvent.objects.filter(sequence__gt=before_audit)] == ["incident.create"]
    assert list(incident.criteria.values_list("code", flat=True)) == ["child_seriously_harmed"]
    assert Notification.objects.count() == 0


def test_ad_may_write_a_case_sin_for_a_team_of_their_area(org, p):
    incident = services.incident_create(actor=p[R.ASSISTANT_DIRECTOR], team=org.team, data=case_form())
    assert incident.author == p[R.ASSISTANT_DIRECTOR]


@pytest.mark.parametrize("who", ["other_lm", "other_ad", "od", "cmt", "ceo", "nis", "hop", "nobody"])
def test_create_refused_outside_ones_teams(org, p, who):
    actor = {
        "other_lm": org.other[R.LOCAL_MANAGER], "other_ad": org.other[R.ASSISTANT_DIRECTOR],
        "od": p[R.OPERATIONAL_DIRECTOR], "cmt": p[R.CMT_MEMBER], "ceo": p[R.CEO], "nis": p[R.NIS_REVIEWER],
        "hop": p[R.HEAD_OF_PROFESSION], "nobody": org.nobody,
    }[who]
    with pytest.raises(NotAllowed):
        services.incident_create(actor=actor, team=org.team, data=case_form())
    assert Incident.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_non_case_create_refused_to_local_manager_and_outside_place(org, p):
    with pytest.raises(NotAllowed):
        services.incident_create(actor=p[R.LOCAL_MANAGER], kind=Kind.NON_CASE, service_area=org.area, data=non_case_form())
    with pytest.raises(NotAllowed):
        services.incident_create(actor=org.other[R.ASSISTANT_DIRECTOR], kind=Kind.NON_CASE, service_area=org.area, data=non_case_form())
    with pytest.raises(NotAllowed):
        services.incident_create(actor=org.other[R.HEAD_OF_PROFESSION], kind=Kind.NON_CASE, function=org.function, data=non_case_form())
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"incident_date": timezone.localdate() + timedelta(days=1)}, "incident_date"),
        ({"aware_date": timezone.localdate() + timedelta(days=1)}, "aware_date"),
        ({"incident_date": timezone.localdate() - timedelta(days=2), "aware_date": timezone.localdate() - timedelta(days=5)}, "aware_date"),
        ({"criteria": ["no_such_criterion"]}, "criteria"),
        ({"criteria": ["health_safety"]}, "criteria"),  # a non-case category on a case-related form
    ],
)
def test_create_validates_the_form(org, p, overrides, field):
    with pytest.raises(ValidationError) as info:
        services.incident_create(actor=p[R.LOCAL_MANAGER], team=org.team, data=case_form(**overrides))
    assert field in info.value.message_dict
    assert Incident.objects.count() == 0 and IncidentEvent.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_same_day_dates_are_accepted(org, p):
    today = timezone.localdate()
    incident = services.incident_create(actor=p[R.LOCAL_MANAGER], team=org.team, data=case_form(incident_date=today, aware_date=today))
    assert incident.aware_date == today


def test_update_draft_by_author_only_while_editable(org, p):
    incident = incident_at(org, Stage.DRAFT)
    watch = Step_(incident)
    services.incident_update_draft(actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version,
                                   data=case_form(title="A new title", criteria=["child_seriously_harmed", "rapid_review"]))
    incident.refresh_from_db()
    assert incident.title == "A new title" and incident.version == watch.version + 1 and incident.stage == Stage.DRAFT
    assert sorted(incident.criteria.values_list("code", flat=True)) == ["child_seriously_harmed", "rapid_review"]
    assert [a.action for a in watch.audits] == ["incident.update_draft"]
    assert watch.events == []

    for actor in (p[R.ASSISTANT_DIRECTOR], p[R.OPERATIONAL_DIRECTOR], org.other[R.LOCAL_MANAGER]):
        refused(NotAllowed, incident, services.incident_update_draft, actor=actor, incident_id=incident.pk,
                expected_version=incident.version, data=case_form(title="Changed by someone else"))
    refused(StaleRecord, incident, services.incident_update_draft, actor=p[R.LOCAL_MANAGER], incident_id=incident.pk,
            expected_version=incident.version - 1, data=case_form(title="Stale"))
    refused(ValidationError, incident, services.incident_update_draft, actor=p[R.LOCAL_MANAGER], incident_id=incident.pk,
            expected_version=incident.version, data=case_form(title="Future", incident_date=timezone.localdate() + timedelta(days=3)))
    incident.refresh_from_db()
    assert incident.title == "A new title"

    submitted = incident_at(org, Stage.WITH_AD)
    refused(WrongStage, submitted, services.incident_update_draft, actor=p[R.LOCAL_MANAGER], incident_id=submitted.pk,
            expected_version=submitted.version, data=case_form(title="Too late"))


# --- submit ----------------------------------------------------------------------------


def test_submit_moves_to_the_ad_gives_a_reference_and_asks_the_ad(org, p):
    second_ad = person(R.ASSISTANT_DIRECTOR, place=org.area)
    incident = incident_at(org, Stage.DRAFT)
    watch = Step_(incident)
    services.incident_submit(actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version)
    watch.check(Step.SUBMIT, Stage.WITH_AD, from_stage=Stage.DRAFT)
    assert incident.reference == f"SIN-{timezone.localdate().year}-0001"
    assert incident.submitted_at is not None and incident.notified_at is None
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.ASSISTANT_DIRECTOR], second_ad}

    refused(WrongStage, incident, services.incident_submit, actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version)


def test_submit_refused_to_anyone_but_the_author(org, p):
    incident = incident_at(org, Stage.DRAFT)
    for actor in (p[R.ASSISTANT_DIRECTOR], p[R.OPERATIONAL_DIRECTOR], p[R.CEO], org.other[R.LOCAL_MANAGER]):
        refused(NotAllowed, incident, services.incident_submit, actor=actor, incident_id=incident.pk, expected_version=incident.version)
    refused(StaleRecord, incident, services.incident_submit, actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version + 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"criteria": []}, "criteria"),
        ({"criteria": ["other"], "other_description": ""}, "other_description"),
        ({"criteria": ["child_seriously_harmed", "other"], "other_description": "   "}, "other_description"),
        ({"title": ""}, "title"),
        ({"what_happened": ""}, "what_happened"),
        ({"incident_date": None}, "incident_date"),
        ({"aware_date": None}, "aware_date"),
        ({"children": ""}, "children"),
        ({"case_reference": ""}, "case_reference"),
        ({"cafcass_involvement": ""}, "cafcass_involvement"),
        ({"immediate_actions": ""}, "immediate_actions"),
    ],
)
def test_submit_refuses_an_incomplete_form(org, p, overrides, field):
    incident = services.incident_create(actor=p[R.LOCAL_MANAGER], team=org.team, data=case_form(**overrides))
    error = refused(ValidationError, incident, services.incident_submit, actor=p[R.LOCAL_MANAGER],
                    incident_id=incident.pk, expected_version=incident.version)
    assert field in error.message_dict
    assert incident.reference is None


def test_other_with_a_description_may_be_submitted(org, p):
    incident = services.incident_create(actor=p[R.LOCAL_MANAGER], team=org.team, data=case_form(criteria=["other"], other_description="Something else"))
    services.incident_submit(actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version)
    incident.refresh_from_db()
    assert incident.stage == Stage.WITH_AD


def test_references_are_given_in_sequence_per_kind(org, p):
    year = timezone.localdate().year
    refs = [incident_at(org, Stage.WITH_AD).reference for _ in range(3)]
    assert refs == [f"SIN-{year}-0001", f"SIN-{year}-0002", f"SIN-{year}-0003"]
    assert incident_at(org, Stage.DRAFT).reference is None
    nc = [incident_at(org, Stage.NOTIFIED, kind=Kind.NON_CASE).reference for _ in range(2)]
    assert nc == [f"SIN-NC-{year}-0001", f"SIN-NC-{year}-0002"]
    assert incident_at(org, Stage.WITH_AD).reference == f"SIN-{year}-0004"


def test_a_returned_sin_keeps_its_reference_when_resubmitted(org, p):
    incident = incident_at(org, Stage.RETURNED)
    reference = incident.reference
    watch = Step_(incident)
    services.incident_submit(actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version,
                             answer="The child is A, 4.")
    watch.check(Step.RESUBMIT, Stage.WITH_AD, from_stage=Stage.RETURNED)
    assert incident.reference == reference
    assert incident_at(org, Stage.WITH_AD).reference.endswith("-0002")


# --- the Assistant Director ------------------------------------------------------------


def test_ad_analysis_moves_to_the_od_and_asks_the_od(org, p):
    incident = incident_at(org, Stage.WITH_AD)
    watch = Step_(incident)
    services.incident_ad_analyse(actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version,
                                 analysis="My analysis", proposal=Proposal.DOES_NOT_MEET)
    event = watch.check(Step.AD_ANALYSE, Stage.WITH_OD, from_stage=Stage.WITH_AD)
    assert (event.text, event.proposal, event.actor) == ("My analysis", Proposal.DOES_NOT_MEET, p[R.ASSISTANT_DIRECTOR])
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.OPERATIONAL_DIRECTOR]}
    refused(WrongStage, incident, services.incident_ad_analyse, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk,
            expected_version=incident.version, analysis="Again", proposal=Proposal.MEETS_SHARE)


def test_ad_analysis_refusals(org, p):
    incident = incident_at(org, Stage.WITH_AD)
    kwargs = dict(incident_id=incident.pk, analysis="x", proposal=Proposal.MEETS_SHARE)
    for actor in (org.other[R.ASSISTANT_DIRECTOR], p[R.LOCAL_MANAGER], p[R.OPERATIONAL_DIRECTOR], p[R.CMT_MEMBER], p[R.CEO]):
        refused(NotAllowed, incident, services.incident_ad_analyse, actor=actor, expected_version=incident.version, **kwargs)
    refused(StaleRecord, incident, services.incident_ad_analyse, actor=p[R.ASSISTANT_DIRECTOR], expected_version=incident.version - 1, **kwargs)
    error = refused(ValidationError, incident, services.incident_ad_analyse, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk,
                    expected_version=incident.version, analysis="  ", proposal=Proposal.MEETS_SHARE)
    assert "analysis" in error.message_dict
    error = refused(ValidationError, incident, services.incident_ad_analyse, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk,
                    expected_version=incident.version, analysis="x", proposal="maybe")
    assert "proposal" in error.message_dict
    draft = incident_at(org, Stage.DRAFT)
    refused(WrongStage, draft, services.incident_ad_analyse, actor=p[R.ASSISTANT_DIRECTOR], incident_id=draft.pk,
            expected_version=draft.version, analysis="x", proposal=Proposal.MEETS_SHARE)


def test_ad_author_adds_their_own_analysis_but_cannot_return_it_to_themselves(org, p):
    """Under the interim process the AD writes the SIN (2.8): they add the analysis; the OD is the independent check."""
    ad = p[R.ASSISTANT_DIRECTOR]
    incident = incident_at(org, Stage.WITH_AD, author=ad)
    assert selectors.incidents_awaiting_action(ad).filter(pk=incident.pk).exists()
    refused(NotAllowed, incident, services.incident_ad_return, actor=ad, incident_id=incident.pk,
            expected_version=incident.version, questions="mine")
    services.incident_ad_analyse(actor=ad, incident_id=incident.pk, expected_version=incident.version,
                                 analysis="mine", proposal=Proposal.MEETS_SHARE)
    incident.refresh_from_db()
    assert incident.stage == Stage.WITH_OD
    refused(NotAllowed, incident, services.incident_od_sign_off, actor=ad, incident_id=incident.pk,
            expected_version=incident.version)


def test_od_who_wrote_as_ad_may_not_sign_off(org, p):
    """A person who is both AD and OD may not sign off a SIN they wrote themselves."""
    both = person(R.ASSISTANT_DIRECTOR, place=org.area)
    give_role(both, R.OPERATIONAL_DIRECTOR, org.region)
    incident = incident_at(org, Stage.WITH_OD, author=both)
    for step, kw in [(services.incident_od_sign_off, {}), (services.incident_od_return, dict(reason="r")),
                     (services.incident_od_not_notifiable, dict(rationale="r"))]:
        refused(NotAllowed, incident, step, actor=both, incident_id=incident.pk, expected_version=incident.version, **kw)


def test_ad_return_then_author_answers_and_resubmits(org, p):
    incident = incident_at(org, Stage.WITH_AD)
    error = refused(ValidationError, incident, services.incident_ad_return, actor=p[R.ASSISTANT_DIRECTOR],
                    incident_id=incident.pk, expected_version=incident.version, questions="")
    assert "questions" in error.message_dict
    refused(NotAllowed, incident, services.incident_ad_return, actor=org.other[R.ASSISTANT_DIRECTOR],
            incident_id=incident.pk, expected_version=incident.version, questions="Why?")
    watch = Step_(incident)
    services.incident_ad_return(actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, questions="Which child?")
    event = watch.check(Step.AD_RETURN, Stage.RETURNED, from_stage=Stage.WITH_AD)
    assert event.text == "Which child?"
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.LOCAL_MANAGER]}
    refused(WrongStage, incident, services.incident_ad_analyse, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk,
            expected_version=incident.version, analysis="x", proposal=Proposal.MEETS_SHARE)
    services.incident_update_draft(actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version,
                                   data=case_form(children="B, 6"))
    error = refused(ValidationError, incident, services.incident_submit, actor=p[R.LOCAL_MANAGER],
                    incident_id=incident.pk, expected_version=v(incident))
    assert error.message_dict == {"answer": [services.ANSWER_MISSING]}
    services.incident_submit(actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=v(incident),
                             answer="The child is B, 6: I had the sibling's details.")
    incident.refresh_from_db()
    assert incident.stage == Stage.WITH_AD and incident.children == "B, 6"


# --- the Operational Director ----------------------------------------------------------


def test_od_sign_off_alerts_cmt_and_commissions_the_case_review(org, p):
    second_cmt = person(R.CMT_MEMBER)
    second_nis = person(R.NIS_REVIEWER)
    incident = incident_at(org, Stage.WITH_OD)
    assert not CaseReview.objects.filter(incident=incident).exists()
    watch = Step_(incident)
    services.incident_od_sign_off(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, comment="Agreed")
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

    refused(WrongStage, incident, services.incident_od_sign_off, actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk,
            expected_version=incident.version)


def test_od_sign_off_refusals(org, p):
    incident = incident_at(org, Stage.WITH_OD)
    for actor in (org.other[R.OPERATIONAL_DIRECTOR], p[R.CMT_MEMBER], p[R.CEO], p[R.ASSISTANT_DIRECTOR], p[R.LOCAL_MANAGER],
                  p[R.NIS_REVIEWER], p[R.ADMINISTRATOR], p[R.CHAIR]):
        refused(NotAllowed, incident, services.incident_od_sign_off, actor=actor, incident_id=incident.pk, expected_version=incident.version)
    refused(StaleRecord, incident, services.incident_od_sign_off, actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk,
            expected_version=incident.version - 1)
    assert not CaseReview.objects.exists()


def test_od_sign_off_out_of_order(org, p):
    for stage in (Stage.DRAFT, Stage.WITH_AD, Stage.RETURNED, Stage.NOT_NOTIFIABLE):
        incident = incident_at(org, stage)
        refused(WrongStage, incident, services.incident_od_sign_off, actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk,
                expected_version=incident.version)


def test_od_return_to_the_ad(org, p):
    incident = incident_at(org, Stage.WITH_OD)
    error = refused(ValidationError, incident, services.incident_od_return, actor=p[R.OPERATIONAL_DIRECTOR],
                    incident_id=incident.pk, expected_version=incident.version, reason=" ")
    assert "reason" in error.message_dict
    refused(NotAllowed, incident, services.incident_od_return, actor=org.other[R.OPERATIONAL_DIRECTOR],
            incident_id=incident.pk, expected_version=incident.version, reason="r")
    watch = Step_(incident)
    services.incident_od_return(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, reason="Look again")
    watch.check(Step.OD_RETURN, Stage.WITH_AD, from_stage=Stage.WITH_OD)
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.ASSISTANT_DIRECTOR]}
    assert incident.notified_at is None


def test_od_not_notifiable_stays_on_record_and_tells_author_and_ad(org, p):
    incident = incident_at(org, Stage.WITH_OD)
    error = refused(ValidationError, incident, services.incident_od_not_notifiable, actor=p[R.OPERATIONAL_DIRECTOR],
                    incident_id=incident.pk, expected_version=incident.version, rationale="")
    assert "rationale" in error.message_dict
    watch = Step_(incident)
    services.incident_od_not_notifiable(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version,
                                        rationale="Below threshold")
    watch.check(Step.OD_NOT_NOTIFIABLE, Stage.NOT_NOTIFIABLE, from_stage=Stage.WITH_OD)
    assert watch.notes() == watch.notes(Notification.Reason.INFO) == {p[R.LOCAL_MANAGER], p[R.ASSISTANT_DIRECTOR]}
    assert incident.notified_at is None and incident.stage_due is None
    for call, kw in [(services.incident_od_sign_off, {}), (services.incident_close, {}),
                     (services.incident_ceo_decide, dict(decision=Decision.NO_ONWARD, rationale="r"))]:
        actor = p[R.CEO] if call is services.incident_ceo_decide else (p[R.ASSISTANT_DIRECTOR] if call is services.incident_close else p[R.OPERATIONAL_DIRECTOR])
        refused(WrongStage, incident, call, actor=actor, incident_id=incident.pk, expected_version=incident.version, **kw)


# --- the case review (CR1) -------------------------------------------------------------------


def test_case_review_draft_save_then_submit(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    watch = Step_(incident)
    services.case_review_save(actor=p[R.NIS_REVIEWER], incident_id=incident.pk, expected_version=incident.version,
                              values={"summary": "Half done"})
    incident.refresh_from_db()
    assert incident.stage == Stage.CASE_REVIEW and incident.version == watch.version + 1
    assert watch.events == [] and [a.action for a in watch.audits] == ["case_review.save"]
    review = CaseReview.objects.get(incident=incident)
    assert review.summary == "Half done" and review.reviewer == p[R.NIS_REVIEWER] and review.status == ReviewStatus.DRAFT

    error = refused(ValidationError, incident, services.case_review_save, actor=p[R.NIS_REVIEWER], incident_id=incident.pk,
                    expected_version=incident.version, values={}, submit=True)
    assert set(error.message_dict) == {"chronology", "analysis_of_practice", "findings", "learning_identified", "recommendations"}
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT

    watch = Step_(incident)
    services.case_review_save(actor=p[R.NIS_REVIEWER], incident_id=incident.pk, expected_version=incident.version,
                              values=dict(CR1_VALUES), submit=True)
    watch.check(Step.CR1_SUBMIT, Stage.CR1_SIGN_OFF, from_stage=Stage.CASE_REVIEW)
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.OPERATIONAL_DIRECTOR]}
    refused(WrongStage, incident, services.case_review_save, actor=p[R.NIS_REVIEWER], incident_id=incident.pk,
            expected_version=incident.version, values=dict(CR1_VALUES), submit=True)


def test_case_review_refused_to_others_and_before_commissioning(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    for actor in (p[R.CMT_MEMBER], p[R.OPERATIONAL_DIRECTOR], p[R.ASSISTANT_DIRECTOR], p[R.CEO], p[R.LEARNING_LEAD]):
        refused(NotAllowed, incident, services.case_review_save, actor=actor, incident_id=incident.pk,
                expected_version=incident.version, values=dict(CR1_VALUES), submit=True)
    refused(StaleRecord, incident, services.case_review_save, actor=p[R.NIS_REVIEWER], incident_id=incident.pk,
            expected_version=incident.version - 1, values=dict(CR1_VALUES), submit=True)
    early = incident_at(org, Stage.WITH_OD)
    refused(WrongStage, early, services.case_review_save, actor=p[R.NIS_REVIEWER], incident_id=early.pk,
            expected_version=early.version, values=dict(CR1_VALUES), submit=True)


def test_case_review_return_and_sign_off(org, p):
    second_cmt = person(R.CMT_MEMBER)
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    for actor in (p[R.CMT_MEMBER], p[R.CEO], org.other[R.OPERATIONAL_DIRECTOR], p[R.ASSISTANT_DIRECTOR], p[R.NIS_REVIEWER]):
        refused(NotAllowed, incident, services.case_review_sign_off, actor=actor, incident_id=incident.pk, expected_version=incident.version)
        refused(NotAllowed, incident, services.case_review_return, actor=actor, incident_id=incident.pk,
                expected_version=incident.version, reason="r")
    error = refused(ValidationError, incident, services.case_review_return, actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk,
                    expected_version=incident.version, reason="")
    assert "reason" in error.message_dict

    watch = Step_(incident)
    services.case_review_return(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, reason="More on findings")
    watch.check(Step.CR1_RETURN, Stage.CASE_REVIEW, from_stage=Stage.CR1_SIGN_OFF)
    assert CaseReview.objects.get(incident=incident).status == ReviewStatus.DRAFT
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.NIS_REVIEWER]}
    refused(WrongStage, incident, services.case_review_sign_off, actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk,
            expected_version=incident.version)

    services.case_review_save(actor=p[R.NIS_REVIEWER], incident_id=incident.pk, expected_version=incident.version,
                              values={"findings": "Better findings"}, submit=True)
    watch = Step_(incident)
    services.case_review_sign_off(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)
    watch.check(Step.CR1_SIGN_OFF, Stage.FINAL_DECISION, from_stage=Stage.CR1_SIGN_OFF)
    review = CaseReview.objects.get(incident=incident)
    assert review.status == ReviewStatus.SIGNED_OFF and review.signed_off_by == p[R.OPERATIONAL_DIRECTOR]
    assert incident.learning_identified == CR1_VALUES["learning_identified"]
    assert watch.notes(Notification.Reason.CMT_REVIEW) == {p[R.CMT_MEMBER], second_cmt, p[R.CEO]}
    assert watch.notes() == {p[R.CMT_MEMBER], second_cmt, p[R.CEO]}
    refused(WrongStage, incident, services.case_review_sign_off, actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk,
            expected_version=incident.version)


def test_named_operational_service_director_signs_off_instead_of_the_od(org, p):
    named = person(R.OPERATIONAL_DIRECTOR, place=org.other_region)
    incident = incident_at(org, Stage.CASE_REVIEW)
    CaseReview.objects.filter(incident=incident).update(sign_off_by=named)
    watch = Step_(incident)
    services.case_review_save(actor=p[R.NIS_REVIEWER], incident_id=incident.pk, expected_version=incident.version,
                              values=dict(CR1_VALUES), submit=True)
    assert watch.notes() == {named}
    refused(NotAllowed, incident, services.case_review_sign_off, actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk,
            expected_version=v(incident))
    services.case_review_sign_off(actor=named, incident_id=incident.pk, expected_version=v(incident))
    incident.refresh_from_db()
    assert incident.stage == Stage.FINAL_DECISION


def test_reviewer_who_is_also_the_od_may_not_sign_off_their_own_review(org, p):
    reviewer_od = person(R.NIS_REVIEWER)
    give_role(reviewer_od, R.OPERATIONAL_DIRECTOR, org.region)
    incident = incident_at(org, Stage.CASE_REVIEW)
    services.case_review_save(actor=reviewer_od, incident_id=incident.pk, expected_version=incident.version,
                              values=dict(CR1_VALUES), submit=True)
    refused(NotAllowed, incident, services.case_review_sign_off, actor=reviewer_od, incident_id=incident.pk, expected_version=v(incident))
    services.case_review_sign_off(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=v(incident))


# --- the CEO ----------------------------------------------------------------------------------


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
    assert "rationale" in refused(ValidationError, incident, services.incident_ceo_decide, decision=Decision.NO_ONWARD, rationale="  ", **kw).message_dict
    assert "decision" in refused(ValidationError, incident, services.incident_ceo_decide, decision="publish", rationale="r", **kw).message_dict
    for actor in (p[R.CMT_MEMBER], p[R.OPERATIONAL_DIRECTOR], p[R.BOARD_MEMBER], p[R.CHAIR]):
        refused(NotAllowed, incident, services.incident_ceo_decide, actor=actor, incident_id=incident.pk,
                expected_version=incident.version, decision=Decision.NO_ONWARD, rationale="r")
    refused(StaleRecord, incident, services.incident_ceo_decide, actor=p[R.CEO], incident_id=incident.pk,
            expected_version=incident.version - 1, decision=Decision.NO_ONWARD, rationale="r")


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.WITH_AD, Stage.WITH_OD, Stage.FINAL_DECISION, Stage.ACTIONS, Stage.CLOSED])
def test_ceo_decision_refused_outside_the_decision_stages(org, p, stage):
    incident = incident_at(org, stage)
    refused(WrongStage, incident, services.incident_ceo_decide, actor=p[R.CEO], incident_id=incident.pk,
            expected_version=incident.version, decision=Decision.NO_ONWARD, rationale="r")


@pytest.mark.parametrize(("decision", "audience"), [(Decision.SHARE_BOARD, Audience.BOARD), (Decision.SHARE_CHAIR, Audience.CHAIR)])
def test_sharing_needs_a_briefing_and_tells_its_audience(org, p, decision, audience):
    second_board = person(R.BOARD_MEMBER)
    incident = incident_at(org, Stage.CASE_REVIEW)
    kw = dict(actor=p[R.CEO], incident_id=incident.pk, expected_version=incident.version, decision=decision, rationale="r")
    assert "briefing_title" in refused(ValidationError, incident, services.incident_ceo_decide, **kw).message_dict
    assert "briefing_text" in refused(ValidationError, incident, services.incident_ceo_decide, briefing_title="T", **kw).message_dict
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
    kw = dict(actor=p[R.CEO], incident_id=incident.pk, expected_version=incident.version, decision=Decision.FURTHER_ACTION, rationale="r")
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
    assert (action.description, action.owner, action.status, action.created_by) == ("Meet the family", p[R.LOCAL_MANAGER], ActionStatus.OPEN, p[R.CEO])
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.LOCAL_MANAGER]}


def test_an_action_given_with_another_initial_decision_is_ignored(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    _decide(p, incident, decision=Decision.NO_ONWARD, rationale="r", action=requested_action(p[R.LOCAL_MANAGER]))
    assert not Action.objects.exists()


def test_final_decision_only_after_cr1_sign_off(org, p):
    for stage in (Stage.WITH_OD, Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF):
        incident = incident_at(org, stage)
        refused(WrongStage, incident, services.incident_ceo_final_decide, actor=p[R.CEO], incident_id=incident.pk,
                expected_version=incident.version, decision=Decision.NO_ONWARD, rationale="r")
    incident = incident_at(org, Stage.FINAL_DECISION)
    kw = dict(incident_id=incident.pk, expected_version=incident.version, rationale="r")
    for bad in (Decision.FURTHER_ACTION, Decision.AWAIT_REVIEW, "nonsense"):
        assert "decision" in refused(ValidationError, incident, services.incident_ceo_final_decide, actor=p[R.CEO], decision=bad, **kw).message_dict
    assert "rationale" in refused(ValidationError, incident, services.incident_ceo_final_decide, actor=p[R.CEO],
                                  incident_id=incident.pk, expected_version=incident.version, decision=Decision.NO_ONWARD, rationale="").message_dict
    assert "briefing_title" in refused(ValidationError, incident, services.incident_ceo_final_decide, actor=p[R.CEO],
                                       decision=Decision.SHARE_CHAIR, **kw).message_dict
    refused(NotAllowed, incident, services.incident_ceo_final_decide, actor=p[R.CMT_MEMBER], decision=Decision.NO_ONWARD, **kw)

    watch = Step_(incident)
    record = services.incident_ceo_final_decide(actor=p[R.CEO], decision=Decision.SHARE_BOARD, comments="Well handled",
                                                briefing_title="T", briefing_text="x", **kw)
    event = watch.check(Step.CEO_FINAL_DECISION, Stage.ACTIONS, from_stage=Stage.FINAL_DECISION)
    assert record.is_final and record.comments == "Well handled" and "Well handled" in event.text
    assert Briefing.objects.get(decision=record).audience == Audience.BOARD
    assert watch.notes(Notification.Reason.ACT) == {p[R.ASSISTANT_DIRECTOR]}
    refused(WrongStage, incident, services.incident_ceo_final_decide, actor=p[R.CEO], incident_id=incident.pk,
            expected_version=incident.version, decision=Decision.NO_ONWARD, rationale="again")


def test_final_decision_may_carry_an_action(org, p):
    incident = incident_at(org, Stage.FINAL_DECISION)
    services.incident_ceo_final_decide(actor=p[R.CEO], incident_id=incident.pk, expected_version=incident.version,
                                       decision=Decision.NO_ONWARD, rationale="r", action=requested_action(p[R.ASSISTANT_DIRECTOR]))
    assert Action.objects.filter(incident=incident).count() == 1


# --- actions, learning and closure -------------------------------------------------------------


def test_action_add_by_the_people_of_the_incident(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    for actor in (p[R.ASSISTANT_DIRECTOR], p[R.OPERATIONAL_DIRECTOR], p[R.CEO]):
        watch = Step_(incident)
        services.action_add(actor=actor, incident_id=incident.pk, expected_version=incident.version,
                            action=requested_action(p[R.LEARNING_LEAD], description=f"by {actor}"))
        incident.refresh_from_db()
        assert incident.stage == Stage.CASE_REVIEW and incident.version == watch.version + 1
        assert [e.step for e in watch.events] == [Step.ACTION_ADD]
        assert [a.action for a in watch.audits] == ["incident.action_add"]
        assert watch.notes() == {p[R.LEARNING_LEAD]}
    for actor in (p[R.LOCAL_MANAGER], org.other[R.ASSISTANT_DIRECTOR], org.other[R.OPERATIONAL_DIRECTOR], p[R.CMT_MEMBER], p[R.NIS_REVIEWER]):
        refused(NotAllowed, incident, services.action_add, actor=actor, incident_id=incident.pk, expected_version=incident.version,
                action=requested_action(p[R.LEARNING_LEAD]))
    assert "action_due_date" in refused(
        ValidationError, incident, services.action_add, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk,
        expected_version=incident.version, action=requested_action(p[R.LEARNING_LEAD], due=timezone.localdate() - timedelta(days=1)),
    ).message_dict
    assert "action_description" in refused(
        ValidationError, incident, services.action_add, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk,
        expected_version=incident.version, action=requested_action(p[R.LEARNING_LEAD], description=" "),
    ).message_dict
    refused(StaleRecord, incident, services.action_add, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk,
            expected_version=incident.version - 1, action=requested_action(p[R.LEARNING_LEAD]))
    for stage in (Stage.DRAFT, Stage.WITH_OD, Stage.NOT_NOTIFIABLE, Stage.CLOSED):
        other = incident_at(org, stage)
        refused(WrongStage, other, services.action_add, actor=p[R.ASSISTANT_DIRECTOR], incident_id=other.pk,
                expected_version=other.version, action=requested_action(p[R.LEARNING_LEAD]))


def test_action_update_by_owner_or_accountable_ad_done_needs_evidence(org, p):
    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(actor=p[R.CEO], incident_id=incident.pk, expected_version=incident.version,
                                 action=requested_action(p[R.LEARNING_LEAD]))

    def refused_update(exc, actor, status, evidence="", version=None):
        action.refresh_from_db()
        before = (action.status, action.version, snapshot(incident))
        with pytest.raises(exc) as info:
            services.action_update(actor=actor, action_id=action.pk, expected_version=action.version if version is None else version,
                                   status=status, evidence=evidence)
        action.refresh_from_db()
        assert (action.status, action.version, snapshot(incident)) == before
        return info.value

    assert "evidence" in refused_update(ValidationError, p[R.LEARNING_LEAD], ActionStatus.DONE, "  ").message_dict
    assert "status" in refused_update(ValidationError, p[R.LEARNING_LEAD], "finished", "e").message_dict
    for actor in (p[R.LOCAL_MANAGER], p[R.CMT_MEMBER], org.other[R.ASSISTANT_DIRECTOR], p[R.CEO]):
        refused_update(NotAllowed, actor, ActionStatus.IN_PROGRESS)
    refused_update(StaleRecord, p[R.LEARNING_LEAD], ActionStatus.IN_PROGRESS, version=action.version + 1)

    watch = Step_(incident)
    services.action_update(actor=p[R.LEARNING_LEAD], action_id=action.pk, expected_version=action.version,
                           status=ActionStatus.IN_PROGRESS, evidence="")
    incident.refresh_from_db()
    assert incident.version == watch.version + 1 and incident.stage == Stage.ACTIONS
    assert [e.step for e in watch.events] == [Step.ACTION_UPDATE]
    assert [a.action for a in watch.audits] == ["action.update"]
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS and action.completed_at is None

    services.action_update(actor=p[R.ASSISTANT_DIRECTOR], action_id=action.pk, expected_version=action.version,
                           status=ActionStatus.DONE, evidence="Training delivered")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.evidence == "Training delivered" and action.completed_at is not None


def test_closure_refused_until_final_decision_and_every_action_finished(org, p):
    ad = p[R.ASSISTANT_DIRECTOR]
    for stage in (Stage.DRAFT, Stage.WITH_AD, Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF, Stage.FINAL_DECISION):
        early = incident_at(org, stage)
        refused(WrongStage, early, services.incident_close, actor=ad, incident_id=early.pk, expected_version=early.version)

    incident = incident_at(org, Stage.CASE_REVIEW)
    first = services.action_add(actor=ad, incident_id=incident.pk, expected_version=incident.version, action=requested_action(p[R.LEARNING_LEAD]))
    services.action_add(actor=ad, incident_id=incident.pk, expected_version=v(incident), action=requested_action(p[R.LOCAL_MANAGER]))
    services.case_review_save(actor=p[R.NIS_REVIEWER], incident_id=incident.pk, expected_version=v(incident), values=dict(CR1_VALUES), submit=True)
    services.case_review_sign_off(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=v(incident))
    refused(WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident))
    services.incident_ceo_final_decide(actor=p[R.CEO], incident_id=incident.pk, expected_version=v(incident), decision=Decision.NO_ONWARD, rationale="r")

    error = refused(WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident))
    assert "2 action(s)" in str(error)
    services.action_update(actor=p[R.LEARNING_LEAD], action_id=first.pk, expected_version=1, status=ActionStatus.CARRIED, evidence="")
    error = refused(WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident))
    assert "1 action(s)" in str(error)
    finish_actions(org, incident)
    assert incident.learning_identified == CR1_VALUES["learning_identified"]  # the signed-off CR1's learning goes with the carried action

    for actor in (p[R.OPERATIONAL_DIRECTOR], p[R.CEO], p[R.LOCAL_MANAGER], org.other[R.ASSISTANT_DIRECTOR]):
        refused(NotAllowed, incident, services.incident_close, actor=actor, incident_id=incident.pk, expected_version=v(incident))
    refused(StaleRecord, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident) - 1)
    watch = Step_(incident)
    services.incident_close(actor=ad, incident_id=incident.pk, expected_version=incident.version)
    watch.check(Step.CLOSE, Stage.CLOSED, from_stage=Stage.ACTIONS)
    assert incident.closed_at is not None and incident.stage_due is None
    refused(WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=incident.version)
    # Nothing changes on a closed incident.
    refused(WrongStage, incident, services.action_add, actor=ad, incident_id=incident.pk, expected_version=incident.version,
            action=requested_action(p[R.LEARNING_LEAD]))
    refused(WrongStage, incident, services.incident_record_learning, actor=ad, incident_id=incident.pk,
            expected_version=incident.version, learning="late")
    with pytest.raises(WrongStage):
        services.action_update(actor=ad, action_id=first.pk, expected_version=Action.objects.get(pk=first.pk).version,
                               status=ActionStatus.OPEN, evidence="")
    assert Action.objects.get(pk=first.pk).status == ActionStatus.CARRIED


def test_record_learning(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    for actor in (p[R.LOCAL_MANAGER], p[R.CMT_MEMBER], org.other[R.ASSISTANT_DIRECTOR], p[R.CEO]):
        refused(NotAllowed, incident, services.incident_record_learning, actor=actor, incident_id=incident.pk,
                expected_version=incident.version, learning="x")
    assert "learning" in refused(ValidationError, incident, services.incident_record_learning, actor=p[R.ASSISTANT_DIRECTOR],
                                 incident_id=incident.pk, expected_version=incident.version, learning="").message_dict
    watch = Step_(incident)
    services.incident_record_learning(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version,
                                      learning="Check the chronology")
    watch.check(Step.LEARNING_RECORD, Stage.CASE_REVIEW)
    assert incident.learning_identified == "Check the chronology"
    draft = incident_at(org, Stage.DRAFT)
    refused(WrongStage, draft, services.incident_record_learning, actor=p[R.ASSISTANT_DIRECTOR], incident_id=draft.pk,
            expected_version=draft.version, learning="x")


# --- a whole case-related walk -------------------------------------------------------------------


def test_whole_case_walk_one_event_and_one_audit_per_step(org, p):
    incident = incident_at(org, Stage.CLOSED, final_decision=Decision.SHARE_CHAIR)
    steps = list(incident.events.order_by("pk").values_list("step", flat=True))
    assert steps == [Step.CREATE, Step.SUBMIT, Step.AD_ANALYSE, Step.OD_SIGN_OFF, Step.CR1_SUBMIT, Step.CR1_SIGN_OFF,
                     Step.CEO_FINAL_DECISION, Step.CLOSE]
    actions = list(AuditEvent.objects.filter(object_type="incidents.incident", object_id=str(incident.pk)).values_list("action", flat=True))
    assert actions == [f"incident.{s}" for s in steps]
    stages = list(incident.events.order_by("pk").values_list("from_stage", "to_stage"))
    assert stages == [("", Stage.DRAFT), (Stage.DRAFT, Stage.WITH_AD), (Stage.WITH_AD, Stage.WITH_OD), (Stage.WITH_OD, Stage.CASE_REVIEW),
                      (Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF), (Stage.CR1_SIGN_OFF, Stage.FINAL_DECISION),
                      (Stage.FINAL_DECISION, Stage.ACTIONS), (Stage.ACTIONS, Stage.CLOSED)]
    assert incident.version == len(steps)
    assert Briefing.objects.get().audience == Audience.CHAIR


# --- non-case -------------------------------------------------------------------------------------


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
    refused(WrongStage, incident, services.incident_submit, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)


def test_non_case_has_no_case_steps(org, p):
    incident = incident_at(org, Stage.NOTIFIED, kind=Kind.NON_CASE)
    kw = dict(incident_id=incident.pk, expected_version=incident.version)
    refused(NotAllowed, incident, services.incident_ad_analyse, actor=p[R.ASSISTANT_DIRECTOR], analysis="a", proposal=Proposal.MEETS_SHARE, **kw)
    refused(NotAllowed, incident, services.incident_od_sign_off, actor=p[R.OPERATIONAL_DIRECTOR], **kw)
    refused(NotAllowed, incident, services.case_review_save, actor=p[R.NIS_REVIEWER], values=dict(CR1_VALUES), submit=True, **kw)
    refused(WrongStage, incident, services.incident_close, actor=p[R.ASSISTANT_DIRECTOR], **kw)


def test_an_action_carried_into_the_learning_portal_needs_the_learning_recorded_before_closure(org, p):
    ad = p[R.ASSISTANT_DIRECTOR]
    incident = incident_at(org, Stage.ACTIONS, kind=Kind.NON_CASE)
    action = services.action_add(actor=ad, incident_id=incident.pk, expected_version=incident.version, action=requested_action(p[R.LEARNING_LEAD]))
    services.action_update(actor=p[R.LEARNING_LEAD], action_id=action.pk, expected_version=action.version, status=ActionStatus.CARRIED, evidence="")
    assert v(incident) and incident.learning_identified == ""
    error = refused(WrongStage, incident, services.incident_close, actor=ad, incident_id=incident.pk, expected_version=v(incident))
    assert "Record the learning identified" in str(error)
    services.incident_record_learning(actor=ad, incident_id=incident.pk, expected_version=v(incident), learning="Check the school.")
    services.incident_close(actor=ad, incident_id=incident.pk, expected_version=v(incident))
    assert Incident.objects.get(pk=incident.pk).stage == Stage.CLOSED


def test_non_case_walk_final_decision_then_close(org, p):
    incident = incident_at(org, Stage.NOTIFIED, kind=Kind.NON_CASE)
    refused(NotAllowed, incident, services.incident_ceo_final_decide, actor=p[R.CMT_MEMBER], incident_id=incident.pk,
            expected_version=incident.version, decision=Decision.NO_ONWARD, rationale="r")
    watch = Step_(incident)
    services.incident_ceo_final_decide(actor=p[R.CEO], incident_id=incident.pk, expected_version=incident.version,
                                       decision=Decision.SHARE_BOARD, rationale="r", briefing_title="T", briefing_text="x",
                                       action=requested_action(p[R.ASSISTANT_DIRECTOR]))
    incident.refresh_from_db()
    assert incident.stage == Stage.ACTIONS and incident.version == watch.version + 1
    assert sorted(e.step for e in watch.events) == sorted([Step.CEO_FINAL_DECISION, Step.ACTION_ADD])
    assert [a.action for a in watch.audits] == ["incident.ceo_final_decision"]
    assert watch.notes(Notification.Reason.BRIEFING) == {p[R.BOARD_MEMBER], p[R.CHAIR]}
    refused(WrongStage, incident, services.incident_close, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)
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
    services.incident_ceo_final_decide(actor=p[R.CEO], incident_id=incident.pk, expected_version=v(incident),
                                       decision=Decision.NO_ONWARD, rationale="r")
    assert watch.notes(Notification.Reason.ACT) == {hop}
    refused(NotAllowed, incident, services.incident_close, actor=org.other[R.HEAD_OF_PROFESSION], incident_id=incident.pk, expected_version=v(incident))
    refused(NotAllowed, incident, services.incident_close, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=v(incident))
    services.incident_close(actor=hop, incident_id=incident.pk, expected_version=v(incident))
    assert Incident.objects.get(pk=incident.pk).stage == Stage.CLOSED


def test_non_case_submit_validates_category(org, p):
    incident = services.incident_create(actor=p[R.ASSISTANT_DIRECTOR], kind=Kind.NON_CASE, service_area=org.area, data=non_case_form(criteria=[]))
    error = refused(ValidationError, incident, services.incident_submit, actor=p[R.ASSISTANT_DIRECTOR], incident_id=incident.pk,
                    expected_version=incident.version)
    assert "criteria" in error.message_dict
    with pytest.raises(ValidationError) as info:
        services.incident_create(actor=p[R.ASSISTANT_DIRECTOR], kind=Kind.NON_CASE, service_area=org.area,
                                 data=non_case_form(criteria=["child_seriously_harmed"]))
    assert "criteria" in info.value.message_dict


def test_a_decision_reports_every_problem_at_once(org, p):
    incident = incident_at(org, Stage.CASE_REVIEW)
    error = refused(ValidationError, incident, services.incident_ceo_decide, actor=p[R.CEO], incident_id=incident.pk,
                    expected_version=incident.version, decision=Decision.SHARE_BOARD, rationale="")
    assert set(error.message_dict) == {"rationale", "briefing_title", "briefing_text"}
    past = services.RequestedAction("", None, timezone.localdate() - timedelta(days=1))
    error = refused(ValidationError, incident, services.incident_ceo_decide, actor=p[R.CEO], incident_id=incident.pk,
                    expected_version=incident.version, decision=Decision.FURTHER_ACTION, rationale="r", action=past)
    assert set(error.message_dict) == {"action_description", "action_owner", "action_due_date"}


def test_the_ad_proposes_meets_or_does_not_meet_and_nothing_that_does_nothing(org, p):
    """2.1: a SIN that meets any criterion is alerted to Core CMT, so "meets, but CMT need not see it"
    is no proposal (docs/decisions/0014); the OD decides whether it is notifiable (2.3)."""
    assert set(Proposal.values) == {"meets_share", "does_not_meet"}
    incident = incident_at(org, Stage.WITH_AD)
    error = refused(ValidationError, incident, services.incident_ad_analyse, actor=p[R.ASSISTANT_DIRECTOR],
                    incident_id=incident.pk, expected_version=incident.version, analysis="x", proposal="meets_no_share")
    assert "proposal" in error.message_dict
