"""Who may take the cascade (3.5) and embedding (3.6) steps: one named predicate per action (`rules`).

- the cascade decision: the owner of the item's cascade action (the L&D lead, 3.5);
- the OMT and the all user alerts: a Learning and Development lead;
- a service area's SAM: its Assistant Director; a team's meeting: its manager;
- a check in practice: the Operational AD or Corporate Head of Profession of the area checked (3.6);
- reviews of progress: the person responsible for the item, or the AD / HoP of its area.
Each predicate answers for the person and the record; whether the record is in a state that
allows the step is the service's question.
"""

import rules

from actions.choices import ActionKind
from organisation.choices import Role
from organisation.models import CorporateFunction, ServiceArea, Team
from organisation.selectors import access_for


@rules.predicate
def owns_cascade_action(user, item) -> bool:
    return item is not None and item.actions.filter(kind=ActionKind.CASCADE, owner_id=user.pk).exists()


@rules.predicate
def is_learning_lead(user) -> bool:
    return access_for(user).has(Role.LEARNING_LEAD)


@rules.predicate
def is_ad_of_service_area(user, area) -> bool:
    return isinstance(area, ServiceArea) and area.pk in access_for(user).service_area_ids


@rules.predicate
def is_manager_of_team(user, team) -> bool:
    return isinstance(team, Team) and team.pk in access_for(user).team_ids


@rules.predicate
def is_responsible_for_area(user, area) -> bool:
    """The Operational AD of a service area, or the Corporate Head of Profession of a function (3.6)."""
    access = access_for(user)
    if isinstance(area, ServiceArea):
        return area.pk in access.service_area_ids
    if isinstance(area, CorporateFunction):
        return area.pk in access.function_ids
    return False


@rules.predicate
def answers_for_item(user, item) -> bool:
    """The person responsible for the item, or the AD / HoP of its area (3.6)."""
    if item is None:
        return False
    access = access_for(user)
    return (
        item.responsible_id == user.pk
        or item.service_area_id in access.service_area_ids
        or item.function_id in access.function_ids
    )


@rules.predicate
def checks_somewhere(user) -> bool:
    access = access_for(user)
    return bool(access.service_area_ids or access.function_ids)


rules.add_perm("learning.decide_cascade", owns_cascade_action)
rules.add_perm("learning.record_omt", is_learning_lead)
rules.add_perm("learning.send_staff_alert", is_learning_lead)
rules.add_perm("learning.see_acknowledgements", is_learning_lead | answers_for_item)
rules.add_perm("learning.record_sam", is_ad_of_service_area)
rules.add_perm("learning.confirm_team_meeting", is_manager_of_team)
rules.add_perm("learning.record_check", is_responsible_for_area)
rules.add_perm("learning.record_checks", checks_somewhere)
rules.add_perm("learning.review_progress", answers_for_item)
