"""Files kept with a SIN: attachments to the notification or its CR1, and Word forms imported (2.8).

Files are stored under a name the server chooses, never the name they came
with, and are read only through a view that checks visibility. Every file is
scanned for viruses when it arrives (documents/scanning.py); one that could
not be scanned then is kept but held, not downloadable, until it has been.
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

    class ScanStatus(models.TextChoices):
        CLEAN = "clean", "Scanned for viruses: none found"
        PENDING = "pending", "Not yet scanned for viruses"
        INFECTED = "infected", "A virus was found: the file has been removed"
        UNCHECKED = "unchecked", "Not scanned: no virus scanner is set up"

    # Files held before scanning existed are scanned by `manage.py documents_rescan`.
    scan_status = models.CharField(max_length=20, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    scanned_at = models.DateTimeField(null=True, blank=True)
    # The signature found, or why the last scan could not be done.
    scan_detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def downloadable(self) -> bool:
        """Scanned clean (or, without a scanner, development and tests only): a held or infected file is never served."""
        return self.scan_status in (self.ScanStatus.CLEAN, self.ScanStatus.UNCHECKED)
