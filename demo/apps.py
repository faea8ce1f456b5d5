from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation: at the top of the house, it may use every app below it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo organisation"
