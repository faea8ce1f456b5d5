"""Testing whether learning is embedded in practice (source 3.6), and re-checking it later.

"The actions recorded in the Learning Portal will become a standard item for
consideration within AQRs, Performance Boards and other Quality Assurance or
relevant audit activity. Operational ADs and Corporate Heads of Profession will
be responsible for ensuring learning identified is embedded within practice
within their area of responsibility." (3.6)

    check (forum, area, date, who, finding, evidence)
      embedded + evidence, item at "actions done"  -> "verified in practice"; a re-check is scheduled
      embedded, item verified (the re-check)       -> "sustained"
      not embedded, item verified or sustained     -> back to "actions done" (said on the timeline)

A re-check is a row (due date, the check that scheduled it, the check that did it);
so is each progress review (due, held, what was found).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from documents.models import EXTENSIONS


class Forum(models.TextChoices):
    """Where embedding is tested, in the words of source 3.6."""

    AQR = "aqr", "AQRs"
    PERFORMANCE_BOARD = "performance_board", "Performance Boards"
    QA_AUDIT = "qa_audit", "other Quality Assurance or relevant audit activity"


class Finding(models.TextChoices):
    EMBEDDED = "embedded", "Embedded"
    PARTLY_EMBEDDED = "partly_embedded", "Partly embedded"
    NOT_EMBEDDED = "not_embedded", "Not embedded"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


def evidence_name(instance: "EmbeddingCheck", filename: str) -> str:
    """A random name, never the one the file came with; the extension follows the type found in the content."""
    today = timezone.localdate()
    return f"learning-evidence/{today:%Y/%m}/{uuid.uuid4().hex}{EXTENSIONS.get(instance.evidence_content_type, '.bin')}"


class EmbeddingCheck(models.Model):
    """One check, in one forum, of whether an item's learning is embedded in practice in an area (3.6).

    The evidence is text and, optionally, one file, checked by its content and
    scanned as every upload is (documents.files, documents.scanning): the
    documents app's attachments belong to a SIN, so a check keeps its own file.
    """

    class ScanStatus(models.TextChoices):
        CLEAN = "clean", "Scanned for viruses: none found"
        PENDING = "pending", "Not yet scanned for viruses"
        UNCHECKED = "unchecked", "Not scanned: no virus scanner is set up"

    item = models.ForeignKey("learning.LearningItem", on_delete=models.PROTECT, related_name="embedding_checks")
    forum = models.CharField(max_length=20, choices=Forum.choices)
    service_area = models.ForeignKey(
        "organisation.ServiceArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    function = models.ForeignKey(
        "organisation.CorporateFunction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField("Date of the check")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField("Check question", help_text="The question as the agenda asked it.")
    finding = models.CharField(max_length=20, choices=Finding.choices)
    evidence = models.TextField()
    evidence_file = models.FileField(upload_to=evidence_name, max_length=200, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    evidence_scan = models.CharField(max_length=20, choices=ScanStatus.choices, blank=True)
    is_recheck = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service_area__isnull=False, function__isnull=True)
                | models.Q(service_area__isnull=True, function__isnull=False),
                name="check_is_in_one_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_forum_display()} check of item {self.item_id} on {self.checked_on}"

    def get_absolute_url(self) -> str:
        return reverse("learning:checks", args=[self.item_id]) + f"#check-{self.pk}"

    @property
    def area(self):
        return self.service_area or self.function

    @property
    def evidence_downloadable(self) -> bool:
        return bool(self.evidence_file) and self.evidence_scan in (self.ScanStatus.CLEAN, self.ScanStatus.UNCHECKED)


class EmbeddingSettings(models.Model):
    """How long after a check that verified the learning the re-check falls due: set by an administrator."""

    recheck_months = models.PositiveSmallIntegerField(
        "Months until the re-check",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text="After a check finds learning embedded, a re-check is scheduled this many months later (3.6).",
    )

    class Meta:
        verbose_name = verbose_name_plural = "embedding check settings"

    def __str__(self) -> str:
        return "Embedding check settings"

    @classmethod
    def current(cls) -> "EmbeddingSettings":
        config, _ = cls.objects.get_or_create(pk=1)
        return config


class Recheck(models.Model):
    """A re-check scheduled once a check found the learning embedded; done by a later check."""

    item = models.ForeignKey("learning.LearningItem", on_delete=models.PROTECT, related_name="rechecks")
    due_date = models.DateField()
    scheduled_by_check = models.OneToOneField(EmbeddingCheck, on_delete=models.PROTECT, related_name="scheduled_recheck")
    done_by_check = models.OneToOneField(
        EmbeddingCheck, null=True, blank=True, on_delete=models.PROTECT, related_name="completed_recheck"
    )

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"Re-check of item {self.item_id} due {self.due_date}"

    def get_absolute_url(self) -> str:
        return reverse("learning:checks", args=[self.item_id])

    @property
    def alert_reference(self) -> str:
        return getattr(self.item, "alert_reference", "") or f"Learning {self.item_id}"

    @property
    def alert_stage(self) -> str:
        return f"Re-check of embedding due {self.due_date:%d %B %Y}"

    alert_title = ""

    def alert_case_review_pdf(self):
        return None


class ProgressReview(models.Model):
    """A review of progress on an item's learning (3.1: "a follow up on impact and progress"): scheduled, then held."""

    item = models.ForeignKey("learning.LearningItem", on_delete=models.PROTECT, related_name="progress_reviews")
    due_date = models.DateField("Review due by")
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(auto_now_add=True)
    held_on = models.DateField("Date of the review", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField("What the review found", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"Progress review of item {self.item_id} due {self.due_date}"

    def get_absolute_url(self) -> str:
        return reverse("learning:checks", args=[self.item_id])

    @property
    def alert_reference(self) -> str:
        return getattr(self.item, "alert_reference", "") or f"Learning {self.item_id}"

    @property
    def alert_stage(self) -> str:
        return f"Review of progress due {self.due_date:%d %B %Y}"

    alert_title = ""

    def alert_case_review_pdf(self):
        return None
