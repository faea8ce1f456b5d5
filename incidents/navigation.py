"""The incidents entries of the navigation, by role."""

from organisation.choices import Role


def incident_navigation(access) -> list[tuple[str, str]]:
    items = []
    readers = (
        access.team_ids
        or access.service_area_ids
        or access.region_ids
        or access.function_ids
        or access.has(Role.CMT_MEMBER, Role.CEO, Role.NIS_REVIEWER)
    )
    if readers:
        items.append(("Incidents", "incidents:list"))
    if access.team_ids or access.service_area_ids or access.function_ids:
        items.append(("Report an incident", "incidents:create"))
    if access.team_ids or access.service_area_ids or access.function_ids or access.has(Role.NIS_REVIEWER):
        items.append(("Word forms", "documents:index"))
    if access.has(Role.BOARD_MEMBER, Role.CHAIR):
        items.append(("Briefings", "incidents:briefings"))
    return items
