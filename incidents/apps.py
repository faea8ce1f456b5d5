from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Serious incidents"

    def ready(self) -> None:
        # Registers the named permissions with the `rules` backend: the steps' from the table of steps.
        # permissions_privacy: who may see who has seen a record.
        from . import permissions, permissions_privacy, workflow  # noqa: F401
