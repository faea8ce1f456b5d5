"""The cascade (3.5) and checks (3.6) through the API: the same services and visibility as the pages.

An item or alert outside the caller's sight answers 404; a field error 400 naming the field;
a refused rule 403 (wrong person) or 409 (wrong state).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import JSON_ONLY
from core.api_schema import RequestBody, error_responses

from ..models.cascade import CascadeMethod, StaffAlert
from ..models.checks import EmbeddingCheck, Finding, Forum
from ..selectors import learning_items_visible_to
from ..selectors_cascade import alerts_to_acknowledge, area_from_key, cascade_overview, checks_visible_to, staff_alerts_visible_to
from ..services import cascade as cascade_services, checks as check_services


def _service(call):
    try:
        return call()
    except DjangoValidationError as error:
        raise DRFValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}) from error


class StaffAlertSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="alert_reference", read_only=True)
    alert_kind = serializers.ChoiceField(source="kind", choices=StaffAlert.Kind.choices, read_only=True)

    class Meta:
        model = StaffAlert
        fields = ["id", "reference", "alert_kind", "title", "text", "item", "sent_at", "acknowledge_by"]


class CascadeSerializer(serializers.Serializer):
    methods = serializers.ListField(child=serializers.ChoiceField(choices=CascadeMethod.choices), read_only=True)
    teams_confirmed = serializers.IntegerField(read_only=True)
    teams = serializers.IntegerField(read_only=True)
    omt_date = serializers.DateField(read_only=True, allow_null=True)


class CascadeDecideSerializer(RequestBody, serializers.Serializer):
    methods = serializers.ListField(child=serializers.ChoiceField(choices=CascadeMethod.choices), allow_empty=True)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class CheckSerializer(serializers.ModelSerializer):
    area = serializers.SerializerMethodField()

    class Meta:
        model = EmbeddingCheck
        fields = ["id", "item", "forum", "area", "checked_on", "finding", "evidence", "is_recheck", "recorded_at"]

    def get_area(self, check) -> str:
        return str(check.area)


class CheckWriteSerializer(RequestBody, serializers.Serializer):
    forum = serializers.ChoiceField(choices=Forum.choices)
    area = serializers.CharField(help_text='"area-<id>" for a service area, "function-<id>" for a corporate function')
    checked_on = serializers.DateField(input_formats=["%Y-%m-%d"])
    finding = serializers.ChoiceField(choices=Finding.choices)
    evidence = serializers.CharField(allow_blank=True, max_length=20000)
    schema_required = ("evidence",)


class MyStaffAlerts(generics.ListAPIView):
    """The knowledge and legal alerts the caller has still to acknowledge."""

    parser_classes = JSON_ONLY  # the schema says JSON

    serializer_class = StaffAlertSerializer

    @extend_schema(
        responses={200: StaffAlertSerializer(many=True), **error_responses()}, summary="The alerts you have still to acknowledge"
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return StaffAlert.objects.filter(pk__in=alerts_to_acknowledge(self.request.user).values("alert_id")).order_by(
            "acknowledge_by", "pk"
        )


class StaffAlertAcknowledge(APIView):
    parser_classes = JSON_ONLY  # the schema says JSON
    serializer_class = StaffAlertSerializer

    @extend_schema(
        request=None,
        responses={200: StaffAlertSerializer, **error_responses()},
        summary="Acknowledge a knowledge or legal alert sent to you",
        description="Counted once: a second acknowledgement changes nothing. 403 when the alert was not sent to you.",
    )
    def post(self, request, pk: int):
        alert = get_object_or_404(staff_alerts_visible_to(request.user), pk=pk)
        cascade_services.staff_alert_acknowledge(actor=request.user, alert_id=alert.pk)
        return Response(StaffAlertSerializer(alert).data)


class ItemCascade(APIView):
    parser_classes = JSON_ONLY  # the schema says JSON
    serializer_class = CascadeSerializer

    @extend_schema(
        responses={200: CascadeSerializer, **error_responses()},
        summary="How an item's learning is cascaded and how far it reached",
    )
    def get(self, request, pk: int):
        item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
        overview = cascade_overview(item)
        return Response(
            CascadeSerializer(
                {
                    "methods": overview.decision.methods if overview.decision else [],
                    "teams_confirmed": overview.reach.teams_confirmed if overview.reach else 0,
                    "teams": overview.reach.teams if overview.reach else 0,
                    "omt_date": overview.monthly.omt_date if overview.monthly else None,
                }
            ).data
        )

    @extend_schema(
        request=CascadeDecideSerializer,
        responses={201: CascadeSerializer, **error_responses(fields=["methods", "rationale"], lists=["methods"], conflict=True)},
        summary="Agree the cascade (the cascade action's owner)",
    )
    def post(self, request, pk: int):
        item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
        data = CascadeDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(
            lambda: cascade_services.cascade_decide(
                actor=request.user,
                item_id=item.pk,
                methods=data.validated_data["methods"],
                rationale=data.validated_data["rationale"],
            )
        )
        response = self.get(request, pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class ItemChecks(APIView):
    parser_classes = JSON_ONLY  # the schema says JSON
    serializer_class = CheckSerializer

    @extend_schema(
        responses={200: CheckSerializer(many=True), **error_responses()}, summary="The checks of embedding in practice of an item"
    )
    def get(self, request, pk: int):
        item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
        checks = checks_visible_to(request.user).filter(item=item).select_related("service_area", "function")
        return Response(CheckSerializer(checks, many=True).data)

    @extend_schema(
        request=CheckWriteSerializer,
        responses={
            201: CheckSerializer,
            **error_responses(fields=["forum", "area", "checked_on", "finding", "evidence"], conflict=True),
        },
        summary="Record a check (the area's AD or HoP)",
    )
    def post(self, request, pk: int):
        item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
        data = CheckWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        area = area_from_key(d["area"])
        if area is None:
            raise DRFValidationError({"area": ["Select the area checked"]})
        check = _service(
            lambda: check_services.check_record(
                actor=request.user,
                item_id=item.pk,
                data=check_services.CheckInput(
                    forum=d["forum"], area=area, checked_on=d["checked_on"], finding=d["finding"], evidence=d["evidence"]
                ),
            )
        )
        return Response(CheckSerializer(check).data, status=status.HTTP_201_CREATED)
