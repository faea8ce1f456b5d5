from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Serious incidents"

    def ready(self) -> None:
        # Registers the named permissions with the `rules` backend: the steps' from the table of steps.
        from . import permissions, workflow  # noqa: F401
