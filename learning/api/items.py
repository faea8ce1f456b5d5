"""Learning items through the API: every step of the pages, the same services and visibility.

An item outside the caller's sight answers 404; a field error 400 naming the request's field; a refused
rule 403 (wrong person) or 409 (wrong state, or a version changed since it was read).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from actions.choices import ActionKind
from actions.models import Action, Strength
from actions.services import RequestedAction
from core.api import JSON_ONLY
from core.api_schema import RequestBody, error_responses
from organisation.models import CorporateFunction, ServiceArea

from ..choices import HEADING_FIELDS, ItemStatus, Rung, Source
from ..models import LearningItem, LearningOrigin, Theme
from ..selectors import learning_item_list, learning_items_filtered, learning_items_visible_to
from ..services import items as services

# Service error keys -> the request's own field names.
ACTION_FIELDS = {
    "action_description": "description",
    "action_owner": "owner",
    "action_due_date": "due_date",
    "action_strength": "strength",
}


def _service(call, rename=None):
    try:
        return call()
    except DjangoValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        raise DRFValidationError({(rename or {}).get(k, k): v for k, v in errors.items()}) from error


class LearningActionSerializer(serializers.ModelSerializer):
    action_kind = serializers.ChoiceField(source="kind", choices=ActionKind.choices, read_only=True)

    class Meta:
        model = Action
        fields = ["id", "action_kind", "description", "owner", "due_date", "status", "strength", "evidence"]


class LearningItemSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    source = serializers.ChoiceField(source="origin.source", choices=Source.choices, read_only=True)
    item_status = serializers.ChoiceField(source="status", choices=ItemStatus.choices, read_only=True)
    rung = serializers.ChoiceField(choices=Rung.choices, read_only=True)
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = LearningItem
        fields = [
            "id",
            "reference",
            "title",
            "origin",
            "source",
            "item_status",
            "rung",
            *HEADING_FIELDS,
            "service_area",
            "function",
            "responsible",
            "themes",
            "covered_by_guidance",
            "covered_by",
            "incident",
            "published_at",
            "closed_at",
            "closure_rationale",
            "version",
        ]


class LearningItemDetailSerializer(LearningItemSerializer):
    actions = LearningActionSerializer(many=True, read_only=True)

    class Meta(LearningItemSerializer.Meta):
        fields = [*LearningItemSerializer.Meta.fields, "actions"]


class LearningItemWriteSerializer(RequestBody, serializers.Serializer):
    title = serializers.CharField(max_length=150, allow_blank=True)
    origin = serializers.SlugRelatedField(slug_field="code", queryset=LearningOrigin.objects.filter(active=True))
    impact_on_child = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    what_cafcass_did = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    learning_identified = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    how_addressed = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    impact_on_practice = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    service_area = serializers.PrimaryKeyRelatedField(
        queryset=ServiceArea.objects.all(), required=False, allow_null=True, default=None
    )
    function = serializers.PrimaryKeyRelatedField(
        queryset=CorporateFunction.objects.all(), required=False, allow_null=True, default=None
    )
    themes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Theme.objects.filter(active=True), required=False, default=list
    )
    covered_by_guidance = serializers.BooleanField(required=False, allow_null=True, default=None)
    covered_by = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    version = serializers.IntegerField(required=False, help_text="The version read: needed to change an item.")

    def item_data(self) -> services.ItemData:
        d = self.validated_data
        return services.ItemData(
            title=d["title"],
            origin=d["origin"],
            headings={n: d[n] for n in HEADING_FIELDS},
            service_area=d["service_area"],
            function=d["function"],
            themes=list(d["themes"]),
            covered_by_guidance=d["covered_by_guidance"],
            covered_by=d["covered_by"],
        )


ITEM_FIELDS = [
    "title",
    "origin",
    *HEADING_FIELDS,
    "service_area",
    "function",
    "themes",
    "covered_by_guidance",
    "covered_by",
    "version",
]
# What the services may refuse beyond the request's fields: keyed by the request's own names here.
ITEM_RENAMES = {"area": "service_area", "responsible": "service_area"}


class ItemList(generics.ListCreateAPIView):
    parser_classes = JSON_ONLY  # the schema says JSON
    serializer_class = LearningItemSerializer

    @extend_schema(
        parameters=[OpenApiParameter(name, str, required=False) for name in ("source", "area", "theme", "rung", "q")]
        + [OpenApiParameter("overdue", bool, required=False)],
        responses={200: LearningItemSerializer(many=True), **error_responses(fields=["overdue"])},  # 404: past the last page
        summary="The learning items you read, with the portal's filters and search",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        if p.get("overdue") not in (None, "", "true", "false", "1", "0"):
            raise DRFValidationError({"overdue": ["Must be true or false."]})
        return learning_items_filtered(
            self.request.user,
            source=p.get("source", ""),
            area=p.get("area", ""),
            theme=p.get("theme", ""),
            rung=p.get("rung", ""),
            overdue=p.get("overdue") in ("1", "true"),
            q=p.get("q", ""),
        )

    @extend_schema(
        request=LearningItemWriteSerializer,
        responses={201: LearningItemDetailSerializer, **error_responses(fields=ITEM_FIELDS, record=False)},
        summary="Record learning (a draft)",
    )
    def post(self, request, *args, **kwargs):
        data = LearningItemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = _service(lambda: services.learning_item_create(actor=request.user, data=data.item_data()), ITEM_RENAMES)
        return Response(LearningItemDetailSerializer(item).data, status=status.HTTP_201_CREATED)


class ItemDetail(APIView):
    parser_classes = JSON_ONLY  # the schema says JSON
    serializer_class = LearningItemDetailSerializer

    @extend_schema(
        responses={200: LearningItemDetailSerializer, **error_responses()}, summary="One learning item with its actions"
    )
    def get(self, request, pk: int):
        item = get_object_or_404(learning_item_list(request.user).prefetch_related("actions"), pk=pk)
        return Response(LearningItemDetailSerializer(item).data)

    @extend_schema(
        request=LearningItemWriteSerializer,
        responses={200: LearningItemDetailSerializer, **error_responses(fields=ITEM_FIELDS, conflict=True)},
        summary="Change an item (its author, the person responsible or a lead)",
    )
    def put(self, request, pk: int):
        item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
        data = LearningItemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "version" not in data.validated_data:
            raise DRFValidationError({"version": ["Send the version of the item you read"]})
        item = _service(
            lambda: services.learning_item_edit(
                actor=request.user, item_id=item.pk, expected_version=data.validated_data["version"], data=data.item_data()
            ),
            ITEM_RENAMES,
        )
        return Response(LearningItemDetailSerializer(item).data)


class LearningPublishSerializer(RequestBody, serializers.Serializer):
    version = serializers.IntegerField()
    confirm_no_identifiers = serializers.BooleanField()
    all_weaker_reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ItemPublish(APIView):
    parser_classes = JSON_ONLY  # the schema says JSON
    serializer_class = LearningItemDetailSerializer

    @extend_schema(
        request=LearningPublishSerializer,
        responses={
            200: LearningItemDetailSerializer,
            **error_responses(
                fields=[
                    "version",
                    "confirm_no_identifiers",
                    "all_weaker_reason",
                    "title",
                    *HEADING_FIELDS,
                    "themes",
                    "service_area",
                    "covered_by_guidance",
                ],
                conflict=True,
            ),
        },
        summary="Publish an item; not covered by guidance, the three actions of 3.3-3.5 are created with it",
    )
    def post(self, request, pk: int):
        item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
        data = LearningPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        item = _service(
            lambda: services.learning_item_publish(
                actor=request.user,
                item_id=item.pk,
                expected_version=d["version"],
                confirm_no_identifiers=d["confirm_no_identifiers"],
                all_weaker_reason=d["all_weaker_reason"],
            ),
            {**ITEM_RENAMES},
        )
        return Response(
            LearningItemDetailSerializer(learning_item_list(request.user).prefetch_related("actions").get(pk=item.pk)).data
        )


class LearningActionWriteSerializer(RequestBody, serializers.Serializer):
    version = serializers.IntegerField()
    description = serializers.CharField(max_length=5000, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    due_date = serializers.DateField()
    strength = serializers.ChoiceField(choices=Strength.choices)


class ItemActionCreate(APIView):
    parser_classes = JSON_ONLY  # the schema says JSON
    serializer_class = LearningActionSerializer

    @extend_schema(
        request=LearningActionWriteSerializer,
        responses={
            201: LearningActionSerializer,
            **error_responses(fields=["version", "description", "owner", "due_date", "strength"], conflict=True),
        },
        summary="Add a further action (the person responsible)",
    )
    def post(self, request, pk: int):
        item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
        data = LearningActionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        action = _service(
            lambda: services.learning_item_action_add(
                actor=request.user,
                item_id=item.pk,
                expected_version=d["version"],
                strength=d["strength"],
                requested=RequestedAction(d["description"], d["owner"], d["due_date"]),
            ),
            ACTION_FIELDS,
        )
        return Response(LearningActionSerializer(action).data, status=status.HTTP_201_CREATED)


class LearningCloseSerializer(RequestBody, serializers.Serializer):
    version = serializers.IntegerField()
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ItemClose(APIView):
    parser_classes = JSON_ONLY  # the schema says JSON
    serializer_class = LearningItemDetailSerializer

    @extend_schema(
        request=LearningCloseSerializer,
        responses={200: LearningItemDetailSerializer, **error_responses(fields=["version", "rationale"], conflict=True)},
        summary="Close an item: at 'sustained', or with a rationale",
    )
    def post(self, request, pk: int):
        item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
        data = LearningCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = _service(
            lambda: services.learning_item_close(
                actor=request.user,
                item_id=item.pk,
                expected_version=data.validated_data["version"],
                rationale=data.validated_data["rationale"],
            )
        )
        return Response(LearningItemDetailSerializer(item).data)


class LearningCarrySerializer(RequestBody, serializers.Serializer):
    # Related keys rather than a list of integers: an error then reads as a list of messages, as the schema says.
    actions = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Action.objects.all(),
        required=False,
        default=list,
        help_text="The SIN's open actions carried into the portal.",
    )


class IncidentCarry(APIView):
    parser_classes = JSON_ONLY  # the schema says JSON
    serializer_class = LearningItemDetailSerializer

    @extend_schema(
        request=LearningCarrySerializer,
        responses={201: LearningItemDetailSerializer, **error_responses(fields=["actions"], conflict=True)},
        summary="Carry a SIN's learning into the Learning Portal (its AD, 2.7)",
    )
    def post(self, request, pk: int):
        from incidents.selectors import incidents_visible_to

        incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
        data = LearningCarrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = _service(
            lambda: services.learning_item_carry(
                actor=request.user, incident_id=incident.pk, action_ids=[a.pk for a in data.validated_data["actions"]]
            )
        )
        return Response(LearningItemDetailSerializer(item).data, status=status.HTTP_201_CREATED)
