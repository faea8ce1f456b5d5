from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Serious incidents"

    def ready(self) -> None:
        # Registers the named permissions with the `rules` backend.
        from . import permissions  # noqa: F401
