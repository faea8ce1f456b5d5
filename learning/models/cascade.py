"""The cascade of a learning item (source 3.5): how the learning is made known, and how far it reached.

    decision (one per item: the methods chosen, word for word from 3.5)
      |- monthly cascade: OMT (one date) > SAM (one per service area) > team meeting (one per team,
      |  confirmed by its manager); reach = teams confirmed / teams
      |- knowledge alert / legal alert: to every active member of staff, each acknowledges it
      '- bulletin entry: queued for the next monthly L&D or quarterly SI bulletin until an edition takes it

Every level is a row of its own (who, when), never a flag overwritten. A unique
constraint on each level makes a second confirmation of the same level impossible,
however many people press the button at once.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse


class CascadeMethod(models.TextChoices):
    """The methods of cascading the learning, in the words of source 3.5."""

    MONTHLY_CASCADE = "monthly_cascade", "The monthly cascade from OMT to SAM to team meeting"
    KNOWLEDGE_ALERT = "knowledge_alert", "An all user 'knowledge alert'"
    LEGAL_ALERT = "legal_alert", "An all user 'legal alert'"
    LD_BULLETIN = "ld_bulletin", "Inclusion in the monthly Learning and Development bulletin"
    SI_BULLETIN = "si_bulletin", "Inclusion in the quarterly Serious Incident bulletin"


ALERT_METHODS = (CascadeMethod.KNOWLEDGE_ALERT, CascadeMethod.LEGAL_ALERT)
BULLETIN_METHODS = (CascadeMethod.LD_BULLETIN, CascadeMethod.SI_BULLETIN)


class CascadeDecision(models.Model):
    """The decision on the most appropriate method(s) of cascading the learning (3.5): one per item."""

    item = models.OneToOneField("learning.LearningItem", on_delete=models.PROTECT, related_name="cascade_decision")
    methods = models.JSONField(help_text="The CascadeMethod values chosen, in the order of 3.5.")
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Cascade of {self.item_id}: {', '.join(self.methods)}"

    @property
    def method_labels(self) -> list[str]:
        return [CascadeMethod(method).label for method in self.methods]

    def chose(self, method: str) -> bool:
        return method in self.methods


class MonthlyCascade(models.Model):
    """The monthly cascade from OMT to SAM to team meeting (3.5): its first level, the OMT."""

    item = models.OneToOneField("learning.LearningItem", on_delete=models.PROTECT, related_name="monthly_cascade")
    omt_date = models.DateField("Date of the OMT meeting", null=True, blank=True)
    omt_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    omt_recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Monthly cascade of {self.item_id}"


class SamMeeting(models.Model):
    """One service area's SAM at which the learning was cascaded, recorded by its Assistant Director."""

    cascade = models.ForeignKey(MonthlyCascade, on_delete=models.PROTECT, related_name="sam_meetings")
    service_area = models.ForeignKey("organisation.ServiceArea", on_delete=models.PROTECT, related_name="+")
    meeting_date = models.DateField("Date of the SAM")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_area__name"]
        constraints = [models.UniqueConstraint(fields=["cascade", "service_area"], name="one_sam_per_area_per_cascade")]

    def __str__(self) -> str:
        return f"SAM of {self.service_area_id} on {self.meeting_date}"


class TeamMeeting(models.Model):
    """One team's meeting at which the learning was cascaded, confirmed by the team's manager."""

    cascade = models.ForeignKey(MonthlyCascade, on_delete=models.PROTECT, related_name="team_meetings")
    team = models.ForeignKey("organisation.Team", on_delete=models.PROTECT, related_name="+")
    meeting_date = models.DateField("Date of the team meeting")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name"]
        constraints = [models.UniqueConstraint(fields=["cascade", "team"], name="one_meeting_per_team_per_cascade")]

    def __str__(self) -> str:
        return f"Team meeting of {self.team_id} on {self.meeting_date}"


class StaffAlert(models.Model):
    """An all user 'knowledge alert' or 'legal alert' (3.5), sent to every active member of staff.

    It is the subject of its notifications (alerts.models): the alert says what it needs of it.
    """

    class Kind(models.TextChoices):
        KNOWLEDGE = CascadeMethod.KNOWLEDGE_ALERT.value, "Knowledge alert"
        LEGAL = CascadeMethod.LEGAL_ALERT.value, "Legal alert"

    item = models.ForeignKey("learning.LearningItem", on_delete=models.PROTECT, related_name="staff_alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=150)
    text = models.TextField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    acknowledge_by = models.DateField("Acknowledge by")

    # The alerts about it go with it (alerts.models: about any subject).
    notifications = GenericRelation("alerts.Notification", "about_id", "about_type", related_query_name="staff_alert")
    email_deliveries = GenericRelation("alerts.EmailDelivery", "about_id", "about_type", related_query_name="staff_alert")
    reminders = GenericRelation("alerts.Reminder", "about_id", "about_type", related_query_name="staff_alert")

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["item", "kind"], name="one_alert_of_each_kind_per_item")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("learning:staff_alert", args=[self.pk])

    @property
    def alert_reference(self) -> str:
        return f"{'KA' if self.kind == self.Kind.KNOWLEDGE else 'LA'}-{self.pk:05d}"

    @property
    def alert_stage(self) -> str:
        return f"Please read and acknowledge it by {self.acknowledge_by:%d %B %Y}"

    @property
    def alert_title(self) -> str:
        return self.title

    def alert_case_review_pdf(self):
        return None


class AlertRecipient(models.Model):
    """One member of staff an alert went to, and when they acknowledged it (empty: not yet)."""

    alert = models.ForeignKey(StaffAlert, on_delete=models.PROTECT, related_name="recipients")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_alerts_received")
    acknowledged_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name", "person__username"]
        constraints = [models.UniqueConstraint(fields=["alert", "person"], name="one_recipient_row_per_person")]

    def __str__(self) -> str:
        return f"Alert {self.alert_id} to person {self.person_id}"


class BulletinEntry(models.Model):
    """The item queued for the next edition of a bulletin (3.5); the bulletins themselves are built later."""

    class Bulletin(models.TextChoices):
        LD_MONTHLY = CascadeMethod.LD_BULLETIN.value, "Monthly Learning and Development bulletin"
        SI_QUARTERLY = CascadeMethod.SI_BULLETIN.value, "Quarterly Serious Incident bulletin"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued for the next edition"
        INCLUDED = "included", "Included in an edition"

    item = models.ForeignKey("learning.LearningItem", on_delete=models.PROTECT, related_name="bulletin_entries")
    bulletin = models.CharField(max_length=20, choices=Bulletin.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    edition = models.CharField(max_length=40, blank=True, help_text="The edition that took it (a later issue).")
    queued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bulletin", "queued_at"]
        verbose_name_plural = "bulletin entries"
        constraints = [models.UniqueConstraint(fields=["item", "bulletin"], name="one_entry_per_item_and_bulletin")]

    def __str__(self) -> str:
        return f"{self.get_bulletin_display()}: item {self.item_id} ({self.get_status_display()})"
