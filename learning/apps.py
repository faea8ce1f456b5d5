from django.apps import AppConfig


class LearningConfig(AppConfig):
    """The Learning Portal (source section 3): learning from every source, its actions, its ladder."""

    name = "learning"
    verbose_name = "Learning Portal"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (the rules register as the module loads)
