from django.apps import AppConfig


class ActionsConfig(AppConfig):
    """Actions: of a SIN (2.7) or, once the Learning Portal exists, of a learning item (3.2-3.5)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "actions"

    def ready(self) -> None:
        # Registers the named permissions with the `rules` backend.
        from . import permissions  # noqa: F401
