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
        BRIEFING = "briefing", "A briefing shared with you"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    message = models.CharField(max_length=300)
    # Where the notification leads, when not to the incident itself (an action's
    # owner may not read the record: their link is to the action).
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message


class AlertConfiguration(models.Model):
    """How alerts are emailed: set by an administrator (one row)."""

    mailbox = models.EmailField(
        "Serious incident mailbox", blank=True,
        help_text="Receives a copy of every Core CMT alert (source 2.1, 2.8).",
    )
    include_details = models.BooleanField(
        default=False,
        help_text="Put the incident's title and stage details in emails. Leave off unless every recipient mailbox is secure.",
    )
    attach_case_review = models.BooleanField(
        "Send the CR1 to the serious incident mailbox as a PDF", default=True,
        help_text=(
            "On by default: source 2.1 alerts Core CMT after the review 'with a copy of the completed SIN Case Review "
            "Form (CR1)'. The serious incident mailbox's copy of that alert carries the CR1 as a PDF; each Core CMT "
            "member's own email carries a link to the CR1 on the record, never the PDF. Switch off only if the mailbox "
            "is not secure: the mailbox then gets the link too."
        ),
    )

    class Meta:
        verbose_name = "alert configuration"
        verbose_name_plural = "alert configuration"

    def __str__(self) -> str:
        return "Alert configuration"

    @classmethod
    def current(cls) -> "AlertConfiguration":
        config, _ = cls.objects.get_or_create(pk=1, defaults={"mailbox": settings.SERIOUS_INCIDENT_MAILBOX})
        return config


class EmailDelivery(models.Model):
    """One email to one address for one alert: what was sent, how often it was tried, what went wrong.

    Written in the same transaction as the step that causes it; a worker sends
    it. Sent at least once: see README, "Alerts that are never lost".
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: needs attention"

    notification = models.OneToOneField(Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="email")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="email_deliveries")
    reason = models.CharField(max_length=20, choices=Notification.Reason.choices)
    to_address = models.CharField(max_length=254)
    is_mailbox_copy = models.BooleanField(default=False)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "email deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_address}"


class Reminder(models.Model):
    """A reminder or escalation sent for a step's deadline: one row each, so each is sent once only."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due in 1 working day"
        DUE_TODAY = "due_today", "Due today"
        ESCALATED = "escalated", "Overdue: escalated"

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="reminders")
    action = models.ForeignKey("incidents.Action", null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    # The action's id, or 0 for the incident's own step: part of the unique key
    # (a NULL would let duplicates through on databases where NULLs are distinct).
    action_key = models.BigIntegerField(default=0)
    stage = models.CharField(max_length=20)
    due_date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "action_key", "stage", "due_date", "kind"],
                name="unique_reminder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_kind_display()}"
