"""Every step's alerts, by email through a real SMTP server (aiosmtpd): exactly the right people, no one else.

The people each step must reach come from the process (source 2.2-2.10) and
DESIGN.md ("CMT alerts at the initial stage and after the review; a copy to the
serious incident mailbox; in-app notifications for whoever must act next";
Board members read what is shared with the Board, the Chair also "Chair only"),
not from the code. Each case walks an incident to the stage before the step,
delivers what came before, then takes ONE step through incidents.services and
compares the addresses the SMTP server received with the expected set. The
people of the other region and function (org.other) and a person with no role
are present in every case and must receive nothing.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from alerts.models import AlertConfiguration, EmailDelivery
from alerts.reminders import reminders_send
from core.working_days import add_working_days
from incidents import services
from incidents.choices import ActionStatus, Decision, Kind, Proposal, Stage
from incidents.models import Action, CaseReview, Incident
from incidents.tests.factories import CR1_VALUES, incident_at, non_case_form, requested_action
from organisation.choices import Role
from organisation.tests.factories import person

from .conftest import run_worker

pytestmark = pytest.mark.django_db

MAILBOX = "serious incident mailbox"
AUTHOR = "the incident's author"
R = Role
CORE_CMT_ALERT = (R.CMT_MEMBER, R.CEO, MAILBOX)


# --- taking a step as the right person --------------------------------------------------------


def _fresh(incident):
    return Incident.objects.get(pk=incident.pk)


def _as(org, role):
    return org.people[role]


def _submit(org, incident, extra):
    answer = "The court is Newcastle." if incident.stage == Stage.RETURNED else None
    services.incident_submit(actor=incident.author, incident_id=incident.pk, expected_version=incident.version, answer=answer)


def _ad_return(org, incident, extra):
    services.incident_ad_return(
        actor=_as(org, R.ASSISTANT_DIRECTOR), incident_id=incident.pk, expected_version=incident.version, questions="Which child?"
    )


def _ad_analyse(org, incident, extra):
    services.incident_ad_analyse(
        actor=_as(org, R.ASSISTANT_DIRECTOR),
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="Analysis.",
        proposal=Proposal.MEETS_SHARE,
    )


def _od_return(org, incident, extra):
    services.incident_od_return(
        actor=_as(org, R.OPERATIONAL_DIRECTOR), incident_id=incident.pk, expected_version=incident.version, reason="Look again."
    )


def _od_not_notifiable(org, incident, extra):
    services.incident_od_not_notifiable(
        actor=_as(org, R.OPERATIONAL_DIRECTOR),
        incident_id=incident.pk,
        expected_version=incident.version,
        rationale="Does not meet the criteria.",
    )


def _od_sign_off(org, incident, extra):
    services.incident_od_sign_off(
        actor=_as(org, R.OPERATIONAL_DIRECTOR), incident_id=incident.pk, expected_version=incident.version
    )


def _briefing(decision):
    sharing = decision in (Decision.SHARE_BOARD, Decision.SHARE_CHAIR)
    return {"briefing_title": "Briefing" if sharing else "", "briefing_text": "Briefing text." if sharing else ""}


def _ceo_decide(decision, action_owner=None):
    def take(org, incident, extra):
        action = requested_action(_as(org, action_owner)) if action_owner else None
        services.incident_ceo_decide(
            actor=_as(org, R.CEO),
            incident_id=incident.pk,
            expected_version=incident.version,
            decision=decision,
            rationale="Rationale.",
            action=action,
            **_briefing(decision),
        )

    return take


def _ceo_final(decision, action_owner=None):
    def take(org, incident, extra):
        action = requested_action(_as(org, action_owner)) if action_owner else None
        services.incident_ceo_final_decide(
            actor=_as(org, R.CEO),
            incident_id=incident.pk,
            expected_version=incident.version,
            decision=decision,
            rationale="Rationale.",
            comments="Final comments.",
            action=action,
            **_briefing(decision),
        )

    return take


def _cr1_submit(org, incident, extra):
    services.case_review_save(
        actor=_as(org, R.NIS_REVIEWER),
        incident_id=incident.pk,
        expected_version=incident.version,
        values=dict(CR1_VALUES),
        submit=True,
    )


def _cr1_return(org, incident, extra):
    services.case_review_return(
        actor=_as(org, R.OPERATIONAL_DIRECTOR),
        incident_id=incident.pk,
        expected_version=incident.version,
        reason="Expand the chronology.",
    )


def _cr1_sign_off(org, incident, extra):
    services.case_review_sign_off(
        actor=_as(org, R.OPERATIONAL_DIRECTOR), incident_id=incident.pk, expected_version=incident.version
    )


def _action_add(by, owner):
    def take(org, incident, extra):
        services.action_add(
            actor=_as(org, by),
            incident_id=incident.pk,
            expected_version=incident.version,
            action=requested_action(_as(org, owner)),
        )

    return take


def _intake(routed_to):
    def take(org, incident, extra):
        from intake.models import SourceSystem
        from intake.services import intake_receive

        place = {"function": org.function} if routed_to == R.HEAD_OF_PROFESSION else {"service_area": org.area}
        source = SourceSystem.objects.create(name="Health and Safety reporting", author=_as(org, routed_to), **place)
        intake_receive(
            source=source,
            category="health_safety",
            source_reference="HS-2026-0001",
            values={
                "title": "Fire at the Leeds office",
                "what_happened": "A fire.",
                "incident_date": date(2026, 1, 5),
                "aware_date": date(2026, 1, 6),
                "immediate_actions": "Staff moved.",
            },
        )

    return take


# --- setting a case up ----------------------------------------------------------------------


def _non_case_for_function(org, stage):
    """A non-case SIN of the Health and Safety function, written by its Head of Profession (2.10)."""
    hop = _as(org, R.HEAD_OF_PROFESSION)
    incident = services.incident_create(actor=hop, kind=Kind.NON_CASE, function=org.function, data=non_case_form())
    if stage == Stage.NOTIFIED:
        services.incident_submit(actor=hop, incident_id=incident.pk, expected_version=_fresh(incident).version)
    return incident


def _second_nis_reviewer(org, incident):
    """Another NIS reviewer, who did not write this CR1."""
    return {"second reviewer": person(R.NIS_REVIEWER, username="second_nis")}


def _named_signatory(org, incident):
    """An administrator named another Operational Service Director for this CR1 (2.5)."""
    named = person(R.OPERATIONAL_DIRECTOR, username="named_osd")
    CaseReview.objects.filter(incident=incident).update(sign_off_by=named)
    return {"named signatory": named}


@dataclass
class Case:
    id: str
    stage: Stage | None  # None: no incident before the step
    take: Callable
    expected: tuple  # roles of org.people, MAILBOX, AUTHOR, or a key of what `prepare` returns
    kind: str = Kind.CASE
    setup: Callable | None = None  # (org, stage) -> incident, instead of incident_at
    prepare: Callable | None = None  # (org, incident) -> {key: person}, before the step


CASES = [
    # Case-related (2.2-2.7)
    Case("submit: to the AD (2.2)", Stage.DRAFT, _submit, (R.ASSISTANT_DIRECTOR,)),
    Case("resubmit after a return: to the AD", Stage.RETURNED, _submit, (R.ASSISTANT_DIRECTOR,)),
    Case("AD returns it: to the author", Stage.WITH_AD, _ad_return, (AUTHOR,)),
    Case("AD analysis: to the OD for sign-off (2.2, 2.3)", Stage.WITH_AD, _ad_analyse, (R.OPERATIONAL_DIRECTOR,)),
    Case("OD returns it: to the AD", Stage.WITH_OD, _od_return, (R.ASSISTANT_DIRECTOR,)),
    Case(
        "OD: does not meet the criteria: the author and the AD told",
        Stage.WITH_OD,
        _od_not_notifiable,
        (AUTHOR, R.ASSISTANT_DIRECTOR),
    ),
    Case(
        "OD sign-off: Core CMT, CEO, mailbox, and NIS commissioned (2.1, 2.3)",
        Stage.WITH_OD,
        _od_sign_off,
        (*CORE_CMT_ALERT, R.NIS_REVIEWER),
    ),
    Case(
        "CEO decision: share with the Board: Board members and the Chair (2.4)",
        Stage.CASE_REVIEW,
        _ceo_decide(Decision.SHARE_BOARD),
        (R.BOARD_MEMBER, R.CHAIR),
    ),
    Case("CEO decision: Chair only: the Chair (2.4)", Stage.CASE_REVIEW, _ceo_decide(Decision.SHARE_CHAIR), (R.CHAIR,)),
    Case(
        "CEO decision: further action: the action's owner (2.4)",
        Stage.CASE_REVIEW,
        _ceo_decide(Decision.FURTHER_ACTION, action_owner=R.LOCAL_MANAGER),
        (R.LOCAL_MANAGER,),
    ),
    Case(
        "CEO decision awaiting the CR1: the Board after the CR1 stage",
        Stage.CR1_SIGN_OFF,
        _ceo_decide(Decision.SHARE_BOARD),
        (R.BOARD_MEMBER, R.CHAIR),
    ),
    Case("CR1 submitted: to the OD of the region for sign-off (2.5)", Stage.CASE_REVIEW, _cr1_submit, (R.OPERATIONAL_DIRECTOR,)),
    Case(
        "CR1 submitted: to the Operational Service Director an administrator named, not the OD",
        Stage.CASE_REVIEW,
        _cr1_submit,
        ("named signatory",),
        prepare=_named_signatory,
    ),
    Case(
        "CR1 returned: to the reviewer who wrote it, not every reviewer",
        Stage.CR1_SIGN_OFF,
        _cr1_return,
        (R.NIS_REVIEWER,),
        prepare=_second_nis_reviewer,
    ),
    Case(
        "CR1 sign-off: the second Core CMT alert, CEO and mailbox (2.1, 2.5)", Stage.CR1_SIGN_OFF, _cr1_sign_off, CORE_CMT_ALERT
    ),
    Case(
        "CEO final: share with the Board: Board, Chair, and the AD who sees actions through (2.6, 2.7)",
        Stage.FINAL_DECISION,
        _ceo_final(Decision.SHARE_BOARD),
        (R.BOARD_MEMBER, R.CHAIR, R.ASSISTANT_DIRECTOR),
    ),
    Case(
        "CEO final: Chair only: the Chair and the AD (2.6, 2.7)",
        Stage.FINAL_DECISION,
        _ceo_final(Decision.SHARE_CHAIR),
        (R.CHAIR, R.ASSISTANT_DIRECTOR),
    ),
    Case(
        "CEO final: no onward sharing: the AD (2.7)",
        Stage.FINAL_DECISION,
        _ceo_final(Decision.NO_ONWARD),
        (R.ASSISTANT_DIRECTOR,),
    ),
    Case(
        "CEO final with an action: the AD and the action's owner (2.6, 2.7)",
        Stage.FINAL_DECISION,
        _ceo_final(Decision.NO_ONWARD, action_owner=R.LEARNING_LEAD),
        (R.ASSISTANT_DIRECTOR, R.LEARNING_LEAD),
    ),
    Case(
        "action added by the AD: its owner", Stage.ACTIONS, _action_add(R.ASSISTANT_DIRECTOR, R.LOCAL_MANAGER), (R.LOCAL_MANAGER,)
    ),
    Case(
        "action added by the OD: its owner",
        Stage.ACTIONS,
        _action_add(R.OPERATIONAL_DIRECTOR, R.LEARNING_LEAD),
        (R.LEARNING_LEAD,),
    ),
    Case(
        "action added by the CEO before the CR1: its owner",
        Stage.CASE_REVIEW,
        _action_add(R.CEO, R.LOCAL_MANAGER),
        (R.LOCAL_MANAGER,),
    ),
    # Non-case (2.9-2.11)
    Case(
        "non-case submit by the AD: Core CMT at once, CEO, mailbox (2.9)",
        Stage.DRAFT,
        _submit,
        CORE_CMT_ALERT,
        kind=Kind.NON_CASE,
    ),
    Case(
        "non-case submit by a Head of Profession: Core CMT at once, CEO, mailbox (2.10)",
        Stage.DRAFT,
        _submit,
        CORE_CMT_ALERT,
        kind=Kind.NON_CASE,
        setup=_non_case_for_function,
    ),
    Case(
        "non-case CEO decision, share with the Board: Board, Chair, the AD",
        Stage.NOTIFIED,
        _ceo_final(Decision.SHARE_BOARD),
        (R.BOARD_MEMBER, R.CHAIR, R.ASSISTANT_DIRECTOR),
        kind=Kind.NON_CASE,
    ),
    Case(
        "non-case CEO decision, function: the Head of Profession",
        Stage.NOTIFIED,
        _ceo_final(Decision.NO_ONWARD),
        (R.HEAD_OF_PROFESSION,),
        kind=Kind.NON_CASE,
        setup=_non_case_for_function,
    ),
    Case(
        "intake push routed to a Head of Profession: they complete it (2.10)",
        None,
        _intake(R.HEAD_OF_PROFESSION),
        (R.HEAD_OF_PROFESSION,),
    ),
    Case("intake push routed to an AD: they complete it (2.10)", None, _intake(R.ASSISTANT_DIRECTOR), (R.ASSISTANT_DIRECTOR,)),
]


def _deliver_and_forget(smtp):
    """Deliver whatever earlier steps queued, then forget it, so only the next step's emails count."""
    run_worker()
    smtp.messages.clear()
    EmailDelivery.objects.all().delete()


def _addresses(org, incident, expected, extra):
    addresses = []
    for who in expected:
        if who == MAILBOX:
            addresses.append(AlertConfiguration.current().mailbox)
        elif who == AUTHOR:
            addresses.append(incident.author.email)
        elif who in extra:
            addresses.append(extra[who].email)
        else:
            addresses.append(org.people[who].email)
    return addresses


def _bystanders(org):
    return {p.email for p in org.other.values()} | {org.nobody.email}


def _assert_exactly(smtp, expected, org):
    received = smtp.recipients()
    assert Counter(received) == Counter(expected), f"expected {sorted(expected)}, received {received}"
    assert not set(received) & _bystanders(org)
    assert set(EmailDelivery.objects.values_list("status", flat=True)) <= {EmailDelivery.Status.SENT}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_step_emails_exactly_the_people_the_process_names(org, smtp, case):
    incident = None
    if case.stage is not None:
        incident = case.setup(org, case.stage) if case.setup else incident_at(org, case.stage, kind=case.kind)
        incident = _fresh(incident)
    extra = case.prepare(org, incident) if case.prepare else {}
    _deliver_and_forget(smtp)

    case.take(org, _fresh(incident) if incident else None, extra)
    run_worker()

    if incident is None:
        incident = Incident.objects.get()
    _assert_exactly(smtp, _addresses(org, incident, case.expected, extra), org)


def _update_action(org, incident):
    action = Action.objects.get(incident=incident)
    services.action_update(
        actor=_as(org, R.LOCAL_MANAGER),
        action_id=action.pk,
        expected_version=action.version,
        status=ActionStatus.DONE,
        evidence="Evidence.",
    )


def _record_learning(org, incident):
    services.incident_record_learning(
        actor=_as(org, R.ASSISTANT_DIRECTOR), incident_id=incident.pk, expected_version=incident.version, learning="Learning."
    )


def _close(org, incident):
    services.incident_close(actor=_as(org, R.ASSISTANT_DIRECTOR), incident_id=incident.pk, expected_version=incident.version)


def _no_onward(org, incident):
    _ceo_decide(Decision.NO_ONWARD)(org, incident, {})


def _await_review(org, incident):
    _ceo_decide(Decision.AWAIT_REVIEW)(org, incident, {})


QUIET = [
    ("CEO decision: no onward sharing", Stage.CASE_REVIEW, _no_onward),
    ("CEO decision: await the case review", Stage.CASE_REVIEW, _await_review),
    ("action updated by its owner", Stage.ACTIONS, _update_action),
    ("learning recorded", Stage.ACTIONS, _record_learning),
    ("incident closed", Stage.ACTIONS, _close),
]


@pytest.mark.parametrize(("stage", "take"), [(s, t) for _, s, t in QUIET], ids=[i for i, _, _ in QUIET])
def test_a_step_that_alerts_nobody_sends_no_email(org, smtp, stage, take):
    """Nobody has to act on these, and the process shares nothing onward: no email to anyone."""
    incident = incident_at(org, stage)
    if take is _update_action:
        services.action_add(
            actor=_as(org, R.ASSISTANT_DIRECTOR),
            incident_id=incident.pk,
            expected_version=_fresh(incident).version,
            action=requested_action(_as(org, R.LOCAL_MANAGER)),
        )
    _deliver_and_forget(smtp)
    take(org, _fresh(incident))
    run_worker()
    assert smtp.messages == []


# --- reminders and escalation, by email -----------------------------------------------------

TODAY = date(2026, 12, 1)  # a Tuesday


def _due(incident, due):
    Incident.objects.filter(pk=incident.pk).update(stage_due=due)


def _run_reminders_twice(smtp, today):
    """The job runs; its emails are delivered; it runs again: nothing more may arrive."""
    reminders_send(today=today)
    run_worker()
    first = len(smtp.messages)
    reminders_send(today=today)
    run_worker()
    assert len(smtp.messages) == first, "a second run of the reminders sent a second email"
    return first


def test_a_reminder_reaches_by_email_only_the_person_who_must_act_and_only_once(org, smtp):
    incident = incident_at(org, Stage.WITH_AD)
    _due(incident, add_working_days(TODAY, 1))
    _deliver_and_forget(smtp)
    assert _run_reminders_twice(smtp, TODAY) == 1
    _assert_exactly(smtp, [_as(org, R.ASSISTANT_DIRECTOR).email], org)
    assert incident.reference in smtp.messages[0]["message"]["Subject"]


def test_an_escalation_reaches_by_email_only_the_next_level_up_and_only_once(org, smtp):
    incident = incident_at(org, Stage.WITH_AD)
    _due(incident, date(2026, 11, 27))  # overdue: the AD has not acted; the OD of the region hears of it
    _deliver_and_forget(smtp)
    assert _run_reminders_twice(smtp, TODAY) == 1
    _assert_exactly(smtp, [_as(org, R.OPERATIONAL_DIRECTOR).email], org)


def test_an_action_reminder_reaches_its_owner_and_an_overdue_action_the_accountable_ad_each_once(org, smtp):
    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(
        actor=_as(org, R.ASSISTANT_DIRECTOR),
        incident_id=incident.pk,
        expected_version=_fresh(incident).version,
        action=requested_action(_as(org, R.LEARNING_LEAD)),
    )
    _due(incident, None)
    Action.objects.filter(pk=action.pk).update(due_date=TODAY)
    _deliver_and_forget(smtp)
    assert _run_reminders_twice(smtp, TODAY) == 1
    _assert_exactly(smtp, [_as(org, R.LEARNING_LEAD).email], org)
    smtp.messages.clear()
    assert _run_reminders_twice(smtp, add_working_days(TODAY, 1)) == 1
    _assert_exactly(smtp, [_as(org, R.ASSISTANT_DIRECTOR).email], org)
