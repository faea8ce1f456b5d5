"""In-app notifications: what a person is told, or asked to do, when a step happens.

Written in the same transaction as the step that causes it (never from a
signal), so that a step and its alerts commit together or not at all.
"""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One message to one person about one incident."""

    class Reason(models.TextChoices):
        ACT = "act", "Your action is needed"
        CMT_INITIAL = "cmt_initial", "Core CMT alert: initial stage"
        CMT_REVIEW = "cmt_review", "Core CMT alert: case review completed"
        INFO = "info", "For information"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message
