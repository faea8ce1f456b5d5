"""The workflow as data: one row per step, read by everything that needs to know about a step.

Each row says which stages the step is taken from and which it leads to, the
permission rule that says who may take it (the `rules` predicate itself, and
the name it is registered under), who takes it, what the page and its button
say, what the person is told once it is done, how many working days it may
take, which form it is taken with and which service function records it. The
pages (buttons, step pages), the API (one endpoint per step), the home page's
"awaiting" rows, the deadlines and the tests all read this table
(docs/decisions/0018-one-table-of-steps.md). Section numbers are those of the
process document.

Case-related SIN (2.2-2.7); `RETURNED` branches off `WITH_AD`, `NOT_NOTIFIABLE` off `WITH_OD`:

    draft --submit--> with_ad --analyse--> with_od --sign off--> case_review --CR1 submitted--> cr1_sign_off
                      ^  |  ^                 |  |                     ^                            |
          resubmit    |  |  +---- return -----+  +--> not_notifiable   +------ CR1 returned --------+
      returned <------+--+ return                                                                  | CR1 signed off
                                                                                                   v
                                          closed <--close-- actions <--final decision-- final_decision

Non-case SIN (2.9-2.11): draft --submit--> notified --decision--> actions --close--> closed.
"""

from dataclasses import dataclass, field, replace

import rules

from . import permissions as p
from .choices import Kind, Stage, Step

# Steps that may be taken at any stage from alerting on, without moving it.
ACTION_STAGES = frozenset({Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF, Stage.FINAL_DECISION, Stage.NOTIFIED, Stage.ACTIONS})
DECISION_FIELDS = ("decision", "rationale", "briefing_title", "briefing_text")


@dataclass(frozen=True)
class Transition:
    step: Step
    kind: Kind
    from_stages: frozenset
    to_stage: Stage | None  # None: the stage does not change
    perm: str  # the name the rule is registered under, for user.has_perm and templates
    rule: rules.Predicate  # who may take it, for the person and the record (the stage is this row's business)
    who: str  # who takes it, as the record page says it ("{incident.service_area}" is filled in)
    title: str  # the step page's title and the button that leads to it
    done: str  # what the person is told once it is recorded
    service: str  # the function of incidents.services that records it
    # The service's arguments, from the fields of the page's form and the API's request (argument: field).
    args: dict = field(default_factory=dict)
    form: str = "text"  # "text", "analysis", "decision", "confirm"; "own" when it has a page of its own
    text: dict = field(default_factory=dict)  # for a text form: label, submit, required, hint
    takes_action: bool = False  # the form may ask for an action (owner, due date) as well
    # Working days the step may take once the record reaches its stage (None: no deadline of its own).
    # The row with days is the step awaited at its stage: the record page and the home page name it.
    deadline_days: int | None = None
    awaiting: str = ""  # what is awaited at the stage, as a list says it (rows with days only)
    requires: str = ""
    source: str = ""
    api: bool = True  # has an endpoint of its own under /api/incidents/<pk>/steps/<step>/


def _t(step, kind, from_stages, to_stage, perm, rule, **row) -> Transition:
    return Transition(step=step, kind=kind, from_stages=frozenset(from_stages), to_stage=to_stage, perm=perm, rule=rule, **row)


C, N = Kind.CASE, Kind.NON_CASE
TEXT = {"text": "text"}

ROWS: list[Transition] = [
    # --- case-related (2.2-2.7) ---
    _t(
        Step.SUBMIT,
        C,
        {Stage.DRAFT},
        Stage.WITH_AD,
        "incidents.submit",
        p.SUBMIT,
        who="The author",
        title="Submit to the Assistant Director",
        done="The incident has been submitted.",
        service="incident_submit",
        form="own",
        deadline_days=1,
        awaiting="Complete and submit the SIN form",
        requires="criteria; 'Other' described; dates; what happened",
        source="2.2",
    ),
    _t(
        Step.RESUBMIT,
        C,
        {Stage.RETURNED},
        Stage.WITH_AD,
        "incidents.submit",
        p.SUBMIT,
        who="The author",
        title="Answer the questions and resubmit",
        done="Your answer has been sent to the Assistant Director.",
        service="incident_submit",
        args={"answer": "answer"},
        form="own",
        deadline_days=2,
        awaiting="Answer the questions and resubmit",
        requires="the answer to the questions; the form complete",
        source="2.2",
        api=False,
    ),
    _t(
        Step.AD_ANALYSE,
        C,
        {Stage.WITH_AD},
        Stage.WITH_OD,
        "incidents.ad_analyse",
        p.AD_ANALYSE,
        who="The Assistant Director of {incident.service_area}",
        title="Add your analysis and proposal",
        done="Your analysis and proposal have been sent to the Operational Director.",
        service="incident_ad_analyse",
        args={"analysis": "analysis", "proposal": "proposal"},
        form="analysis",
        deadline_days=1,
        awaiting="Add the Assistant Director's analysis and proposal",
        requires="analysis and proposal (the author may analyse their own SIN: decision 0006)",
        source="2.2",
    ),
    _t(
        Step.AD_RETURN,
        C,
        {Stage.WITH_AD},
        Stage.RETURNED,
        "incidents.ad_return",
        p.AD_RETURN,
        who="The Assistant Director of {incident.service_area}, not the author",
        title="Return to the author with questions",
        done="The notification has been returned to its author with your questions.",
        service="incident_ad_return",
        args={"questions": "text"},
        text={"label": "Questions for the author", "submit": "Return to the author"},
        requires="the questions for the author",
        source="2.2",
    ),
    _t(
        Step.OD_SIGN_OFF,
        C,
        {Stage.WITH_OD},
        Stage.CASE_REVIEW,
        "incidents.od_sign_off",
        p.OD_SIGN_OFF,
        who="The Operational Director of {incident.region}",
        title="Sign off and alert Core CMT",
        done="Signed off: Core CMT has been alerted and the case review (CR1) commissioned.",
        service="incident_od_sign_off",
        args={"comment": "text"},
        text={"label": "Comment", "submit": "Sign off and alert Core CMT", "required": False, "hint": "Optional."},
        deadline_days=1,
        awaiting="Operational Director sign-off",
        requires="a comment (optional); alerts Core CMT and commissions the CR1",
        source="2.3",
    ),
    _t(
        Step.OD_RETURN,
        C,
        {Stage.WITH_OD},
        Stage.WITH_AD,
        "incidents.od_return",
        p.OD_RETURN,
        who="The Operational Director of {incident.region}",
        title="Return to the Assistant Director",
        done="The notification has been returned to the Assistant Director.",
        service="incident_od_return",
        args={"reason": "text"},
        text={"label": "What the Assistant Director should look at again", "submit": "Return to the Assistant Director"},
        requires="what the AD should look at again",
        source="2.3",
    ),
    _t(
        Step.OD_NOT_NOTIFIABLE,
        C,
        {Stage.WITH_OD},
        Stage.NOT_NOTIFIABLE,
        "incidents.od_not_notifiable",
        p.OD_NOT_NOTIFIABLE,
        who="The Operational Director of {incident.region}",
        title="Record that it does not meet the criteria",
        done="Recorded as not meeting the criteria. The notification stays on record.",
        service="incident_od_not_notifiable",
        args={"rationale": "text"},
        text={"label": "Rationale", "submit": "Record that it does not meet the criteria"},
        requires="the rationale",
        source="2.3",
    ),
    _t(
        Step.CEO_DECISION,
        C,
        {Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF},
        None,
        "incidents.ceo_decide",
        p.CEO_DECIDE,
        who="The CEO",
        title="Record a decision",
        done="Your decision has been recorded.",
        service="incident_ceo_decide",
        args={name: name for name in DECISION_FIELDS},
        form="decision",
        takes_action=True,
        requires="decision and rationale; a briefing when sharing; an action when asking for further action",
        source="2.4",
    ),
    _t(
        Step.CR1_SUBMIT,
        C,
        {Stage.CASE_REVIEW},
        Stage.CR1_SIGN_OFF,
        "incidents.write_case_review",
        p.WRITE_CASE_REVIEW,
        who="An NIS reviewer",
        title="Write the case review (CR1)",
        done="The case review has been submitted for sign-off.",
        service="case_review_save",
        form="own",
        deadline_days=20,
        awaiting="Write the case review (CR1)",
        requires="every CR1 section",
        source="2.3",
        api=False,
    ),
    _t(
        Step.CR1_RETURN,
        C,
        {Stage.CR1_SIGN_OFF},
        Stage.CASE_REVIEW,
        "incidents.sign_off_case_review",
        p.SIGN_OFF_CASE_REVIEW,
        who="The Operational Service Director, not the reviewer",
        title="Return the case review",
        done="The case review has been returned to the reviewer.",
        service="case_review_return",
        args={"reason": "text"},
        text={"label": "What needs changing", "submit": "Return the case review"},
        requires="what needs changing",
        source="2.5",
    ),
    _t(
        Step.CR1_SIGN_OFF,
        C,
        {Stage.CR1_SIGN_OFF},
        Stage.FINAL_DECISION,
        "incidents.sign_off_case_review",
        p.SIGN_OFF_CASE_REVIEW,
        who="The Operational Service Director",
        title="Sign off the case review and send it to Core CMT",
        done="The case review is signed off and has been sent to Core CMT.",
        service="case_review_sign_off",
        args={"comment": "text"},
        text={"label": "Comment", "submit": "Sign off and send to Core CMT", "required": False, "hint": "Optional."},
        deadline_days=5,
        awaiting="Sign off the case review (CR1)",
        requires="sends the CR1 to Core CMT",
        source="2.5",
    ),
    _t(
        Step.CEO_FINAL_DECISION,
        C,
        {Stage.FINAL_DECISION},
        Stage.ACTIONS,
        "incidents.ceo_decide",
        p.CEO_DECIDE,
        who="The CEO",
        title="Record the final decision",
        done="Your final decision has been recorded.",
        service="incident_ceo_final_decide",
        args={**{name: name for name in DECISION_FIELDS}, "comments": "comments"},
        form="decision",
        takes_action=True,
        deadline_days=5,
        awaiting="CEO's final comments and decision",
        requires="final comments, decision and rationale",
        source="2.6",
    ),
    _t(
        Step.LEARNING_RECORD,
        C,
        ACTION_STAGES,
        None,
        "incidents.record_learning",
        p.RECORD_LEARNING,
        who="The AD, OD, Head of Profession or reviewer",
        title="Record the learning identified",
        done="The learning identified has been recorded.",
        service="incident_record_learning",
        args={"learning": "text"},
        text={"label": "Learning identified", "submit": "Record the learning"},
        requires="the learning identified, to be carried into the Learning Portal",
        source="2.7",
    ),
    _t(
        Step.CLOSE,
        C,
        {Stage.ACTIONS},
        Stage.CLOSED,
        "incidents.close",
        p.CLOSE,
        who="The action owners, then the accountable Assistant Director or Head of Profession",
        title="Close the incident",
        done="The incident is closed.",
        service="incident_close",
        form="confirm",
        deadline_days=60,
        awaiting="Complete the actions and close",
        requires="every action done or carried into the Learning Portal",
        source="2.7",
    ),
    # --- non-case (2.9-2.11) ---
    _t(
        Step.SUBMIT_NON_CASE,
        N,
        {Stage.DRAFT},
        Stage.NOTIFIED,
        "incidents.submit",
        p.SUBMIT,
        who="The author",
        title="Submit and alert Core CMT",
        done="The incident has been submitted.",
        service="incident_submit",
        form="own",
        deadline_days=1,
        awaiting="Complete and submit the SIN form",
        requires="category; what happened",
        source="2.10",
        api=False,
    ),
    _t(
        Step.CEO_FINAL_DECISION,
        N,
        {Stage.NOTIFIED},
        Stage.ACTIONS,
        "incidents.ceo_decide",
        p.CEO_DECIDE,
        who="The CEO",
        title="Record the final decision",
        done="Your final decision has been recorded.",
        service="incident_ceo_final_decide",
        args={**{name: name for name in DECISION_FIELDS}, "comments": "comments"},
        form="decision",
        takes_action=True,
        deadline_days=2,
        awaiting="CEO's decision on sharing",
        requires="decision and rationale",
        source="2.9",
    ),
]
# The non-case SIN records its learning and closes as a case-related one does (2.9).
ROWS += [replace(row, kind=N, source="2.9") for row in ROWS if row.kind == C and row.step in (Step.LEARNING_RECORD, Step.CLOSE)]

TRANSITIONS: dict[tuple[str, Step], Transition] = {(row.kind, row.step): row for row in ROWS}
# The steps with a page of the step form (the others have pages of their own: the SIN form, the CR1).
PAGE_STEPS = frozenset(row.step for row in ROWS if row.form != "own")
# The steps with an endpoint under /api/incidents/<pk>/steps/<step>/ ("submit" takes both a first
# submission and, with `answer`, a resubmission).
API_STEPS = list(dict.fromkeys(row.step.value for row in ROWS if row.api))


def transition_for(kind: str, step: Step) -> Transition | None:
    return TRANSITIONS.get((kind, step))


def transitions_from(incident) -> list[Transition]:
    """The rows of this record's kind that may be taken at its stage now."""
    return [row for row in ROWS if row.kind == incident.kind and incident.stage in row.from_stages]


def awaited(kind: str, stage: str) -> Transition | None:
    """The step awaited at `stage`: the row with the deadline."""
    return next((row for row in ROWS if row.kind == kind and stage in row.from_stages and row.deadline_days), None)


# Working days allowed for the step awaited at each stage, unless an administrator set another
# number (Administration > Deadline settings). The same for both kinds wherever both have the stage.
STAGE_DEADLINE_DAYS: dict[Stage, int] = {
    stage: row.deadline_days for row in ROWS if row.deadline_days for stage in row.from_stages
}

# What the record pages say when nothing more is awaited.
_FINISHED = {
    Stage.NOT_NOTIFIABLE: "Nothing: recorded as not meeting the criteria",
    Stage.CLOSED: "Nothing: closed",
}
NEXT_STEP_LABELS = {
    **{stage: awaited(Kind.CASE, stage).awaiting for stage in Stage if awaited(Kind.CASE, stage)},
    **{
        stage: awaited(Kind.NON_CASE, stage).awaiting
        for stage in Stage
        if awaited(Kind.NON_CASE, stage) and not awaited(Kind.CASE, stage)
    },
    **_FINISHED,
}


def next_step_label(incident) -> str:
    row = awaited(incident.kind, incident.stage)
    return row.awaiting if row else _FINISHED.get(incident.stage, "")


def who_acts(incident) -> str:
    row = awaited(incident.kind, incident.stage)
    return row.who.format(incident=incident) if row else "Nobody"


def _register_rules() -> None:
    """Each row's rule under its name; rows that share a name share the rule."""
    for row in ROWS:
        if rules.perm_exists(row.perm):
            if rules.permissions.permissions[row.perm] is not row.rule:
                raise ValueError(f"Two rules are named {row.perm}")
            continue
        rules.add_perm(row.perm, row.rule)


_register_rules()
