"""What the actions app asks of a learning item whose action it handles (settings.ACTION_SUBJECTS["learning_item"]).

The person responsible for the item (the Operational AD or Corporate Head of Profession, 3.6) answers
for its actions besides their owners; a closed item's actions no longer change; each change goes into
the item's timeline, and the last action done moves the item to "actions done".
"""

from django.db.models import Q
from django.urls import reverse

from .selectors import learning_items_visible_to


def visible(user) -> Q:
    return Q(learning_item__in=learning_items_visible_to(user))


def reads_subject(user, action) -> bool:
    return learning_items_visible_to(user).filter(pk=action.learning_item_id).exists()


def subject_link(action) -> tuple[str, str]:
    item = action.learning_item
    return reverse("learning:detail", args=[item.pk]) + "#actions", f"{item.reference}: {item.title}"


def is_accountable(user, action) -> bool:
    return action.learning_item.responsible_id == user.pk


def locked(action) -> str:
    if action.learning_item.is_closed:
        return "The learning item is closed: its actions can no longer change."
    return ""


def recorded(*, actor, action, text: str) -> None:
    from .services.items import learning_item_action_recorded

    learning_item_action_recorded(actor=actor, action=action, text=text)


def escalation_recipients(action) -> list:
    """The person responsible for the item; the leads when nobody is (yet)."""
    from organisation.choices import Role
    from organisation.selectors import people_with_role

    item = action.learning_item
    if item.responsible_id and item.responsible_id != action.owner_id and item.responsible.is_active:
        return [item.responsible]
    return list(people_with_role(Role.LEARNING_LEAD).exclude(pk=action.owner_id)[:5])


def reference(action) -> str:
    return action.learning_item.reference


def open_subjects() -> Q:
    return Q(learning_item__isnull=False) & ~Q(learning_item__status="closed")
