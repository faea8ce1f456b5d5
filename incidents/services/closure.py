"""A SIN's actions, its learning and its closure (2.7); views of the record for the audit trail."""

from django.db import transaction
from django.utils import timezone

from actions.services import RequestedAction
from audit.services import audit_record
from core.exceptions import WrongStage

from ..choices import (
    FINISHED_ACTION_STATUSES,
    ActionStatus,
    Stage,
    Step,
)
from ..models import (
    Action,
    Incident,
)
from ..workflow import ACTION_STAGES
from ._common import (
    _create_action,
    _lock,
    _move,
    _open_step,
    _require,
    _required_text,
)

# --- actions and closure (2.7) -------------------------------------------------------


def action_add(*, actor, incident_id: int, expected_version: int, action: RequestedAction) -> Action:
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.add_action", incident, "Only the CEO, or the AD or OD of this incident, can add an action.")
        if incident.stage not in ACTION_STAGES:
            raise WrongStage("Actions can be added once CMT has been alerted and until the incident is closed.")
        created = _create_action(incident, actor=actor, action=action)
        incident.version += 1
        incident.save(update_fields=["version", "updated_at"])
        audit_record(actor=actor, action="incident.action_add", obj=incident, changes={"action": created.pk})
        return created


def incident_record_learning(*, actor, incident_id: int, expected_version: int, learning: str) -> Incident:
    """Record the learning identified, so that it can be carried into the Learning Portal (2.7, 3.2)."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(
            actor,
            "incidents.record_learning",
            incident,
            "Only the AD, OD, Head of Profession or reviewer can record the learning.",
        )
        if incident.stage not in ACTION_STAGES:
            raise WrongStage("Learning can be recorded once CMT has been alerted and until the incident is closed.")
        incident.learning_identified = _required_text(learning, "learning", "Enter the learning identified")
        _move(incident, actor=actor, step=Step.LEARNING_RECORD, to_stage=None, text=incident.learning_identified)
        return incident


def closure_blockers(incident: Incident) -> list[str]:
    """What stops closure (2.7). Reads `incident.decisions` and `incident.actions` through
    .all(), so a page that prefetched them pays no query; the locked close step reads them fresh."""
    reasons = []
    if not any(decision.is_final for decision in incident.decisions.all()):
        reasons.append("The CEO's final decision has not been recorded.")
    unfinished = sum(1 for action in incident.actions.all() if action.status not in FINISHED_ACTION_STATUSES)
    if unfinished:
        reasons.append(f"{unfinished} action(s) are neither done nor carried into the Learning Portal.")
    carried = any(action.status == ActionStatus.CARRIED for action in incident.actions.all())
    # 2.7, 3.2: what is carried goes into a learning item (the Learning Portal's, by the reverse relation).
    if carried and not incident.learning_items.exists():
        reasons.append("Carry the learning into the Learning Portal: an action is carried there, and the learning goes with it.")
    return reasons


def incident_close(*, actor, incident_id: int, expected_version: int) -> Incident:
    """Close once the final decision is recorded and every action is done or carried (2.7)."""
    with transaction.atomic():
        incident = _open_step(
            Step.CLOSE,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only the Assistant Director (or Head of Profession) accountable can close it.",
        )
        blockers = closure_blockers(incident)
        if blockers:
            raise WrongStage(" ".join(blockers))
        incident.closed_at = timezone.now()
        _move(incident, actor=actor, step=Step.CLOSE, to_stage=Stage.CLOSED)
        incident.stage_due = None
        incident.save(update_fields=["stage_due"])
        return incident


def incident_viewed(*, actor, incident: Incident) -> None:
    """Viewing a sensitive record is in the audit trail too."""
    with transaction.atomic():
        audit_record(actor=actor, action="incident.view", obj=incident)
