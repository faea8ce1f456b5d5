"""Who may change an action (2.7): its owner, and whoever its subject makes accountable for it
(the AD or Head of Profession of a SIN's place; the person responsible for a learning item)."""

import rules

from .subjects import subject_module


@rules.predicate
def is_action_owner(user, action) -> bool:
    return action is not None and action.owner_id == user.pk


@rules.predicate
def is_accountable_for_action(user, action) -> bool:
    return action is not None and subject_module(action).is_accountable(user, action)


rules.add_perm("actions.update", is_action_owner | is_accountable_for_action)
