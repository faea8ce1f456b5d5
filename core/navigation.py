"""Navigation by role: each feature adds its entry here, with the role test that shows it."""

from organisation.choices import Role
from organisation.selectors import access_for


def navigation_for(user) -> list[tuple[str, str]]:
    access = access_for(user)
    items = [("Home", "core:home")]
    items.extend(_feature_items(access))
    if access.has(Role.ADMINISTRATOR) or user.is_staff:
        items.append(("Administration", "admin:index"))
    return items


def _feature_items(access):
    # Imported late: the incidents app builds on this one.
    try:
        from incidents.navigation import incident_navigation
    except ImportError:  # pragma: no cover - before the incidents app exists
        return []
    return incident_navigation(access)
