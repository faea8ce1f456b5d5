"""Who may approve a role that reads incidents (issue 15.8): named predicates (the `rules` package).

Called directly by `organisation.services`; not registered with `rules.add_perm`, so that the
answer never depends on which modules happen to be loaded.
"""

import rules

from .choices import Role
from .selectors import access_for


@rules.predicate
def is_administrator(user) -> bool:
    """Someone who administers roles in the admin."""
    return bool(user.is_active and user.is_staff and user.has_perm("organisation.change_roleassignment"))


@rules.predicate
def is_ceo(user) -> bool:
    return access_for(user).has(Role.CEO)


@rules.predicate
def gave_the_role(user, assignment) -> bool:
    return assignment.granted_by_id is not None and assignment.granted_by_id == user.pk


@rules.predicate
def holds_the_role(user, assignment) -> bool:
    return assignment.user_id == user.pk


# Two people, always: nobody approves a role they gave, nor one given to themselves.
may_approve_role = (is_administrator | is_ceo) & ~gave_the_role & ~holds_the_role
