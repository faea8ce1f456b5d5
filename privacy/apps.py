from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """UK GDPR duties over the whole service: retention and purge, subject access, re-encryption after a key rotation.

    At the top of the house beside demo: it reads and removes the records of every app below it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Privacy and retention"
