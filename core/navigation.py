"""Navigation by role: each app adds its entries (core.features), with the role test that shows them."""

from organisation.choices import Role
from organisation.selectors import access_for

from .features import navigation_items


def navigation_for(user) -> list[tuple[str, str]]:
    access = access_for(user)
    items = [("Home", "core:home")]
    items.extend(navigation_items(access))
    if access.has(Role.ADMINISTRATOR) or user.is_staff:
        items.append(("Administration", "admin:index"))
    return items
