"""Serializers check input (400 with field errors); services check the rules of the process."""

import copy
import re
from datetime import date

import rules
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api_schema import RequestBody
from organisation.models import CorporateFunction, ServiceArea, Team

from ..choices import FINAL_DECISIONS, INITIAL_DECISIONS, ActionStatus, Decision, Kind, Proposal, Step
from ..models import Action, Briefing, CaseReview, CeoDecision, Incident, IncidentEvent
from ..services import CR1_FIELDS, FORM_FIELDS
from ..workflow import API_STEPS  # noqa: F401 (the URLs read it here)


class RealDateField(serializers.DateField):
    """An ISO date (YYYY-MM-DD), refused in the words of the pages (GOV.UK Design System):
    a well-formed date that cannot be (2026-02-30) is "<Label> must be a real date", not a
    complaint about its format; anything else is "<Label> must be a date in the form YYYY-MM-DD"
    (Django would take 2026-2-3 and Python 20260203, which the schema's `format: date` does not)."""

    ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

    def __init__(self, *, label: str, **kwargs):
        super().__init__(label=label, **kwargs)
        self.error_messages["invalid"] = f"{label} must be a date in the form YYYY-MM-DD"
        self.error_messages["not_real"] = f"{label} must be a real date"

    def to_internal_value(self, value):
        if isinstance(value, str):
            # Only the form the schema names ("format: date"): not 2026-2-3, nor 20260203.
            if not self.ISO_DATE.fullmatch(value):
                self.fail("invalid")
            try:
                date.fromisoformat(value)
            except ValueError:
                self.fail("not_real")
        return super().to_internal_value(value)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = IncidentEvent
        fields = ["step", "actor", "at", "from_stage", "to_stage", "text", "proposal"]


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = CeoDecision
        fields = ["id", "decision", "is_final", "rationale", "comments", "decided_by", "decided_at"]


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.StringRelatedField()

    class Meta:
        model = Action
        fields = ["id", "description", "owner", "due_date", "status", "evidence", "version", "completed_at"]


class CaseReviewSerializer(serializers.ModelSerializer):
    """The CR1. Every field is always there; the reviewer and everything written are null for a
    caller who may not read the CR1 yet (incidents.read_case_review), and the reviewer is null too
    while no reviewer has taken it up."""

    reviewer = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = CaseReview
        fields = ["status", "reviewer", "commissioned_at", "submitted_at", "signed_off_at", *CR1_FIELDS]
        read_only_fields = fields
        extra_kwargs = {name: {"allow_null": True} for name in CR1_FIELDS}

    # What a caller who may not read the CR1 yet is told of it.
    SHOWN_TO_EVERYONE = ("status", "commissioned_at")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("readable", True):
            data.update({name: None for name in data if name not in self.SHOWN_TO_EVERYONE})
        return data


class IncidentListSerializer(serializers.ModelSerializer):
    criteria = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    place = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "kind",
            "stage",
            "version",
            "title",
            "place",
            "criteria",
            "stage_due",
            "created_at",
            "submitted_at",
        ]

    def get_place(self, obj) -> str:
        return str(obj.place) if obj.place else ""


class IncidentDetailSerializer(IncidentListSerializer):
    events = EventSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)
    case_review = serializers.SerializerMethodField()

    class Meta(IncidentListSerializer.Meta):
        fields = IncidentListSerializer.Meta.fields + [
            *FORM_FIELDS,
            "learning_identified",
            "source_system",
            "source_reference",
            "events",
            "decisions",
            "actions",
            "case_review",
        ]

    @extend_schema_field(CaseReviewSerializer(allow_null=True))
    def get_case_review(self, obj) -> dict | None:
        """The CR1's text only to those who may read it yet (incidents.read_case_review), as on the page."""
        review = getattr(obj, "review", None)
        if review is None:
            return None
        return case_review_data(review, obj, self.context.get("request"))


def case_review_data(review: CaseReview, incident: Incident, request) -> dict:
    readable = bool(request) and rules.has_perm("incidents.read_case_review", request.user, incident)
    return CaseReviewSerializer(review, context={"readable": readable}).data


class IncidentWriteSerializer(RequestBody, serializers.Serializer):
    """The SIN form. Every text is optional while a draft; submission checks completeness."""

    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.CASE)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    service_area = serializers.PrimaryKeyRelatedField(queryset=ServiceArea.objects.all(), required=False, allow_null=True)
    function = serializers.PrimaryKeyRelatedField(queryset=CorporateFunction.objects.all(), required=False, allow_null=True)
    criteria = serializers.ListField(child=serializers.SlugField(max_length=50), required=False, default=list, max_length=30)
    version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    title = serializers.CharField(max_length=150, required=False, allow_blank=True)
    other_description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    children = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    case_reference = serializers.CharField(max_length=40, required=False, allow_blank=True)
    court = serializers.CharField(max_length=150, required=False, allow_blank=True)
    incident_date = RealDateField(label="Date of the incident", required=False, allow_null=True)
    aware_date = RealDateField(label="Date Cafcass became aware", required=False, allow_null=True)
    what_happened = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    cafcass_involvement = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    other_agencies = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    media_risk = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    immediate_actions = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class IncidentPatchSerializer(IncidentWriteSerializer):
    """The SIN form as a PATCH of a draft: any of its texts, dates and criteria (left out: unchanged),
    and the version of the record seen (required). Its kind and place are fixed once written."""

    schema_required = ("version",)
    kind = team = service_area = function = None


class StepSerializer(serializers.Serializer):
    """Every field a step may take. Each step's endpoint takes `version` and only its own
    (`step_serializer`, from STEP_FIELDS); what a field left out means is the service's default."""

    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    answer = serializers.CharField(max_length=20000, required=False, allow_blank=True, default=None, allow_null=True)
    analysis = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    proposal = serializers.ChoiceField(choices=Proposal.choices, required=False, default=None)
    decision = serializers.ChoiceField(choices=Decision.choices, required=False, default=None)
    rationale = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    comments = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    briefing_title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    briefing_text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    action_description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    action_owner = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1)
    action_due_date = RealDateField(label="Due date", required=False, allow_null=True, default=None)


class CaseReviewWriteSerializer(RequestBody, serializers.Serializer):
    """The CR1's parts (left out: unchanged), saved as a draft or submitted for sign-off; the version of the incident seen."""

    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    submit = serializers.BooleanField(default=False)
    summary = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    chronology = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    analysis_of_practice = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    findings = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    learning_identified = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    recommendations = serializers.CharField(max_length=50000, required=False, allow_blank=True)


class ActionCreateSerializer(RequestBody, serializers.Serializer):
    """A new action: what is to be done, by whom, by when; the version of the incident seen."""

    schema_required = ("version", "description", "owner", "due_date")

    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    description = serializers.CharField(max_length=5000)
    owner = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    due_date = RealDateField(label="Due date")


class ActionUpdateSerializer(RequestBody, serializers.Serializer):
    """An action's status and its evidence of completion; the version of the action seen."""

    # Required in the PATCH body too (drf-spectacular would make them optional).
    schema_required = ("version", "status")

    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    evidence = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class BriefingSerializer(serializers.ModelSerializer):
    incident_reference = serializers.CharField(source="incident.reference")

    class Meta:
        model = Briefing
        fields = ["id", "incident_reference", "audience", "title", "text", "shared_at"]


_DECISION_FIELDS = [
    "decision",
    "rationale",
    "briefing_title",
    "briefing_text",
    "action_description",
    "action_owner",
    "action_due_date",
]
# Each step's endpoint takes `version` and only these fields of StepSerializer: (field, what it holds
# here, required). A required field is required in the schema, and refused (400) when missing or blank
# by the step's service, in the page's words ("Enter your questions for the author").
STEP_FIELDS: dict[str, tuple[str, list[tuple[str, str, bool]]]] = {
    Step.SUBMIT: (
        "Submit the SIN to the Assistant Director (or, non-case, to Core CMT). A SIN returned with questions is "
        "resubmitted with the author's `answer` (or the one saved with the draft).",
        [("answer", "The answer to the Assistant Director's questions (a returned SIN only)", False)],
    ),
    Step.AD_ANALYSE: (
        "The AD's analysis and proposal; sends the SIN to the Operational Director.",
        [("analysis", "The analysis", True), ("proposal", "Does it meet the criteria, to share with Core CMT?", True)],
    ),
    Step.AD_RETURN: ("Return the SIN to its author with questions.", [("text", "The questions for the author", True)]),
    Step.OD_SIGN_OFF: (
        "Sign off: alerts Core CMT and commissions the NIS case review (CR1).",
        [("text", "A comment, if any", False)],
    ),
    Step.OD_RETURN: ("Return the SIN to the AD.", [("text", "What needs changing", True)]),
    Step.OD_NOT_NOTIFIABLE: (
        "Record that the SIN does not meet the criteria; it stays on record.",
        [("text", "The rationale", True)],
    ),
    Step.CEO_DECISION: (
        "A CEO decision after sign-off (2.4); may be recorded more than once.",
        [(name, "", name in ("decision", "rationale")) for name in _DECISION_FIELDS],
    ),
    Step.CR1_RETURN: ("Return the CR1 to the NIS reviewer.", [("text", "What needs changing", True)]),
    Step.CR1_SIGN_OFF: ("Sign off the CR1 and send it to Core CMT (2.5).", [("text", "A comment, if any", False)]),
    Step.CEO_FINAL_DECISION: (
        "The CEO's final comments, actions and decision on sharing (2.6).",
        [(name, "", name in ("decision", "rationale")) for name in [*_DECISION_FIELDS, "comments"]],
    ),
    Step.LEARNING_RECORD: (
        "Record the learning identified, to be carried into the Learning Portal.",
        [("text", "The learning identified", True)],
    ),
    Step.CLOSE: ("Close the incident: the final decision is recorded and every action is done or carried.", []),
}
# The decisions each CEO step takes (the schema's enum for its `decision`).
STEP_DECISIONS = {Step.CEO_DECISION: INITIAL_DECISIONS, Step.CEO_FINAL_DECISION: FINAL_DECISIONS}


class StepDecisionField(serializers.ChoiceField):
    """The decision a CEO step takes, from that step's own set of decisions."""


class StepDecisionFieldSchema(OpenApiSerializerFieldExtension):
    """Each step's set of decisions inline (inside allOf): made into an enum component named for the
    field, "decision", drf-spectacular would find it colliding with the decisions on record."""

    target_class = StepDecisionField

    def map_serializer_field(self, auto_schema, direction):
        return {"allOf": [{"type": "string", "enum": list(self.target.choices)}]}


def step_serializer(step: str) -> type[serializers.Serializer]:
    """The request body of one step's endpoint: `version` and that step's own fields.

    The required fields are required in the schema (core.api_schema.RequestBody) but let through here: the
    step's service says what is missing, in the same words as the page ("Enter the rationale for
    the decision"), under the request's field name (incidents.api.views).
    """
    _, fields = STEP_FIELDS[step]
    template = StepSerializer._declared_fields
    attrs = {"version": copy.deepcopy(template["version"])}
    for name, help_text, required in fields:
        field = template[name]
        # Made anew with the step's own help text (and decisions): DRF makes a serializer's fields
        # anew from their arguments, so an attribute set on a field afterwards would be lost.
        field_class, kwargs = type(field), {**field._kwargs}
        kwargs["help_text"] = (
            " ".join(part for part in (f"{help_text}." if help_text else "", "Required." if required else "") if part) or None
        )
        if name == "decision":
            field_class, kwargs["choices"] = StepDecisionField, [(d.value, d.label) for d in STEP_DECISIONS[step]]
        attrs[name] = field_class(*field._args, **kwargs)
    attrs["schema_required"] = tuple(name for name, _, required in fields if required)
    attrs["__doc__"] = STEP_FIELDS[step][0]
    name = "".join(part.capitalize() for part in step.split("_")) + "StepSerializer"
    return type(name, (RequestBody, serializers.Serializer), attrs)
