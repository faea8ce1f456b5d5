"""The workflow as data: which step moves a SIN from which stage to which, and who takes it.

One row per step; the services in incidents.services enforce it, and the
detail page reads it to offer each person only the steps they may take.
Section numbers are those of the process document.
"""

from dataclasses import dataclass

from .choices import Kind, Stage, Step


@dataclass(frozen=True)
class Transition:
    step: Step
    kind: Kind
    from_stages: frozenset[Stage]
    to_stage: Stage | None  # None: the stage does not change
    who: str
    requires: str
    source: str


TRANSITIONS: dict[Step, Transition] = {
    t.step: t
    for t in [
        Transition(Step.SUBMIT, Kind.CASE, frozenset({Stage.DRAFT, Stage.RETURNED}), Stage.WITH_AD,
                   "the author (local manager or AD of the team)", "criteria; 'Other' described; dates; what happened", "2.2"),
        Transition(Step.AD_ANALYSE, Kind.CASE, frozenset({Stage.WITH_AD}), Stage.WITH_OD,
                   "the AD of the team's service area, not the author", "analysis and proposal", "2.2"),
        Transition(Step.AD_RETURN, Kind.CASE, frozenset({Stage.WITH_AD}), Stage.RETURNED,
                   "the AD of the team's service area, not the author", "the questions for the author", "2.2"),
        Transition(Step.OD_SIGN_OFF, Kind.CASE, frozenset({Stage.WITH_OD}), Stage.CASE_REVIEW,
                   "the OD of the region, not the author", "a comment (optional); alerts Core CMT and commissions the CR1", "2.3"),
        Transition(Step.OD_RETURN, Kind.CASE, frozenset({Stage.WITH_OD}), Stage.WITH_AD,
                   "the OD of the region", "what the AD should look at again", "2.3"),
        Transition(Step.OD_NOT_NOTIFIABLE, Kind.CASE, frozenset({Stage.WITH_OD}), Stage.NOT_NOTIFIABLE,
                   "the OD of the region", "the rationale", "2.3"),
        Transition(Step.CEO_DECISION, Kind.CASE, frozenset({Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF}), None,
                   "the CEO", "decision and rationale; a briefing when sharing; an action when asking for further action", "2.4"),
        Transition(Step.CR1_SUBMIT, Kind.CASE, frozenset({Stage.CASE_REVIEW}), Stage.CR1_SIGN_OFF,
                   "an NIS reviewer", "every CR1 section", "2.3"),
        Transition(Step.CR1_RETURN, Kind.CASE, frozenset({Stage.CR1_SIGN_OFF}), Stage.CASE_REVIEW,
                   "the Operational Service Director, not the reviewer", "what needs changing", "2.5"),
        Transition(Step.CR1_SIGN_OFF, Kind.CASE, frozenset({Stage.CR1_SIGN_OFF}), Stage.FINAL_DECISION,
                   "the Operational Service Director, not the reviewer", "sends the CR1 to Core CMT", "2.5"),
        Transition(Step.CEO_FINAL_DECISION, Kind.CASE, frozenset({Stage.FINAL_DECISION}), Stage.ACTIONS,
                   "the CEO", "final comments, decision and rationale", "2.6"),
        Transition(Step.CLOSE, Kind.CASE, frozenset({Stage.ACTIONS}), Stage.CLOSED,
                   "the AD of the service area", "every action done or carried into the Learning Portal", "2.7"),
    ]
}
# The non-case rows of steps shared with case-related SINs.
NON_CASE_TRANSITIONS: dict[Step, Transition] = {
    Step.SUBMIT_NON_CASE: Transition(Step.SUBMIT_NON_CASE, Kind.NON_CASE, frozenset({Stage.DRAFT}), Stage.NOTIFIED,
                                     "the author (AD or Head of Profession)", "category; what happened", "2.10"),
    Step.CEO_FINAL_DECISION: Transition(Step.CEO_FINAL_DECISION, Kind.NON_CASE, frozenset({Stage.NOTIFIED}), Stage.ACTIONS,
                                        "the CEO", "decision and rationale", "2.9"),
    Step.CLOSE: Transition(Step.CLOSE, Kind.NON_CASE, frozenset({Stage.ACTIONS}), Stage.CLOSED,
                           "the AD or Head of Profession of the area", "every action done or carried", "2.9"),
}

# Steps that may be taken at any stage from alerting on, without moving it.
ACTION_STAGES = frozenset({Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF, Stage.FINAL_DECISION, Stage.NOTIFIED, Stage.ACTIONS})


def transition_for(kind: str, step: Step) -> Transition | None:
    if kind == Kind.NON_CASE:
        return NON_CASE_TRANSITIONS.get(step)
    return TRANSITIONS.get(step)


NEXT_STEP_LABELS = {
    Stage.DRAFT: "Complete and submit the SIN form",
    Stage.RETURNED: "Answer the questions and resubmit",
    Stage.WITH_AD: "Add the Assistant Director's analysis and proposal",
    Stage.WITH_OD: "Operational Director sign-off",
    Stage.CASE_REVIEW: "Write the case review (CR1)",
    Stage.CR1_SIGN_OFF: "Sign off the case review (CR1)",
    Stage.FINAL_DECISION: "CEO's final comments and decision",
    Stage.NOTIFIED: "CEO's decision on sharing",
    Stage.ACTIONS: "Complete the actions and close",
    Stage.NOT_NOTIFIABLE: "Nothing: recorded as not meeting the criteria",
    Stage.CLOSED: "Nothing: closed",
}


def next_step_label(incident) -> str:
    return NEXT_STEP_LABELS[Stage(incident.stage)]
