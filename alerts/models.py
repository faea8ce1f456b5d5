"""In-app notifications, their emails and reminders: what a person is told, or asked to do, when a step happens.

Written in the same transaction as the step that causes it (never from a
signal), so that a step and its alerts commit together or not at all.

An alert is about a subject of any app above this one (a SIN, an action, later
a learning item): a generic relation, so this app imports none of them. A
subject says what an alert needs of it, and nothing more:
- `alert_reference`: its reference ("SIN-2026-0001"), kept on the row as sent;
- `get_absolute_url()`: where the alert leads, unless the alert gives a link;
- `alert_stage`: what awaits now, for the email ("" for none);
- `alert_title`: a title for emails to secure mailboxes only ("" for none);
- `alert_case_review_pdf()`: for a SIN, the paper with its CR1 (the mailbox copy of
  the second Core CMT alert), or None.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AboutSubject(models.Model):
    """What an alert is about: any record of an app above this one, and its reference as it was."""

    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    about_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("about_type", "about_id")
    reference = models.CharField(max_length=40, blank=True)

    class Meta:
        abstract = True

    def set_about(self, subject) -> None:
        self.about = subject
        self.reference = (getattr(subject, "alert_reference", "") or "")[:40]


class Notification(AboutSubject):
    """One message to one person about one subject (a SIN, an action...)."""

    class Reason(models.TextChoices):
        ACT = "act", "Your action is needed"
        CMT_INITIAL = "cmt_initial", "Core CMT alert: initial stage"
        CMT_REVIEW = "cmt_review", "Core CMT alert: case review completed"
        INFO = "info", "For information"
        BRIEFING = "briefing", "A briefing shared with you"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    message = models.CharField(max_length=300)
    # Where the notification leads: its subject's page, or another link (a briefing's
    # readers see the briefing, not the record).
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["about_type", "about_id"], name="alerts_noti_about_t_idx"),
        ]

    def __str__(self) -> str:
        return self.message


class AlertConfiguration(models.Model):
    """How alerts are emailed: set by an administrator (one row)."""

    mailbox = models.EmailField(
        "Serious incident mailbox",
        blank=True,
        help_text="Receives a copy of every Core CMT alert (source 2.1, 2.8).",
    )
    include_details = models.BooleanField(
        default=False,
        help_text="Put the incident's title and stage details in emails. Leave off unless every recipient mailbox is secure.",
    )
    attach_case_review = models.BooleanField(
        "Send the CR1 to the serious incident mailbox as a PDF",
        default=True,
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


class EmailDelivery(AboutSubject):
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
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["about_type", "about_id"], name="alerts_emai_about_t_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_address}"


class Reminder(AboutSubject):
    """A reminder or escalation sent for a deadline: one row each, so each is sent once only.

    The subject is what is due: a SIN's step awaited at `stage`, an action ("action"), later a
    learning item's action or check. Each app offers its due items (alerts.reminders).
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due in 1 working day"
        DUE_TODAY = "due_today", "Due today"
        ESCALATED = "escalated", "Overdue: escalated"

    stage = models.CharField(max_length=20)
    due_date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["about_type", "about_id", "stage", "due_date", "kind"],
                name="unique_reminder_of_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()}"
