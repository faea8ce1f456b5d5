"""Every change to an action: created with its subject's step, updated by its owner (2.7, 3.2-3.5).

`action_create` runs inside the transaction of the subject's step that asks
for the action (a CEO decision, an AD adding one, a learning item published),
so the action and the owner's alert commit with that step or not at all.
`action_update` is a step of its own: it locks the action, checks the person
and the subject, writes, adds the change to the subject's timeline and the
audit trail.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alerts.models import Notification
from alerts.services import notify
from audit.services import audit_record
from core.exceptions import NotAllowed, StaleRecord, WrongStage

from .choices import FINISHED_ACTION_STATUSES, ActionKind, ActionStatus
from .models import Action
from .subjects import subject_module


@dataclass
class RequestedAction:
    """An action someone asks for: what, who owns it, by when."""

    description: str
    owner: Any
    due_date: date
    kind: str = ActionKind.SIN


def action_errors(action: RequestedAction) -> dict[str, str]:
    """Everything wrong with a requested action, by the field of the form that asks for it."""
    errors = {}
    if not (action.description or "").strip():
        errors["action_description"] = "Enter the action"
    if action.owner is None:
        errors["action_owner"] = "Select who owns the action"
    if action.due_date is None:
        errors["action_due_date"] = "Enter the date the action is due"
    elif action.due_date < timezone.localdate():
        errors["action_due_date"] = "The due date must be today or in the future"
    return errors


def action_create(*, actor, requested: RequestedAction, **subject) -> Action:
    """Create an action of `subject` (e.g. incident=...) and tell its owner. Runs inside the caller's transaction."""
    errors = action_errors(requested)
    if errors:
        raise ValidationError(errors)
    created = Action.objects.create(
        description=requested.description.strip(),
        owner=requested.owner,
        due_date=requested.due_date,
        kind=requested.kind,
        created_by=actor,
        **subject,
    )
    notify(
        recipients=[requested.owner],
        subject=created,
        reason=Notification.Reason.ACT,
        message=f"You own a new action: {created.description[:200]}",
        exclude=actor,
        # The description may name a child: in the service only, never in an email.
        email_message=f"You own a new action, due {created.due_date:%d %B %Y}. Sign in to read it.",
    )
    return created


def action_update(*, actor, action_id: int, expected_version: int, status: str, evidence: str) -> Action:
    """The owner (or whoever is accountable) updates an action and records its evidence (2.7)."""
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action_id)
        if action.version != expected_version:
            raise StaleRecord("Someone else updated this action while you had it open. Your text is kept below.")
        if not rules.has_perm("actions.update", actor, action):
            raise NotAllowed("Only the action's owner or the accountable Assistant Director can update it.")
        subject = subject_module(action)
        locked = subject.locked(action)
        if locked:
            raise WrongStage(locked)
        if status not in ActionStatus.values:
            raise ValidationError({"status": "Select a status"})
        evidence = (evidence or "").strip()
        if status == ActionStatus.DONE and not evidence:
            raise ValidationError({"evidence": "Enter the evidence that the action is done"})
        before = action.status
        action.status = status
        action.evidence = evidence
        action.completed_at = timezone.now() if status in FINISHED_ACTION_STATUSES else None
        action.version += 1
        action.save()
        subject.recorded(
            actor=actor,
            action=action,
            text=f"{action.description[:100]}: {action.get_status_display()}" + (f". Evidence: {evidence}" if evidence else ""),
        )
        audit_record(actor=actor, action="action.update", obj=action, changes={"status": [before, status]})
        return action
