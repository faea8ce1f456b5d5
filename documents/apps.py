from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents: Word and PDF forms, imports and attachments"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
