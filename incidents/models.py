"""Serious incident notifications (SINs), their timeline, CEO decisions, case reviews and actions.

Lifecycle of a case-related SIN (source 2.2-2.7; the transitions are the table
in incidents.workflow):

    draft --submit--> with_ad --analyse--> with_od --sign off--> case_review
      ^                 |  ^                 |  |                    |
      |   return        |  |   return        |  | not notifiable     | CR1 submitted
      +--- returned <---+  +-----------------+  +--> not_notifiable  v
                                                               cr1_sign_off
                                 (CR1 returned: back to case_review) |
                                                                     v CR1 signed off
                         closed <--close-- actions <--final-- final_decision

A non-case SIN (source 2.9-2.11): draft --submit--> notified --decision--> actions --close--> closed.

CEO decisions (2.4) may be recorded at any time from sign-off on, more than
once; the final decision (2.6) follows the signed-off CR1. Nothing is ever
overwritten: each step adds an IncidentEvent, and each decision a CeoDecision.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse

from organisation.models import CorporateFunction, Region, ServiceArea, Team

from .choices import (
    Audience,
    Decision,
    Kind,
    Proposal,
    ReviewStatus,
    Stage,
    Step,
)
from .fields import EncryptedCharField, EncryptedTextField, KeyedHashField


class Criterion(models.Model):
    """One criterion of source 2.1 (case) or category of 2.11 (non-case), word for word."""

    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.SlugField(max_length=50, unique=True)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "order"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.text


class ReferenceCounter(models.Model):
    """The last reference number given in a year, locked while the next is taken."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_counter")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class Incident(models.Model):
    """A serious incident notification: the form (2.2) and where it stands in the process."""

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CASE)
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DRAFT, db_index=True)
    # Bumped by every step: a form sent against an older version is refused, not applied.
    version = models.PositiveIntegerField(default=1)

    # Where it belongs. A case-related SIN belongs to a team (and so to its
    # service area and region, copied here for filtering); a non-case SIN to a
    # service area (written by its AD) or to a corporate function (by its HoP).
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    function = models.ForeignKey(CorporateFunction, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_incidents")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When Core CMT was first alerted.")
    review_commissioned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    stage_due = models.DateField(null=True, blank=True, help_text="When the step awaited now is due.")

    # The form (2.1, 2.2).
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="incidents")
    other_description = models.TextField("Other: please specify", blank=True)
    title = models.CharField("Short title", max_length=150, blank=True)
    # Encrypted at rest under a key outside the database; the case reference found by its keyed hash (decision 0019).
    children = EncryptedTextField("Child or children", blank=True)
    case_reference = EncryptedCharField("Cafcass case reference", max_length=40, blank=True)
    case_reference_hash = KeyedHashField(source="case_reference")
    court = EncryptedCharField(max_length=150, blank=True)
    incident_date = models.DateField("Date of the incident", null=True, blank=True)
    aware_date = models.DateField("Date Cafcass became aware", null=True, blank=True)
    what_happened = models.TextField("What happened", blank=True)
    cafcass_involvement = models.TextField("Cafcass's involvement", blank=True)
    other_agencies = models.TextField("Other agencies involved", blank=True)
    media_risk = models.TextField("Media or reputational risk", blank=True)
    immediate_actions = models.TextField("Immediate actions taken", blank=True)
    learning_identified = models.TextField("Learning identified", blank=True)
    # The author's answer to a return (2.2), kept with the draft until the resubmission records it.
    answer_draft = models.TextField("Your answer to the questions", blank=True)

    # Intake from another system (2.10): its name and its own reference.
    source_system = models.CharField(max_length=50, blank=True)
    source_reference = models.CharField(max_length=100, blank=True)

    # The alerts about it go with it (alerts.models: about any subject).
    notifications = GenericRelation("alerts.Notification", "about_id", "about_type", related_query_name="incident")
    email_deliveries = GenericRelation("alerts.EmailDelivery", "about_id", "about_type", related_query_name="incident")
    reminders = GenericRelation("alerts.Reminder", "about_id", "about_type", related_query_name="incident")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["stage", "region"]), models.Index(fields=["created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "source_reference"],
                condition=~models.Q(source_system=""),
                name="unique_source_reference",
            )
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", args=[self.pk])

    @property
    def display_reference(self) -> str:
        return self.reference or f"Draft {self.pk}"

    @property
    def place(self):
        return self.team or self.service_area or self.function

    # What an alert about a SIN says of it (alerts.models).
    @property
    def alert_reference(self) -> str:
        return self.display_reference

    @property
    def alert_stage(self) -> str:
        return self.get_stage_display()

    @property
    def alert_title(self) -> str:
        return self.title

    def alert_case_review_pdf(self) -> bytes | None:
        from documents.pdf import signed_off_paper_pdf

        return signed_off_paper_pdf(self)


class IncidentEvent(models.Model):
    """One step in a SIN's timeline: who, when, what they wrote. Never changed once written."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=30, choices=Step.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    text = models.TextField(blank=True)
    proposal = models.CharField(max_length=20, choices=Proposal.choices, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_step_display()}"


class SubmittedVersion(models.Model):
    """What a form said when its author sent it on: the SIN at each submission to the AD, the CR1
    at each submission for sign-off.

    A return and its answer never overwrite what was questioned (DESIGN.md: nothing is ever
    overwritten, only added to): the version the AD or the Operational Service Director saw stays
    readable, and the next version shows what changed, who changed it and when (its event).
    """

    class Form(models.TextChoices):
        SIN = "sin", "SIN form"
        CR1 = "cr1", "Case review (CR1)"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="submitted_versions")
    event = models.OneToOneField(IncidentEvent, on_delete=models.CASCADE, related_name="submitted_version")
    form = models.CharField(max_length=3, choices=Form.choices)
    number = models.PositiveSmallIntegerField()
    # Field name -> the text as it read (dates as ISO, criteria as their wording).
    values = models.JSONField()

    class Meta:
        ordering = ["incident", "form", "number"]
        constraints = [models.UniqueConstraint(fields=["incident", "form", "number"], name="unique_submitted_version")]

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_form_display()} version {self.number}"


class CeoDecision(models.Model):
    """A decision of the CEO about onward sharing, with the rationale always (2.4, 2.6)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    is_final = models.BooleanField(default=False)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    rationale = models.TextField()
    comments = models.TextField("Final comments", blank=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_decision_display()}"


class Briefing(models.Model):
    """What the CEO approved to share with the Board or the Chair: never the raw record."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="briefings")
    decision = models.OneToOneField(CeoDecision, on_delete=models.CASCADE, related_name="briefing")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    title = models.CharField(max_length=150)
    text = models.TextField()
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shared_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incidents:briefing", args=[self.pk])


class CaseReview(models.Model):
    """The case review by the National Improvement Service: the CR1 form (2.3, 2.5)."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="case_review")
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    commissioned_at = models.DateTimeField(auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="case_reviews"
    )
    # The Operational Service Director who signs the CR1 off: the region's OD
    # unless an administrator names another person here.
    sign_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Leave empty for the Operational Director of the incident's region.",
    )
    summary = models.TextField("Case summary", blank=True)
    chronology = models.TextField(blank=True)
    analysis_of_practice = models.TextField("Analysis of practice", blank=True)
    findings = models.TextField(blank=True)
    learning_identified = models.TextField("Learning identified", blank=True)
    recommendations = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"CR1 for {self.incident}"


class DeadlineSetting(models.Model):
    """How many working days the step awaited at a stage may take; set by an administrator.

    Stages without a row use the defaults of the table of steps, incidents.workflow.STAGE_DEADLINE_DAYS.
    """

    stage = models.CharField(max_length=20, choices=Stage.choices, unique=True)
    working_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["stage"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.working_days} working days"


# An action of a SIN lives in the actions app (of a SIN or a learning item); read here too.
from actions.models import Action  # noqa: E402, F401
