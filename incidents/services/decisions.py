"""The CEO's decisions and the briefings they share with the Board or the Chair (2.4, 2.6; non-case 2.9)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from actions.services import RequestedAction, action_errors
from alerts.models import Notification
from alerts.services import notify
from audit.services import audit_record
from organisation.choices import Role
from organisation.selectors import people_with_role

from ..choices import (
    FINAL_DECISIONS,
    INITIAL_DECISIONS,
    SHARING_DECISIONS,
    Audience,
    Decision,
    Stage,
    Step,
)
from ..models import (
    Briefing,
    CeoDecision,
)
from ._common import (
    _assistant_directors,
    _create_action,
    _move,
    _open_step,
)

# --- CEO (2.4, 2.6) ------------------------------------------------------------


def _record_decision(incident, *, actor, decision, rationale, comments, is_final, briefing_title, briefing_text, action):
    # Every problem at once, so that the person puts all of them right in one go.
    errors = {}
    rationale = (rationale or "").strip()
    if not rationale:
        errors["rationale"] = "Enter the rationale for the decision"
    allowed = FINAL_DECISIONS if is_final else INITIAL_DECISIONS
    if decision not in [d.value for d in allowed]:
        errors["decision"] = "Select a decision"
    if decision in SHARING_DECISIONS:
        briefing_title, briefing_text = (briefing_title or "").strip(), (briefing_text or "").strip()
        if not briefing_title:
            errors["briefing_title"] = "Enter a title for the briefing"
        if not briefing_text:
            errors["briefing_text"] = "Enter the briefing to share"
    if decision == Decision.FURTHER_ACTION and action is None:
        errors["action_description"] = "Enter the further action requested from the local team"
    if action is not None:
        errors = {**action_errors(action), **errors}
    if errors:
        raise ValidationError(errors)
    record = CeoDecision.objects.create(
        incident=incident,
        decided_by=actor,
        is_final=is_final,
        decision=decision,
        rationale=rationale,
        comments=(comments or "").strip(),
    )
    if decision in SHARING_DECISIONS:
        briefing = Briefing.objects.create(
            incident=incident,
            decision=record,
            audience=Audience.BOARD if decision == Decision.SHARE_BOARD else Audience.CHAIR,
            title=briefing_title,
            text=briefing_text,
        )
        audience_role = Role.BOARD_MEMBER if decision == Decision.SHARE_BOARD else Role.CHAIR
        recipients = list(people_with_role(Role.CHAIR))
        if audience_role == Role.BOARD_MEMBER:
            recipients += list(people_with_role(Role.BOARD_MEMBER))
        # The email carries the reference and a link only: a briefing's title may describe the family.
        notify(
            recipients=recipients,
            subject=incident,
            reason=Notification.Reason.BRIEFING,
            message=f"The CEO has shared a briefing with you: {briefing_title}",
            link=briefing.get_absolute_url(),
            email_message="The Chief Executive has shared a briefing with you. Sign in to read it.",
        )
    if action is not None:
        _create_action(incident, actor=actor, action=action)
    return record


def incident_ceo_decide(
    *,
    actor,
    incident_id: int,
    expected_version: int,
    decision: str,
    rationale: str,
    briefing_title: str = "",
    briefing_text: str = "",
    action: RequestedAction | None = None,
) -> CeoDecision:
    """A CEO decision after sign-off, before the final one; may be recorded more than once (2.4)."""
    with transaction.atomic():
        incident = _open_step(
            Step.CEO_DECISION,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only the CEO can record this decision.",
        )
        if decision != Decision.FURTHER_ACTION:
            action = None
        record = _record_decision(
            incident,
            actor=actor,
            decision=decision,
            rationale=rationale,
            comments="",
            is_final=False,
            briefing_title=briefing_title,
            briefing_text=briefing_text,
            action=action,
        )
        _move(
            incident,
            actor=actor,
            step=Step.CEO_DECISION,
            to_stage=None,
            text=f"{record.get_decision_display()}: {record.rationale}",
            changes={"decision": decision},
        )
        return record


def incident_ceo_final_decide(
    *,
    actor,
    incident_id: int,
    expected_version: int,
    decision: str,
    rationale: str,
    comments: str = "",
    briefing_title: str = "",
    briefing_text: str = "",
    action: RequestedAction | None = None,
) -> CeoDecision:
    """The CEO's final comments, actions and decision to share (2.6; for non-case SINs, 2.9)."""
    with transaction.atomic():
        incident = _open_step(
            Step.CEO_FINAL_DECISION,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only the CEO can record this decision.",
        )
        record = _record_decision(
            incident,
            actor=actor,
            decision=decision,
            rationale=rationale,
            comments=comments,
            is_final=True,
            briefing_title=briefing_title,
            briefing_text=briefing_text,
            action=action,
        )
        _move(
            incident,
            actor=actor,
            step=Step.CEO_FINAL_DECISION,
            to_stage=Stage.ACTIONS,
            text=f"{record.get_decision_display()}: {record.rationale}" + (f"\n\n{record.comments}" if record.comments else ""),
            changes={"decision": decision},
        )
        accountable = (
            _assistant_directors(incident)
            if incident.service_area_id
            else people_with_role(Role.HEAD_OF_PROFESSION, function=incident.function_id)
        )
        notify(
            recipients=accountable,
            subject=incident,
            reason=Notification.Reason.ACT,
            message="The CEO's final decision is recorded: see the actions through and close the incident.",
            exclude=actor,
        )
        return record


def briefing_viewed(*, actor, briefing) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="briefing.view", obj=briefing)
