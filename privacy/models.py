"""How long records are kept (UK GDPR article 5(1)(e), storage limitation), and records kept beyond it.

docs/decisions/0013-retention.md gives the reasoning for the default periods,
which the organisation's records manager is to confirm: `retention_purge`
applies a period only once someone has confirmed it (who and when is kept on
the row, and the confirmation is in the audit trail).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class RecordKind(models.TextChoices):
    CASE_SIN = "case_sin", "Case-related SIN"
    NON_CASE_SIN = "non_case_sin", "Non-case SIN"
    # The Learning Portal's items: the period is recorded here; their removal is for the learning app to provide.
    LEARNING_ITEM = "learning_item", "Learning item"


class Outcome(models.TextChoices):
    NOT_NOTIFIABLE = "not_notifiable", "Recorded as not meeting the criteria"
    CLOSED = "closed", "Closed"
    DRAFT = "draft", "Draft never submitted"


# What starts the clock of each outcome.
COUNTED_FROM = {
    Outcome.NOT_NOTIFIABLE: "the Operational Director's decision that it does not meet the criteria",
    Outcome.CLOSED: "closure",
    Outcome.DRAFT: "the last change to the draft",
}


class RetentionPeriod(models.Model):
    """How many years a kind of record with an outcome is kept, counted from the event that settled it."""

    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    years = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    reasoning = models.TextField(help_text="Why this period: the law, guidance or need it follows.")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The records manager who confirmed the period; empty: a default not yet confirmed.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "outcome"]
        constraints = [models.UniqueConstraint(fields=["kind", "outcome"], name="unique_retention_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.get_outcome_display().lower()}: {self.years} years after {self.counted_from}"

    @property
    def counted_from(self) -> str:
        return COUNTED_FROM[Outcome(self.outcome)]

    @property
    def confirmed(self) -> bool:
        return self.confirmed_by_id is not None


class RetentionHold(models.Model):
    """A SIN kept whatever its period says: a public inquiry, a claim, a complaint or a court asks for it."""

    incident = models.OneToOneField("incidents.Incident", on_delete=models.CASCADE, related_name="retention_hold")
    reason = models.CharField(max_length=200, help_text="Why it is kept, e.g. the inquiry or claim: never a child's details.")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Kept: {self.incident}"
