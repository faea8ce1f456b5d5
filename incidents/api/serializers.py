"""Serializers check input (400 with field errors); services check the rules of the process."""

import copy
import re
from datetime import date

import rules
from rest_framework import serializers

from organisation.models import CorporateFunction, ServiceArea, Team

from ..choices import ActionStatus, Decision, Kind, Proposal, Step
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
    reviewer = serializers.StringRelatedField()

    class Meta:
        model = CaseReview
        fields = ["status", "reviewer", "commissioned_at", "submitted_at", "signed_off_at", *CR1_FIELDS]


class IncidentListSerializer(serializers.ModelSerializer):
    criteria = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    place = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = ["id", "reference", "kind", "stage", "version", "title", "place", "criteria", "stage_due",
                  "created_at", "submitted_at"]

    def get_place(self, obj) -> str:
        return str(obj.place) if obj.place else ""


class IncidentDetailSerializer(IncidentListSerializer):
    events = EventSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)
    case_review = serializers.SerializerMethodField()

    class Meta(IncidentListSerializer.Meta):
        fields = IncidentListSerializer.Meta.fields + [*FORM_FIELDS, "learning_identified", "source_system",
                                                       "source_reference", "events", "decisions", "actions", "case_review"]

    def get_case_review(self, obj) -> dict | None:
        """The CR1's text only to those who may read it yet (incidents.read_case_review), as on the page."""
        review = getattr(obj, "review", None)
        if review is None:
            return None
        request = self.context.get("request")
        if not (request and rules.has_perm("incidents.read_case_review", request.user, obj)):
            return {"status": review.status, "commissioned_at": review.commissioned_at}
        return CaseReviewSerializer(review).data


class IncidentWriteSerializer(serializers.Serializer):
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


class StepSerializer(serializers.Serializer):
    """One step of the workflow. Which fields count depends on the step (see the OpenAPI description)."""

    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    answer = serializers.CharField(max_length=20000, required=False, allow_blank=True, default=None, allow_null=True)
    analysis = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    proposal = serializers.ChoiceField(choices=Proposal.choices, required=False, allow_blank=True, default="")
    decision = serializers.ChoiceField(choices=Decision.choices, required=False, allow_blank=True, default="")
    rationale = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    comments = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    briefing_title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    briefing_text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    action_description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    action_owner = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1)
    action_due_date = RealDateField(label="Due date", required=False, allow_null=True, default=None)


class CaseReviewWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    submit = serializers.BooleanField(default=False)
    summary = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    chronology = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    analysis_of_practice = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    findings = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    learning_identified = serializers.CharField(max_length=50000, required=False, allow_blank=True)
    recommendations = serializers.CharField(max_length=50000, required=False, allow_blank=True)


class ActionCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    description = serializers.CharField(max_length=5000)
    owner = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    due_date = RealDateField(label="Due date")


class ActionUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    evidence = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class BriefingSerializer(serializers.ModelSerializer):
    incident_reference = serializers.CharField(source="incident.reference")

    class Meta:
        model = Briefing
        fields = ["id", "incident_reference", "audience", "title", "text", "shared_at"]


_DECISION_FIELDS = ["decision", "rationale", "briefing_title", "briefing_text", "action_description", "action_owner", "action_due_date"]
# Each step's endpoint takes `version` and only these fields of StepSerializer; (field, what it holds here, required).
STEP_FIELDS: dict[str, tuple[str, list[tuple[str, str, bool]]]] = {
    Step.SUBMIT: ("Submit the SIN to the Assistant Director (or, non-case, to Core CMT). A SIN returned with questions is "
                  "resubmitted with the author's `answer` (or the one saved with the draft).",
                  [("answer", "The answer to the Assistant Director's questions (a returned SIN only)", False)]),
    Step.AD_ANALYSE: ("The AD's analysis and proposal; sends the SIN to the Operational Director.",
                      [("analysis", "The analysis", True), ("proposal", "Does it meet the criteria, and should CMT be told?", True)]),
    Step.AD_RETURN: ("Return the SIN to its author with questions.", [("text", "The questions for the author", True)]),
    Step.OD_SIGN_OFF: ("Sign off: alerts Core CMT and commissions the NIS case review (CR1).", [("text", "A comment, if any", False)]),
    Step.OD_RETURN: ("Return the SIN to the AD.", [("text", "What needs changing", True)]),
    Step.OD_NOT_NOTIFIABLE: ("Record that the SIN does not meet the criteria; it stays on record.", [("text", "The rationale", True)]),
    Step.CEO_DECISION: ("A CEO decision after sign-off (2.4); may be recorded more than once.",
                        [(name, "", name in ("decision", "rationale")) for name in _DECISION_FIELDS]),
    Step.CR1_RETURN: ("Return the CR1 to the NIS reviewer.", [("text", "What needs changing", True)]),
    Step.CR1_SIGN_OFF: ("Sign off the CR1 and send it to Core CMT (2.5).", [("text", "A comment, if any", False)]),
    Step.CEO_FINAL_DECISION: ("The CEO's final comments, actions and decision on sharing (2.6).",
                              [(name, "", name in ("decision", "rationale")) for name in [*_DECISION_FIELDS, "comments"]]),
    Step.LEARNING_RECORD: ("Record the learning identified, to be carried into the Learning Portal.", [("text", "The learning identified", True)]),
    Step.CLOSE: ("Close the incident: the final decision is recorded and every action is done or carried.", []),
}


def step_serializer(step: str) -> type[serializers.Serializer]:
    """The request body of one step's endpoint: `version` and that step's own fields.

    The fields stay optional here: the step's service says what is missing, in
    the same words as the page ("Enter the rationale for the decision").
    """
    _, fields = STEP_FIELDS[step]
    template = StepSerializer._declared_fields
    attrs = {"version": copy.deepcopy(template["version"])}
    for name, help_text, required in fields:
        field = copy.deepcopy(template[name])
        field.help_text = " ".join(part for part in (help_text, "Required." if required else "") if part) or None
        attrs[name] = field
    attrs["__doc__"] = STEP_FIELDS[step][0]
    name = "".join(part.capitalize() for part in step.split("_")) + "StepSerializer"
    return type(name, (serializers.Serializer,), attrs)
