"""Who may do what in the Learning Portal (source 2.7, 3.1-3.6). Who reads an item is not here but in
learning.selectors.learning_items_visible_to; each rule below applies only to an item the person reads."""

import rules

from organisation.choices import Role
from organisation.selectors import access_for

from .choices import ItemStatus

# Who records learning from a source other than a SIN (B-E of 4.1): NIS reviewers (case reviews,
# judgments, media), the leads, and the ADs and Heads of Profession who answer for it (3.6).
RECORDERS = (Role.NIS_REVIEWER, Role.LEARNING_LEAD, Role.POLICY_LEAD, Role.ASSISTANT_DIRECTOR, Role.HEAD_OF_PROFESSION)


@rules.predicate
def records_learning(user) -> bool:
    return access_for(user).has(*RECORDERS)


@rules.predicate
def is_author(user, item) -> bool:
    return item is not None and item.author_id == user.pk


@rules.predicate
def is_responsible(user, item) -> bool:
    return item is not None and item.responsible_id == user.pk


@rules.predicate
def is_lead(user) -> bool:
    return access_for(user).has(Role.LEARNING_LEAD, Role.POLICY_LEAD)


@rules.predicate
def is_open(user, item) -> bool:
    return item is not None and item.status != ItemStatus.CLOSED


@rules.predicate
def is_draft(user, item) -> bool:
    return item is not None and item.status == ItemStatus.DRAFT


@rules.predicate
def carries_learning(user, incident) -> bool:
    """2.7: the Assistant Director of the SIN's service area (the Head of Profession of its function)
    takes its learning forward through the Learning Portal."""
    if incident is None:
        return False
    access = access_for(user)
    return (incident.service_area_id in access.service_area_ids and access.has(Role.ASSISTANT_DIRECTOR)) or (
        incident.function_id in access.function_ids and access.has(Role.HEAD_OF_PROFESSION)
    )


rules.add_perm("learning.create_item", records_learning)
rules.add_perm("learning.edit_item", is_open & (is_author | is_responsible | is_lead))
rules.add_perm("learning.publish_item", is_draft & (is_author | is_responsible | is_lead))
# 3.2-3.5: "Further actions may be added by the responsible person".
rules.add_perm("learning.add_action", is_open & ~is_draft & is_responsible)
rules.add_perm("learning.close_item", is_open & ~is_draft & is_responsible)
rules.add_perm("learning.carry_incident", carries_learning)
from . import permissions_cascade  # noqa: E402,F401  (the cascade and checks rules, 3.5-3.6)
