"""What a source system sends (400 with field errors when it is wrong), and what it gets back."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.api_schema import RequestBody
from incidents.api.serializers import RealDateField
from incidents.criteria import NON_CASE_CATEGORIES
from incidents.models import Incident
from incidents.services import validate_dates

# Printable, no spaces at the ends, no control characters: references are shown and searched.
REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._:/#-]{0,99}$"


class IntakeIncidentSerializer(RequestBody, serializers.Serializer):
    """A non-case incident from another system: the category of 2.11 and what the SIN form asks."""

    # Their text may not be blank, which the schema says too.
    schema_required = ("category", "source_reference", "title", "what_happened")

    category = serializers.ChoiceField(
        choices=NON_CASE_CATEGORIES, help_text="One of the reportable incident categories of source 2.11."
    )
    source_reference = serializers.RegexField(
        REFERENCE_PATTERN,
        max_length=100,
        help_text="The incident's reference in your system. Sent again, it returns the same record.",
    )
    title = serializers.CharField(max_length=150)
    what_happened = serializers.CharField(max_length=20000)
    incident_date = RealDateField(label="Date of the incident", required=False, allow_null=True)
    aware_date = RealDateField(
        label="Date Cafcass became aware", required=False, allow_null=True, help_text="When Cafcass became aware."
    )
    who_is_affected = serializers.CharField(
        max_length=20000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Shown on the SIN as 'Who and what is affected'.",
    )
    other_agencies = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    media_risk = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    immediate_actions = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        try:
            validate_dates(attrs.get("incident_date"), attrs.get("aware_date"))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs

    def form_values(self) -> dict:
        """The SIN form fields, under the names incidents.services uses."""
        data = self.validated_data
        values = {
            name: data.get(name)
            for name in (
                "title",
                "what_happened",
                "incident_date",
                "aware_date",
                "other_agencies",
                "media_risk",
                "immediate_actions",
            )
        }
        # The non-case form shows cafcass_involvement as "Who and what is affected".
        values["cafcass_involvement"] = data.get("who_is_affected", "")
        return values


class IntakeResultSerializer(serializers.ModelSerializer):
    """Enough for the source system to link back; the content stays here."""

    created = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = ["id", "reference", "stage", "source_system", "source_reference", "created", "url"]

    def get_created(self, obj) -> bool:
        return bool(self.context.get("created"))

    def get_url(self, obj) -> str:
        # From the configured address, not the request's Host header.
        return settings.SITE_URL.rstrip("/") + obj.get_absolute_url()
