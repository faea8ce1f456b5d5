"""Files kept with a SIN: attachments to the notification or its CR1, and Word forms imported (2.8).

Files are stored under a name the server chooses, never the name they came
with, and are read only through a view that checks visibility.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


def stored_name(instance: "Attachment", filename: str) -> str:
    """A random name, never the one the file came with; the extension follows the type found in the content."""
    today = timezone.localdate()
    return f"sin-files/{today:%Y/%m}/{uuid.uuid4().hex}{EXTENSIONS.get(instance.content_type, '.bin')}"


class Attachment(models.Model):
    """A file on a SIN (Word, PDF, PNG or JPEG), checked by its content."""

    class Purpose(models.TextChoices):
        INCIDENT = "incident", "The notification"
        CASE_REVIEW = "case_review", "The case review (CR1)"
        IMPORTED_FORM = "imported_form", "The Word form the notification was imported from"

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="attachments")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.INCIDENT)
    file = models.FileField(upload_to=stored_name, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # For an imported form: which fields were read, which were empty and which could not be taken.
    import_report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
