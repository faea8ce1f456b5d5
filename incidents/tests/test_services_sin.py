"""Creating, updating and submitting a SIN through incidents.services (source 2.1, 2.2), and a whole case-related walk.

A successful step writes exactly one timeline event and one audit event, moves the stage as
incidents.workflow says and tells the right people; a refused step leaves the record exactly as it was.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alerts.models import Notification
from audit.models import AuditEvent
from core.exceptions import NotAllowed, StaleRecord, WrongStage
from incidents import services
from incidents.choices import Audience, Decision, Kind, Stage, Step
from incidents.models import Briefing, Incident, IncidentEvent
from incidents.tests.factories import case_form, incident_at, non_case_form
from incidents.tests.helpers import Step_, last_of, refused
from organisation.choices import Role as R
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(org):
    return org.people


def test_create_writes_a_draft_with_one_event_and_one_audit(org, p):
    before_audit = last_of(AuditEvent, "sequence")
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
        "other_lm": org.other[R.LOCAL_MANAGER],
        "other_ad": org.other[R.ASSISTANT_DIRECTOR],
        "od": p[R.OPERATIONAL_DIRECTOR],
        "cmt": p[R.CMT_MEMBER],
        "ceo": p[R.CEO],
        "nis": p[R.NIS_REVIEWER],
        "hop": p[R.HEAD_OF_PROFESSION],
        "nobody": org.nobody,
    }[who]
    with pytest.raises(NotAllowed):
        services.incident_create(actor=actor, team=org.team, data=case_form())
    assert Incident.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_non_case_create_refused_to_local_manager_and_outside_place(org, p):
    with pytest.raises(NotAllowed):
        services.incident_create(actor=p[R.LOCAL_MANAGER], kind=Kind.NON_CASE, service_area=org.area, data=non_case_form())
    with pytest.raises(NotAllowed):
        services.incident_create(
            actor=org.other[R.ASSISTANT_DIRECTOR], kind=Kind.NON_CASE, service_area=org.area, data=non_case_form()
        )
    with pytest.raises(NotAllowed):
        services.incident_create(
            actor=org.other[R.HEAD_OF_PROFESSION], kind=Kind.NON_CASE, function=org.function, data=non_case_form()
        )
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"incident_date": timezone.localdate() + timedelta(days=1)}, "incident_date"),
        ({"aware_date": timezone.localdate() + timedelta(days=1)}, "aware_date"),
        (
            {"incident_date": timezone.localdate() - timedelta(days=2), "aware_date": timezone.localdate() - timedelta(days=5)},
            "aware_date",
        ),
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
    incident = services.incident_create(
        actor=p[R.LOCAL_MANAGER], team=org.team, data=case_form(incident_date=today, aware_date=today)
    )
    assert incident.aware_date == today


def test_update_draft_by_author_only_while_editable(org, p):
    incident = incident_at(org, Stage.DRAFT)
    watch = Step_(incident)
    services.incident_update_draft(
        actor=p[R.LOCAL_MANAGER],
        incident_id=incident.pk,
        expected_version=incident.version,
        data=case_form(title="A new title", criteria=["child_seriously_harmed", "rapid_review"]),
    )
    incident.refresh_from_db()
    assert incident.title == "A new title" and incident.version == watch.version + 1 and incident.stage == Stage.DRAFT
    assert sorted(incident.criteria.values_list("code", flat=True)) == ["child_seriously_harmed", "rapid_review"]
    assert [a.action for a in watch.audits] == ["incident.update_draft"]
    assert watch.events == []

    for actor in (p[R.ASSISTANT_DIRECTOR], p[R.OPERATIONAL_DIRECTOR], org.other[R.LOCAL_MANAGER]):
        refused(
            NotAllowed,
            incident,
            services.incident_update_draft,
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
            data=case_form(title="Changed by someone else"),
        )
    refused(
        StaleRecord,
        incident,
        services.incident_update_draft,
        actor=p[R.LOCAL_MANAGER],
        incident_id=incident.pk,
        expected_version=incident.version - 1,
        data=case_form(title="Stale"),
    )
    refused(
        ValidationError,
        incident,
        services.incident_update_draft,
        actor=p[R.LOCAL_MANAGER],
        incident_id=incident.pk,
        expected_version=incident.version,
        data=case_form(title="Future", incident_date=timezone.localdate() + timedelta(days=3)),
    )
    incident.refresh_from_db()
    assert incident.title == "A new title"

    submitted = incident_at(org, Stage.WITH_AD)
    refused(
        WrongStage,
        submitted,
        services.incident_update_draft,
        actor=p[R.LOCAL_MANAGER],
        incident_id=submitted.pk,
        expected_version=submitted.version,
        data=case_form(title="Too late"),
    )


def test_submit_moves_to_the_ad_gives_a_reference_and_asks_the_ad(org, p):
    second_ad = person(R.ASSISTANT_DIRECTOR, place=org.area)
    incident = incident_at(org, Stage.DRAFT)
    watch = Step_(incident)
    services.incident_submit(actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version)
    watch.check(Step.SUBMIT, Stage.WITH_AD, from_stage=Stage.DRAFT)
    assert incident.reference == f"SIN-{timezone.localdate().year}-0001"
    assert incident.submitted_at is not None and incident.notified_at is None
    assert watch.notes() == watch.notes(Notification.Reason.ACT) == {p[R.ASSISTANT_DIRECTOR], second_ad}

    refused(
        WrongStage,
        incident,
        services.incident_submit,
        actor=p[R.LOCAL_MANAGER],
        incident_id=incident.pk,
        expected_version=incident.version,
    )


def test_submit_refused_to_anyone_but_the_author(org, p):
    incident = incident_at(org, Stage.DRAFT)
    for actor in (p[R.ASSISTANT_DIRECTOR], p[R.OPERATIONAL_DIRECTOR], p[R.CEO], org.other[R.LOCAL_MANAGER]):
        refused(
            NotAllowed,
            incident,
            services.incident_submit,
            actor=actor,
            incident_id=incident.pk,
            expected_version=incident.version,
        )
    refused(
        StaleRecord,
        incident,
        services.incident_submit,
        actor=p[R.LOCAL_MANAGER],
        incident_id=incident.pk,
        expected_version=incident.version + 1,
    )


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
    error = refused(
        ValidationError,
        incident,
        services.incident_submit,
        actor=p[R.LOCAL_MANAGER],
        incident_id=incident.pk,
        expected_version=incident.version,
    )
    assert field in error.message_dict
    assert incident.reference is None


def test_other_with_a_description_may_be_submitted(org, p):
    incident = services.incident_create(
        actor=p[R.LOCAL_MANAGER], team=org.team, data=case_form(criteria=["other"], other_description="Something else")
    )
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
    services.incident_submit(
        actor=p[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version, answer="The child is A, 4."
    )
    watch.check(Step.RESUBMIT, Stage.WITH_AD, from_stage=Stage.RETURNED)
    assert incident.reference == reference
    assert incident_at(org, Stage.WITH_AD).reference.endswith("-0002")


def test_whole_case_walk_one_event_and_one_audit_per_step(org, p):
    incident = incident_at(org, Stage.CLOSED, final_decision=Decision.SHARE_CHAIR)
    steps = list(incident.events.order_by("pk").values_list("step", flat=True))
    assert steps == [
        Step.CREATE,
        Step.SUBMIT,
        Step.AD_ANALYSE,
        Step.OD_SIGN_OFF,
        Step.CR1_SUBMIT,
        Step.CR1_SIGN_OFF,
        Step.CEO_FINAL_DECISION,
        Step.CLOSE,
    ]
    actions = list(
        AuditEvent.objects.filter(object_type="incidents.incident", object_id=str(incident.pk)).values_list("action", flat=True)
    )
    assert actions == [f"incident.{s}" for s in steps]
    stages = list(incident.events.order_by("pk").values_list("from_stage", "to_stage"))
    assert stages == [
        ("", Stage.DRAFT),
        (Stage.DRAFT, Stage.WITH_AD),
        (Stage.WITH_AD, Stage.WITH_OD),
        (Stage.WITH_OD, Stage.CASE_REVIEW),
        (Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF),
        (Stage.CR1_SIGN_OFF, Stage.FINAL_DECISION),
        (Stage.FINAL_DECISION, Stage.ACTIONS),
        (Stage.ACTIONS, Stage.CLOSED),
    ]
    assert incident.version == len(steps)
    assert Briefing.objects.get().audience == Audience.CHAIR
