"""The actions whose due dates the reminder job watches (alerts.reminders): owners are reminded,
and an overdue action is escalated to whoever its subject makes accountable."""

from alerts.reminders import DueItem

from .choices import FINISHED_ACTION_STATUSES
from .models import Action
from .subjects import open_subjects, subject_module


def due_items(horizon):
    actions = (
        Action.objects.exclude(status__in=FINISHED_ACTION_STATUSES)
        .filter(open_subjects(), due_date__lte=horizon)
        .select_related("incident", "owner")
    )
    for action in actions:
        yield DueItem(
            subject=action,
            stage="action",
            due=action.due_date,
            to_act=lambda action=action: [action.owner],
            escalate_to=lambda action=action: subject_module(action).escalation_recipients(action),
            what="an action",
            detail=action.description,
        )
