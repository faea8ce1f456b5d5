"""Kinds, stages, steps and decisions of a serious incident notification (SIN).

The wording of criteria lives in incidents.criteria (source 2.1 and 2.11).
"""

from django.db import models


class Kind(models.TextChoices):
    CASE = "case", "Case-related"
    NON_CASE = "non_case", "Non-case"


class Stage(models.TextChoices):
    DRAFT = "draft", "Draft"
    RETURNED = "returned", "Returned to the author"
    WITH_AD = "with_ad", "Awaiting Assistant Director analysis"
    WITH_OD = "with_od", "Awaiting Operational Director sign-off"
    NOT_NOTIFIABLE = "not_notifiable", "Does not meet the criteria"
    CASE_REVIEW = "case_review", "Case review (CR1) in progress"
    CR1_SIGN_OFF = "cr1_sign_off", "Case review awaiting sign-off"
    FINAL_DECISION = "final_decision", "Awaiting the CEO's final decision"
    NOTIFIED = "notified", "Notified to CMT: awaiting the CEO's decision"
    ACTIONS = "actions", "Actions under way"
    CLOSED = "closed", "Closed"


# Stages after Core CMT has been told: CMT and the CEO read the whole record from here.
NOTIFIED_STAGES = frozenset(
    {Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF, Stage.FINAL_DECISION, Stage.NOTIFIED, Stage.ACTIONS, Stage.CLOSED}
)
# Stages an author may still change the form in.
EDITABLE_STAGES = frozenset({Stage.DRAFT, Stage.RETURNED})


class Step(models.TextChoices):
    """Every step a record's timeline can show, one per service function."""

    CREATE = "create", "Draft started"
    SUBMIT = "submit", "Submitted to the Assistant Director"
    RESUBMIT = "resubmit", "Questions answered and resubmitted to the Assistant Director"
    SUBMIT_NON_CASE = "submit_non_case", "Submitted and Core CMT alerted"
    AD_ANALYSE = "ad_analyse", "Assistant Director analysis and proposal"
    AD_RETURN = "ad_return", "Returned to the author with questions"
    OD_SIGN_OFF = "od_sign_off", "Signed off by the Operational Director: Core CMT alerted, case review commissioned"
    OD_RETURN = "od_return", "Returned to the Assistant Director"
    OD_NOT_NOTIFIABLE = "od_not_notifiable", "Recorded as not meeting the criteria"
    CEO_DECISION = "ceo_decision", "CEO decision"
    CR1_SUBMIT = "cr1_submit", "Case review (CR1) submitted for sign-off"
    CR1_RETURN = "cr1_return", "Case review (CR1) returned to the reviewer"
    CR1_SIGN_OFF = "cr1_sign_off", "Case review (CR1) signed off and sent to Core CMT"
    CEO_FINAL_DECISION = "ceo_final_decision", "CEO final comments and decision"
    ACTION_ADD = "action_add", "Action added"
    ACTION_UPDATE = "action_update", "Action updated"
    LEARNING_RECORD = "learning_record", "Learning identified recorded"
    CLOSE = "close", "Closed"


class Proposal(models.TextChoices):
    """The Assistant Director's proposal (source 2.2): "whether the incident meets the specified
    criteria to share with CMT". A SIN that meets any criterion is alerted to Core CMT (2.1), so
    there is no "meets, but CMT need not see it"; the Operational Director decides (2.3):
    docs/decisions/0014-ad-proposal.md."""

    MEETS_SHARE = "meets_share", "Meets the criteria: share with Core CMT"
    DOES_NOT_MEET = "does_not_meet", "Does not meet the criteria"


class Decision(models.TextChoices):
    """What the CEO decides about onward sharing (source 2.4 and 2.6)."""

    SHARE_BOARD = "share_board", "Share with the Board"
    SHARE_CHAIR = "share_chair", "Share with the Chair only"
    NO_ONWARD = "no_onward", "No onward sharing"
    FURTHER_ACTION = "further_action", "Request further action from the local team"
    AWAIT_REVIEW = "await_review", "Await the case review (CR1) before deciding"


INITIAL_DECISIONS = [
    Decision.SHARE_BOARD,
    Decision.SHARE_CHAIR,
    Decision.NO_ONWARD,
    Decision.FURTHER_ACTION,
    Decision.AWAIT_REVIEW,
]
FINAL_DECISIONS = [Decision.SHARE_BOARD, Decision.SHARE_CHAIR, Decision.NO_ONWARD]
SHARING_DECISIONS = frozenset({Decision.SHARE_BOARD, Decision.SHARE_CHAIR})


class Audience(models.TextChoices):
    BOARD = "board", "The Board"
    CHAIR = "chair", "The Chair only"


# An action's statuses belong to the actions app; SIN code reads them from here too.
from actions.choices import FINISHED_ACTION_STATUSES, ActionStatus  # noqa: E402, F401


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Being written"
    SUBMITTED = "submitted", "Submitted for sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
