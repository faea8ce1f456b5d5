"""What the apps above core add to every page and to the home page.

core sits at the bottom of the house and imports none of the apps built on it:
`settings.SERVICE_FEATURES` names, for each thing a page collects, the short
explicit list of functions that provide it, in the order they are shown.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _providers(name: str) -> tuple:
    return tuple(import_string(path) for path in settings.SERVICE_FEATURES.get(name, ()))


def navigation_items(access) -> list[tuple[str, str]]:
    """(text, URL name) of each entry the person's roles show, app by app."""
    return [item for provider in _providers("navigation") for item in provider(access)]


def home_sections(user) -> list[dict]:
    """Each app's sections of the home page: {"title", "headings", "rows", "empty"}."""
    return [section for provider in _providers("home_sections") for section in provider(user)]


def unread_count(user) -> int:
    return sum(provider(user) for provider in _providers("unread_count"))
