"""An action: what someone must do, by when, and the evidence that it was done.

An action belongs to exactly one subject: a SIN today (2.7), a learning item
once the Learning Portal exists (3.2-3.5). The subject's app answers for it
(who reads it, who is accountable, whether it is closed, its timeline):
settings.ACTION_SUBJECTS names, for each subject field, the module that does.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse

from .choices import ActionKind, ActionStatus
from .subjects import subject_module

# The fields an action's subject may be in; exactly one is set (the check constraint below).
SUBJECT_FIELDS = ("incident", "learning_item")


class Strength(models.TextChoices):
    """Where an action sits on the hierarchy of intervention effectiveness: training and policy alone are weaker."""

    STRONGER = "stronger", "Stronger: changes to systems, forms, tools or structure"
    INTERMEDIATE = "intermediate", "Intermediate: checklists, supervision standards, audits"
    WEAKER = "weaker", "Weaker: training, policy, reminders"


class Action(models.Model):
    """Owner, due date, status and evidence of completion; the AD is accountable for a SIN's (2.7)."""

    incident = models.ForeignKey("incidents.Incident", null=True, blank=True, on_delete=models.CASCADE, related_name="actions")
    learning_item = models.ForeignKey(
        "learning.LearningItem", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(max_length=20, choices=ActionKind.choices, default=ActionKind.SIN)
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_actions")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    evidence = models.TextField("Evidence of completion", blank=True)
    strength = models.CharField(max_length=12, choices=Strength.choices, blank=True)
    # A SIN's action "carried into the Learning Portal" (status carried) points at the item that took it on.
    carried_to = models.ForeignKey(
        "learning.LearningItem", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_actions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    # The alerts about it go with it (alerts.models: about any subject).
    notifications = GenericRelation("alerts.Notification", "about_id", "about_type", related_query_name="action")
    email_deliveries = GenericRelation("alerts.EmailDelivery", "about_id", "about_type", related_query_name="action")
    reminders = GenericRelation("alerts.Reminder", "about_id", "about_type", related_query_name="action")

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(incident__isnull=False, learning_item__isnull=True)
                | models.Q(incident__isnull=True, learning_item__isnull=False),
                name="action_has_exactly_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("actions:edit", args=[self.pk])

    @property
    def subject_field(self) -> str:
        return next(name for name in SUBJECT_FIELDS if getattr(self, f"{name}_id") is not None)

    @property
    def subject(self):
        return getattr(self, self.subject_field)

    # What an alert about an action says of it (alerts.models): never its description, which may name a child.
    @property
    def alert_reference(self) -> str:
        return subject_module(self).reference(self)

    @property
    def alert_stage(self) -> str:
        return f"Action {self.get_status_display().lower()}, due {self.due_date:%d %B %Y}"

    alert_title = ""

    def alert_case_review_pdf(self):
        return None
