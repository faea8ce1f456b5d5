"""Reads of actions. An action is visible with its subject, and always to its owner.

An owner may be someone who does not read the subject (a Learning and
Development or Policy lead owning a SIN's action): they still see and update
their own action, and nothing of the record it belongs to.
"""

from django.db.models import Q, QuerySet

from .choices import FINISHED_ACTION_STATUSES
from .models import Action
from .subjects import visible


def actions_visible_to(user) -> QuerySet[Action]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Action.objects.none()
    return Action.objects.filter(visible(user) | Q(owner=user))


def actions_awaiting(user) -> QuerySet[Action]:
    """The person's own unfinished actions, soonest due first."""
    return (
        actions_visible_to(user)
        .filter(owner=user)
        .exclude(status__in=FINISHED_ACTION_STATUSES)
        .select_related("incident", "incident__team", "incident__function", "incident__service_area")
        .order_by("due_date", "id")
    )
