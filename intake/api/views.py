"""POST /api/intake/incidents/: a source system pushes a non-case incident (source 2.10)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BoundedJSONParser
from core.api_schema import ErrorSerializer, error_responses

from ..services import intake_receive
from .authentication import IsSourceSystem, SourceTokenAuthentication
from .serializers import IntakeIncidentSerializer, IntakeResultSerializer

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX = 255

EXAMPLE_REQUEST = {
    "category": "health_safety",
    "source_reference": "HS-2026-0415",
    "title": "Fire alarm and evacuation at the Leeds office",
    "what_happened": "A fire in the kitchen; the office was evacuated and two staff were treated for smoke inhalation.",
    "incident_date": "2026-03-02",
    "aware_date": "2026-03-02",
    "who_is_affected": "Two members of staff; the office is closed for a week.",
    "other_agencies": "West Yorkshire Fire and Rescue Service.",
    "media_risk": "Local press asked about it.",
    "immediate_actions": "Staff moved to the Bradford office; occupational health referral offered.",
}
EXAMPLE_RESULT = {
    "id": 42,
    "reference": None,
    "stage": "draft",
    "source_system": "Health and Safety reporting",
    "source_reference": "HS-2026-0415",
    "created": True,
    "url": "https://sin.example.org/incidents/42/",
}


class IntakeIncidentCreate(APIView):
    authentication_classes = [SourceTokenAuthentication]
    permission_classes = [IsSourceSystem]
    parser_classes = [BoundedJSONParser]  # JSON only

    @extend_schema(
        operation_id="intake_incident_create",
        tags=["intake"],
        summary="Push a non-case incident from another system",
        description=(
            "For Health and Safety reporting, LADO referrals, HR and other systems that keep their own process "
            "(source 2.10). Creates a draft non-case SIN for the Assistant Director or Head of Profession the "
            "system is routed to, who completes and submits it. Sending the same `source_reference` again "
            "returns the record already made (200) and changes nothing; so does repeating a request with the "
            "same `Idempotency-Key`. The same key with a different request is refused (409). "
            "Authenticate with `Authorization: Bearer <token>`; an administrator issues one token per system."
        ),
        request=IntakeIncidentSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Any unique string (up to 255 characters) per intended incident, e.g. a UUID.",
            )
        ],
        responses={
            201: OpenApiResponse(IntakeResultSerializer, description="The draft SIN was created."),
            200: OpenApiResponse(IntakeResultSerializer, description="Received before: the existing record, unchanged."),
            **error_responses(
                fields=[*IntakeIncidentSerializer._declared_fields, IDEMPOTENCY_HEADER, "criteria"],
                record=False,
                auth=401,
                fields_note="A category switched off by an administrator is reported as criteria.",
            ),
            (401, "application/json"): OpenApiResponse(ErrorSerializer, description="No token, or a revoked or unknown token."),
            (409, "application/json"): OpenApiResponse(
                ErrorSerializer, description="Idempotency-Key reused for a different request, or the system is not routed."
            ),
        },
        examples=[
            OpenApiExample("A health and safety incident", value=EXAMPLE_REQUEST, request_only=True),
            OpenApiExample("Created", value=EXAMPLE_RESULT, response_only=True, status_codes=["201"]),
            OpenApiExample("Sent before", value={**EXAMPLE_RESULT, "created": False}, response_only=True, status_codes=["200"]),
            OpenApiExample(
                "Invalid payload",
                value={"category": ['"fire" is not a valid choice.'], "title": ["This field is required."]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is not None:
            key = key.strip()
            if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
                raise ValidationError({IDEMPOTENCY_HEADER: [f"Send 1 to {IDEMPOTENCY_KEY_MAX} printable characters."]})
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send a JSON object."]})
        serializer = IntakeIncidentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = intake_receive(
                source=request.auth.source_system,
                category=data["category"],
                source_reference=data["source_reference"],
                values=serializer.form_values(),
                idempotency_key=key or None,
            )
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            ) from error
        body = IntakeResultSerializer(result.incident, context={"request": request, "created": result.created}).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
