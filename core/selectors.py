"""What the home page lists: the work that awaits this person, from each app (core.features)."""

from .features import home_sections

__all__ = ["home_sections"]
