"""Random walks through the services by random people, checking the rules that must always hold.

A hypothesis state machine creates one or two incidents and takes random
steps on them as random people of the organisation (mostly the right
person, sometimes anyone, sometimes with a stale version or an incomplete
form). After every step it checks:

- no stage is skipped: every timeline event is a transition of
  incidents.workflow (or leaves the stage as it was, for the steps that do
  not move it), and each event starts where the one before it ended;
- a closed incident has a final CEO decision and every action done or carried,
  and the learning recorded when an action is carried
  (a directed rule adds an open action at the actions stage and tries to close:
  with the closure check removed from the service, this test fails);
- Board members and the Chair see no incident, and only briefings of sharing
  decisions meant for them;
- exactly one audit event per successful step;
- a refused step changes nothing.

The organisation is built once per test; each example runs inside a savepoint
of the django_db test and is rolled back at teardown, so every example starts
with no incident.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from alerts.models import Notification
from audit.models import AuditEvent
from core.exceptions import BusinessRuleError
from incidents import services
from incidents.choices import (
    FINISHED_ACTION_STATUSES,
    SHARING_DECISIONS,
    ActionStatus,
    Audience,
    Decision,
    Kind,
    Proposal,
    Stage,
    Step,
)
from incidents.models import Action, Briefing, CeoDecision, Incident, IncidentEvent
from incidents.selectors import briefings_visible_to, incidents_visible_to
from incidents.steps import step_run
from incidents.tests.factories import CR1_VALUES, case_form, non_case_form
from incidents.workflow import transition_for, transitions_from
from organisation.choices import Role as R
from organisation.tests.factories import Org, person

pytestmark = pytest.mark.django_db

AUDITED_PREFIXES = ("incident.", "case_review.", "action.")
# Steps whose event leaves the stage where it was.
NON_MOVING_STEPS = {Step.CEO_DECISION, Step.ACTION_ADD, Step.ACTION_UPDATE, Step.LEARNING_RECORD}

# Who normally takes each step: the key into Machine.actors.
RIGHT_PERSON = {
    "update_draft": "author",
    "submit": "author",
    "ad_analyse": "ad",
    "ad_return": "ad",
    "od_sign_off": "od",
    "od_return": "od",
    "od_not_notifiable": "od",
    "ceo_decide": "ceo",
    "ceo_final": "ceo",
    "cr1_save": "nis",
    "cr1_submit": "nis",
    "cr1_return": "od",
    "cr1_sign_off": "od",
    "action_add": "ad",
    "action_update": "owner",
    "learning": "ad",
    "close": "author_ad",
}
STEPS = sorted(RIGHT_PERSON)
# The steps that fit each stage, the usual one first and repeated so that walks go forward.
FITTING_STEPS = {
    Stage.DRAFT: ["submit", "submit", "update_draft"],
    Stage.RETURNED: ["update_draft", "submit", "submit"],
    Stage.WITH_AD: ["ad_analyse", "ad_analyse", "ad_analyse", "ad_return"],
    Stage.WITH_OD: ["od_sign_off", "od_sign_off", "od_sign_off", "od_sign_off", "od_return", "od_not_notifiable"],
    Stage.NOT_NOTIFIABLE: [],
    Stage.CASE_REVIEW: ["cr1_submit", "cr1_submit", "cr1_save", "ceo_decide", "ceo_decide", "action_add", "learning"],
    Stage.CR1_SIGN_OFF: ["cr1_sign_off", "cr1_sign_off", "cr1_sign_off", "cr1_return", "ceo_decide"],
    Stage.FINAL_DECISION: ["ceo_final"],
    Stage.NOTIFIED: ["ceo_final"],
    Stage.ACTIONS: ["close", "close", "action_add", "action_update", "learning"],
    Stage.CLOSED: ["close"],
}
ACTOR_KEYS = [
    "lm",
    "ad",
    "ad2",
    "od",
    "od2",
    "hop",
    "nis",
    "cmt",
    "ceo",
    "board",
    "chair",
    "admin",
    "learning",
    "pqc",
    "other_lm",
    "other_ad",
    "other_od",
    "other_hop",
    "nobody",
]
VARIANTS = ["ok", "ok", "ok", "ok", "stale", "bad_form"]


def audited_count() -> int:
    return sum(AuditEvent.objects.filter(action__startswith=prefix).count() for prefix in AUDITED_PREFIXES)


class SinMachine(RuleBasedStateMachine):
    org = None  # set by the test: one organisation for every example
    extra = None

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        p, o = self.org.people, self.org.other
        self.actors = {
            "lm": p[R.LOCAL_MANAGER],
            "ad": p[R.ASSISTANT_DIRECTOR],
            "od": p[R.OPERATIONAL_DIRECTOR],
            "ad2": self.extra["ad2"],
            "od2": self.extra["od2"],
            "hop": p[R.HEAD_OF_PROFESSION],
            "nis": p[R.NIS_REVIEWER],
            "cmt": p[R.CMT_MEMBER],
            "ceo": p[R.CEO],
            "board": p[R.BOARD_MEMBER],
            "chair": p[R.CHAIR],
            "admin": p[R.ADMINISTRATOR],
            "learning": p[R.LEARNING_LEAD],
            "pqc": p[R.PQC_MEMBER],
            "other_lm": o[R.LOCAL_MANAGER],
            "other_ad": o[R.ASSISTANT_DIRECTOR],
            "other_od": o[R.OPERATIONAL_DIRECTOR],
            "other_hop": o[R.HEAD_OF_PROFESSION],
            "nobody": self.org.nobody,
        }
        self.incident_ids: list[int] = []
        self.successes = 0
        self.audited_at_start = audited_count()
        self.refusals = 0

    def teardown(self):
        stages = sorted(Incident.objects.filter(pk__in=self.incident_ids).values_list("stage", flat=True))
        event(f"stages at the end: {stages}")
        event(f"refused steps: {min(self.refusals // 10 * 10, 30)}+")
        transaction.savepoint_rollback(self.savepoint)

    # --- helpers -------------------------------------------------------------------

    def _state(self, incident_id):
        incident = Incident.objects.get(pk=incident_id)
        return (
            incident.stage,
            incident.version,
            incident.reference,
            IncidentEvent.objects.count(),
            AuditEvent.objects.count(),
            Notification.objects.count(),
            CeoDecision.objects.count(),
            Briefing.objects.count(),
            tuple(Action.objects.order_by("pk").values_list("pk", "status", "version")),
        )

    def _actor(self, key, incident, step):
        if key != "right":
            return self.actors[key]
        role = RIGHT_PERSON[step]
        if role == "author":
            return incident.author
        if role == "author_ad":
            return self.actors["hop"] if incident.function_id else self.actors["ad"]
        if role == "ad" and incident.author_id == self.actors["ad"].pk:
            return self.actors["ad2"]
        if role == "owner":
            return None  # chosen per action
        return self.actors[role]

    def _run(self, incident_id, call):
        """Run one step; a refusal must leave everything as it was; a success writes one audit event."""
        before = self._state(incident_id)
        audited_before = audited_count()
        try:
            call()
        except (BusinessRuleError, ValidationError):
            self.refusals += 1
            assert self._state(incident_id) == before, "a refused step changed the record"
            return False
        self.successes += 1
        after = Incident.objects.get(pk=incident_id)
        assert after.version == before[1] + 1, "a successful step moves the version on by exactly one"
        assert audited_count() == audited_before + 1, "a successful step writes exactly one audit event"
        return True

    # --- rules ------------------------------------------------------------------------

    @precondition(lambda self: len(self.incident_ids) < 2)
    @rule(
        kind=st.sampled_from([Kind.CASE, Kind.CASE, Kind.NON_CASE]),
        author=st.sampled_from(["lm", "ad", "hop", "other_lm", "cmt"]),
        complete=st.booleans(),
    )
    def create(self, kind, author, complete):
        actor = self.actors[author]
        org = self.org
        audited_before = audited_count()
        try:
            if kind == Kind.CASE:
                data = case_form() if complete else case_form(title="", criteria=["other"])
                incident = services.incident_create(actor=actor, kind=kind, team=org.team, data=data)
            else:
                data = non_case_form() if complete else non_case_form(criteria=[])
                place = {"function": org.function} if author == "hop" else {"service_area": org.area}
                incident = services.incident_create(actor=actor, kind=kind, data=data, **place)
        except (BusinessRuleError, ValidationError):
            assert audited_count() == audited_before
            return
        self.successes += 1
        assert incident.version == 1 and incident.stage == Stage.DRAFT
        self.incident_ids.append(incident.pk)

    @precondition(lambda self: self.incident_ids)
    @rule(
        which=st.integers(0, 1),
        step=st.sampled_from(STEPS),
        actor=st.sampled_from(["right"] * 6 + ACTOR_KEYS),
        variant=st.sampled_from(VARIANTS),
        decision=st.sampled_from(list(Decision)),
        status=st.sampled_from(list(ActionStatus)),
    )
    def take_step(self, which, step, actor, variant, decision, status):
        """Any step, by anyone (most often the right person), sometimes stale or with a bad form."""
        self._step(which, step, actor, variant, decision, status)

    @precondition(lambda self: self.incident_ids)
    @rule(
        which=st.integers(0, 1),
        choice=st.integers(0, 11),
        decision=st.sampled_from(list(Decision)),
        status=st.sampled_from(list(ActionStatus)),
        variant=st.sampled_from(VARIANTS),
    )
    def advance(self, which, choice, decision, status, variant):
        """A step that fits the stage, by the right person (sometimes stale or with a bad form), so that walks go on."""
        incident = Incident.objects.get(pk=self.incident_ids[which % len(self.incident_ids)])
        options = FITTING_STEPS[Stage(incident.stage)]
        if options:
            self._step(which, options[choice % len(options)], "right", variant, decision, status)

    def _step(self, which, step, actor, variant, decision, status):
        incident = Incident.objects.get(pk=self.incident_ids[which % len(self.incident_ids)])
        person_ = self._actor(actor, incident, step)
        version = incident.version - 1 if variant == "stale" else incident.version
        bad = variant == "bad_form"
        base = dict(incident_id=incident.pk, expected_version=version)
        owner = self.actors["learning"]
        due = timezone.localdate() + (timedelta(days=-1) if bad else timedelta(days=10))
        sharing = decision in SHARING_DECISIONS

        if step == "action_update":
            action = incident.actions.order_by("pk").first()
            if action is None:
                return
            person_ = person_ or action.owner
            expected = action.version + (1 if variant == "stale" else 0)
            evidence = "" if bad else "Evidence"
            self._run(
                incident.pk,
                lambda: services.action_update(
                    actor=person_, action_id=action.pk, expected_version=expected, status=status, evidence=evidence
                ),
            )
            return
        person_ = person_ or self.actors["ad"]
        # The steps of the table of steps are taken as the pages and the API take them (incidents.steps).
        data = {
            "text": "" if bad else "Text",
            "analysis": "" if bad else "Analysis",
            "proposal": Proposal.MEETS_SHARE,
            "decision": decision,
            "rationale": "" if bad else "Rationale",
            "answer": "" if bad else "Answer",
            "briefing_title": "Title" if sharing else "",
            "briefing_text": "Text" if sharing else "",
        }
        if step == "ceo_decide":
            data.update(action_description="Do this", action_owner=owner, action_due_date=due)

        def table_step(name):
            row = transition_for(incident.kind, Step(name))
            if row is None or (name == Step.SUBMIT and incident.stage == Stage.RETURNED):
                # Not a step of this kind, or a returned SIN's resubmission: the row of its stage, else the case row.
                row = next(
                    (r for r in transitions_from(incident) if r.service == "incident_submit" and name == Step.SUBMIT), None
                )
                row = row or transition_for(Kind.CASE, Step(name)) or transition_for(Kind.NON_CASE, Step(name))
            return lambda: step_run(row, actor=person_, incident=incident, version=version, data=data)

        calls = {
            "update_draft": lambda: services.incident_update_draft(
                actor=person_,
                data=(case_form if incident.kind == Kind.CASE else non_case_form)(
                    **({"incident_date": timezone.localdate() + timedelta(days=1)} if bad else {})
                ),
                **base,
            ),
            "submit": table_step(Step.SUBMIT),
            "ad_analyse": table_step(Step.AD_ANALYSE),
            "ad_return": table_step(Step.AD_RETURN),
            "od_sign_off": table_step(Step.OD_SIGN_OFF),
            "od_return": table_step(Step.OD_RETURN),
            "od_not_notifiable": table_step(Step.OD_NOT_NOTIFIABLE),
            "ceo_decide": table_step(Step.CEO_DECISION),
            "ceo_final": table_step(Step.CEO_FINAL_DECISION),
            "cr1_save": lambda: services.case_review_save(actor=person_, values={"summary": "Draft"}, submit=False, **base),
            "cr1_submit": lambda: services.case_review_save(
                actor=person_, values={} if bad else dict(CR1_VALUES), submit=True, **base
            ),
            "cr1_return": table_step(Step.CR1_RETURN),
            "cr1_sign_off": table_step(Step.CR1_SIGN_OFF),
            "action_add": lambda: services.action_add(
                actor=person_, action=services.RequestedAction("Do that", owner, due), **base
            ),
            "learning": table_step(Step.LEARNING_RECORD),
            "close": table_step(Step.CLOSE),
        }
        succeeded = self._run(incident.pk, calls[step])
        if variant == "stale":
            assert not succeeded, "a step sent against an old version must be refused"

    @precondition(lambda self: self.incident_ids)
    @rule(which=st.integers(0, 1))
    def finish_actions(self, which):
        """Let the owner finish every open action (so closure becomes reachable)."""
        incident_id = self.incident_ids[which % len(self.incident_ids)]
        for action in Action.objects.filter(incident_id=incident_id).exclude(status__in=FINISHED_ACTION_STATUSES):
            self._run(
                incident_id,
                lambda action=action: services.action_update(
                    actor=action.owner,
                    action_id=action.pk,
                    expected_version=action.version,
                    status=ActionStatus.DONE,
                    evidence="Done",
                ),
            )

    @precondition(lambda self: Incident.objects.filter(pk__in=self.incident_ids, stage=Stage.ACTIONS).exists())
    @rule(which=st.integers(0, 1))
    def close_while_an_action_is_open(self, which):
        """At the actions stage, a new open action must stop closure (2.7): random walks reach this too rarely."""
        at_actions = list(Incident.objects.filter(pk__in=self.incident_ids, stage=Stage.ACTIONS).order_by("pk"))
        incident = at_actions[which % len(at_actions)]
        accountable = self._actor("right", incident, "close")
        added = self._run(
            incident.pk,
            lambda: services.action_add(
                actor=accountable,
                incident_id=incident.pk,
                expected_version=incident.version,
                action=services.RequestedAction("Still to do", self.actors["learning"], timezone.localdate() + timedelta(days=5)),
            ),
        )
        assert added, "the accountable AD or Head of Profession adds an action at the actions stage"
        incident.refresh_from_db()
        closed = self._run(
            incident.pk,
            lambda: services.incident_close(actor=accountable, incident_id=incident.pk, expected_version=incident.version),
        )
        assert not closed, "an incident closed with an open action"

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def no_stage_is_skipped(self):
        for incident in Incident.objects.filter(pk__in=self.incident_ids):
            events = list(incident.events.order_by("pk"))
            assert events[0].step == Step.CREATE and (events[0].from_stage, events[0].to_stage) == ("", Stage.DRAFT)
            current = Stage.DRAFT
            for event in events[1:]:  # noqa: F402 (hypothesis's event() is not used here)
                assert event.from_stage == current, f"{event.step} starts at {event.from_stage}, not at {current}"
                if event.step in NON_MOVING_STEPS:
                    assert event.to_stage == event.from_stage, f"{event.step} moved the stage"
                else:
                    transition = transition_for(incident.kind, Step(event.step))
                    assert transition is not None, f"{event.step} is no step of a {incident.kind} SIN"
                    assert event.from_stage in transition.from_stages, f"{event.step} taken at {event.from_stage}"
                    assert event.to_stage == transition.to_stage, f"{event.step} went to {event.to_stage}"
                current = event.to_stage
            assert incident.stage == current

    @invariant()
    def closed_means_final_decision_and_actions_finished(self):
        for incident in Incident.objects.filter(pk__in=self.incident_ids, stage=Stage.CLOSED):
            assert incident.decisions.filter(is_final=True).exists()
            assert not incident.actions.exclude(status__in=FINISHED_ACTION_STATUSES).exists()
            if incident.actions.filter(status=ActionStatus.CARRIED).exists():
                assert incident.learning_identified, (
                    "closed with an action carried into the Learning Portal but no learning recorded"
                )
            assert incident.closed_at is not None
        for incident in Incident.objects.filter(pk__in=self.incident_ids):
            assert incident.decisions.filter(is_final=True).count() <= 1
            if incident.stage in (Stage.ACTIONS, Stage.CLOSED):
                assert incident.decisions.filter(is_final=True).count() == 1

    @invariant()
    def board_and_chair_see_only_shared_briefings(self):
        board, chair = self.actors["board"], self.actors["chair"]
        assert not incidents_visible_to(board).exists()
        assert not incidents_visible_to(chair).exists()
        for briefing in briefings_visible_to(board):
            assert briefing.audience == Audience.BOARD
            assert briefing.decision.decision == Decision.SHARE_BOARD
        for briefing in briefings_visible_to(chair):
            assert briefing.decision.decision in SHARING_DECISIONS
        assert set(briefings_visible_to(chair)) == set(Briefing.objects.all())
        for record in CeoDecision.objects.all():
            assert hasattr(record, "briefing") == (record.decision in SHARING_DECISIONS)

    @invariant()
    def one_audit_event_per_successful_step(self):
        assert audited_count() - self.audited_at_start == self.successes

    @invariant()
    def only_notified_incidents_reach_cmt(self):
        cmt_sees = set(incidents_visible_to(self.actors["cmt"]).values_list("pk", flat=True))
        for incident in Incident.objects.filter(pk__in=self.incident_ids):
            notified = incident.events.filter(step__in=[Step.OD_SIGN_OFF, Step.SUBMIT_NON_CASE]).exists()
            assert (incident.pk in cmt_sees) == notified


def test_random_walks_keep_the_rules(db):
    SinMachine.org = org = Org()
    SinMachine.extra = {
        "ad2": person(R.ASSISTANT_DIRECTOR, place=org.area, username="second_ad"),
        "od2": person(R.OPERATIONAL_DIRECTOR, place=org.region, username="second_od"),
    }
    run_state_machine_as_test(
        SinMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
