"""A learning item: learning from any source, under the five headings of 4.1 (source 3.1, 3.2, 4.1).

    draft (identified) --publish--> published: actions agreed --all actions done--> actions done
                                     |  (covered by existing guidance: no new actions) --^   |
                                     |                                                       v
                                     |          (the embedding checks, learning/services/checks.py)
                                     |                      verified in practice --re-check--> sustained
                                     '--close (with a rationale below "sustained")--> closed

The rung is a field only the services move (learning.services.items._move and
learning_item_move); each move writes an ItemEvent, the item's timeline, and an
audit row. The status says who reads it: a draft only those who work on it, a
published item everyone on the staff (learning.selectors.learning_items_visible_to).
No child is identified in an item: learning.identifiers checks every heading
against the SIN it came from.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse

from ..choices import HEADINGS, ItemStatus, ItemStep, Rung, Source


class LearningOrigin(models.Model):
    """Where learning came from (3.1): the sources of 4.1 and the further origins the SIN criteria name
    (complaint responses, inquests, domestic homicide reviews, PHSO enquiries), each reported under one
    of the sources A-E. An administrator keeps the list."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=150)
    source = models.CharField("Reported under source", max_length=1, choices=Source.choices)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["source", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.source})"


class Theme(models.Model):
    """A theme of the taxonomy an administrator keeps (domestic abuse, voice of the child...)."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CriterionTheme(models.Model):
    """A SIN criterion (2.1, 2.11) read as a theme, so that a new SIN can be matched to learning
    already verified (a recurrence); an administrator keeps the table."""

    criterion = models.ForeignKey("incidents.Criterion", on_delete=models.CASCADE, related_name="learning_themes")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="criteria_links")

    class Meta:
        ordering = ["criterion", "theme"]
        constraints = [models.UniqueConstraint(fields=["criterion", "theme"], name="unique_criterion_theme")]
        verbose_name = "criterion mapped to a theme"

    def __str__(self) -> str:
        return f"{self.criterion} > {self.theme}"


class LearningItem(models.Model):
    """Learning identified, from any source, and how it is followed up until it is embedded (3.1-3.6)."""

    title = models.CharField("Short title", max_length=150)
    origin = models.ForeignKey(LearningOrigin, on_delete=models.PROTECT, related_name="items")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="learning_items"
    )
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT, db_index=True)
    rung = models.CharField(max_length=20, choices=Rung.choices, default=Rung.IDENTIFIED, db_index=True)
    version = models.PositiveIntegerField(default=1)

    # The five headings of 4.1, word for word.
    impact_on_child = models.TextField(HEADINGS[0][1], blank=True)
    what_cafcass_did = models.TextField(HEADINGS[1][1], blank=True)
    learning_identified = models.TextField(HEADINGS[2][1], blank=True)
    how_addressed = models.TextField(HEADINGS[3][1], blank=True)
    impact_on_practice = models.TextField(HEADINGS[4][1], blank=True)

    # Whose area it is, and who answers for it being embedded (3.6).
    service_area = models.ForeignKey(
        "organisation.ServiceArea", null=True, blank=True, on_delete=models.PROTECT, related_name="learning_items"
    )
    function = models.ForeignKey(
        "organisation.CorporateFunction", null=True, blank=True, on_delete=models.PROTECT, related_name="learning_items"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_learning_items",
        help_text="The Operational AD or Corporate Head of Profession of the area (3.6).",
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="items")

    # 3.2: "learning ... which is not already subject to existing policy and practice guidance".
    covered_by_guidance = models.BooleanField("Already covered by existing policy and practice guidance", null=True, blank=True)
    covered_by = models.TextField("Which policy and practice guidance covers it", blank=True)
    all_weaker_reason = models.TextField("Why only weaker actions", blank=True)

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_learning_items")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    identifiers_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rung_changed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closure_rationale = models.TextField(blank=True)
    # Title, headings, origin and themes in one text, written by the services: what search reads
    # (a GIN index over its tsvector on PostgreSQL, migration 0001).
    search_document = models.TextField(blank=True, editable=False)

    notifications = GenericRelation("alerts.Notification", "about_id", "about_type", related_query_name="learning_item")
    email_deliveries = GenericRelation("alerts.EmailDelivery", "about_id", "about_type", related_query_name="learning_item")
    reminders = GenericRelation("alerts.Reminder", "about_id", "about_type", related_query_name="learning_item")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "rung"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service_area__isnull=True) | models.Q(function__isnull=True),
                name="learning_item_one_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("learning:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"LRN-{self.pk:05d}" if self.pk else "LRN-new"

    @property
    def area(self):
        return self.service_area or self.function

    @property
    def source(self) -> str:
        return self.origin.source

    @property
    def is_draft(self) -> bool:
        return self.status == ItemStatus.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status == ItemStatus.CLOSED

    def headings(self) -> list[tuple[str, str, str]]:
        """(field, heading of 4.1, text) in the order of 4.1."""
        return [(name, label, getattr(self, name)) for name, label in HEADINGS]

    # What an alert about a learning item says of it (alerts.models): no heading text, only its reference.
    @property
    def alert_reference(self) -> str:
        return self.reference

    @property
    def alert_stage(self) -> str:
        return self.get_rung_display() if not self.is_draft else "Draft"

    @property
    def alert_title(self) -> str:
        return self.title

    def alert_case_review_pdf(self):
        return None


class ItemEvent(models.Model):
    """One step in an item's timeline: who, when, what they wrote, the rung before and after. Never changed."""

    item = models.ForeignKey(LearningItem, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=20, choices=ItemStep.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_rung = models.CharField(max_length=20, choices=Rung.choices, blank=True)
    to_rung = models.CharField(max_length=20, choices=Rung.choices, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.get_step_display()}"


class LearningDeadlineSetting(models.Model):
    """How many working days each action that learning triggers (3.3-3.5) is given; set by an administrator.

    Kinds without a row use learning.services.items.DEFAULT_ACTION_DAYS.
    """

    kind = models.CharField(
        max_length=20,
        unique=True,
        choices=[
            ("training_review", "Review and update of relevant training material"),
            ("policy_review", "Review and update to relevant policy and guidance"),
            ("cascade", "Consideration of the most appropriate method of cascading the learning"),
        ],
    )
    working_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.working_days} working days"


class Recurrence(models.Model):
    """A new SIN sharing a theme with learning already verified: its owner was told (DESIGN.md).
    One row per item and SIN, so the job that finds them tells each owner once."""

    item = models.ForeignKey(LearningItem, on_delete=models.CASCADE, related_name="recurrences")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    themes = models.ManyToManyField(Theme, related_name="+")
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-found_at"]
        constraints = [models.UniqueConstraint(fields=["item", "incident"], name="unique_recurrence")]

    def __str__(self) -> str:
        return f"{self.item_id} / {self.incident_id}"
