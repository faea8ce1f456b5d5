"""The API: the same services and the same visibility as the pages.

A record outside a person's visibility answers 404; a field error 400, keyed by
the request's own field names; a step refused by a rule of the process 403
(wrong person) or 409 (wrong stage, or changed meanwhile). Each operation's
schema lists those answers (core.api_schema.error_responses).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError as DRFValidationError
from rest_framework.fields import empty
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import JSON_ONLY
from core.api_schema import error_responses

from .. import services
from ..choices import Kind, Step
from ..selectors import (
    action_owners_for,
    actions_visible_to,
    briefings_visible_to,
    incident_detail,
    incident_list,
    incidents_visible_to,
)
from ..steps import step_run
from ..workflow import transition_for, transitions_from
from .serializers import (
    STEP_FIELDS,
    ActionCreateSerializer,
    ActionSerializer,
    ActionUpdateSerializer,
    BriefingSerializer,
    CaseReviewSerializer,
    CaseReviewWriteSerializer,
    IncidentDetailSerializer,
    IncidentListSerializer,
    IncidentPatchSerializer,
    IncidentWriteSerializer,
    StepSerializer,
    case_review_data,
    step_serializer,
)


class StrictPageNumberPagination(PageNumberPagination):
    """Pages as DRF numbers them, where an empty `page` is refused like any page that is not a number
    (404 "Invalid page."), not taken as the first: the schema says `page` is an integer."""

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message.format(page_number="", message="That page number is not an integer"))
        return super().get_page_number(request, paginator)


def _service(call):
    """Run a service, turning its field errors into a 400 with the fields named (non_field_errors for the rest)."""
    try:
        return call()
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise DRFValidationError({"non_field_errors": error.messages}) from error
        raise DRFValidationError(error.message_dict) from error


def _form_data(data) -> services.FormData:
    return services.FormData(criteria=data.get("criteria", []), values={k: data[k] for k in services.FORM_FIELDS if k in data})


def _owner(incident, pk):
    """The owner of a new action, from the people the pages offer (None: "Select who owns the action")."""
    return action_owners_for(incident).filter(pk=pk).first() if pk else None


def _detail(request, pk):
    incident = incident_detail(request.user, pk)
    return Response(IncidentDetailSerializer(incident, context={"request": request}).data)


def _fields(serializer) -> list[str]:
    return list(serializer._declared_fields)


# What the SIN lacks, when it is submitted incomplete: by the SIN's own fields, as the PATCH names them,
# and, for a SIN returned with questions, the answer to them (saved with the draft, on its page).
SIN_FIELDS = [*services.FORM_FIELDS, "criteria", "answer"]


class IncidentListCreate(generics.ListAPIView):
    serializer_class = IncidentListSerializer
    pagination_class = StrictPageNumberPagination
    parser_classes = JSON_ONLY

    def get_queryset(self):
        return incident_list(self.request.user).order_by("-created_at", "-id")

    @extend_schema(responses={200: IncidentListSerializer, **error_responses()})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=IncidentWriteSerializer,
        responses={
            201: IncidentDetailSerializer,
            **error_responses(
                fields=_fields(IncidentWriteSerializer),
                lists=["criteria"],
                record=False,
                fields_note="A team, area or function that does not exist, an unknown criterion, or "
                "dates that cannot be (in the future; aware before the incident).",
            ),
        },
    )
    def post(self, request):
        serializer = IncidentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        incident = _service(
            lambda: services.incident_create(
                actor=request.user,
                kind=data["kind"],
                team=data.get("team"),
                service_area=data.get("service_area"),
                function=data.get("function"),
                data=_form_data(data),
            )
        )
        response = _detail(request, incident.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class IncidentDetail(APIView):
    serializer_class = IncidentDetailSerializer
    parser_classes = JSON_ONLY

    @extend_schema(responses={200: IncidentDetailSerializer, **error_responses()})
    def get(self, request, pk: int):
        incident = incident_detail(request.user, pk)
        services.incident_viewed(actor=request.user, incident=incident)
        return Response(IncidentDetailSerializer(incident, context={"request": request}).data)

    @extend_schema(
        request=IncidentPatchSerializer,
        responses={
            200: IncidentDetailSerializer,
            **error_responses(
                fields=_fields(IncidentPatchSerializer),
                lists=["criteria"],
                conflict=True,
                fields_note="An unknown criterion, or dates that cannot be.",
            ),
        },
    )
    def patch(self, request, pk: int):
        incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
        serializer = IncidentPatchSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = data.get("version")
        if version is None:
            raise DRFValidationError({"version": ["This field is required."]})
        if "criteria" not in request.data:
            data["criteria"] = list(incident.criteria.values_list("code", flat=True))
        _service(
            lambda: services.incident_update_draft(
                actor=request.user, incident_id=incident.pk, expected_version=version, data=_form_data(data)
            )
        )
        return _detail(request, pk)


# What a step's 400 may say beyond its own fields' errors.
STEP_ERROR_NOTES = {
    Step.SUBMIT: "What the SIN still lacks is named by the SIN's own fields (as PATCH /api/incidents/{id}/ names them), "
    "and a returned SIN's missing answer to the questions as answer.",
    Step.CEO_DECISION: "Also what the schema cannot say: a briefing when sharing, an action when asking for one, "
    "its owner among the people offered and its due date not past.",
    Step.CEO_FINAL_DECISION: "Also what the schema cannot say: a briefing when sharing, an action's owner among the "
    "people offered and its due date not past.",
}


class IncidentStep(APIView):
    """One step of the workflow: one endpoint per step (`for_step`), each with its own request body."""

    step: str = ""
    serializer_class = StepSerializer
    parser_classes = JSON_ONLY

    @classmethod
    def for_step(cls, step: str):
        body = step_serializer(step)
        description = (
            STEP_FIELDS[step][0] + " Send `version`, the record's version you saw: a step sent against an older one answers 409."
        )
        note = STEP_ERROR_NOTES.get(step, "")
        errors = error_responses(
            fields=[*_fields(body), *(SIN_FIELDS if step == Step.SUBMIT else [])], conflict=True, fields_note=note
        )

        # A function of its own per step: extend_schema annotates the function it is given.
        @extend_schema(
            request=body,
            responses={200: IncidentDetailSerializer, **errors},
            operation_id=f"incidents_step_{step}",
            summary=STEP_FIELDS[step][0],
            description=description,
        )
        def post(self, request, pk: int):
            return cls.post(self, request, pk)

        view = type(
            f"{body.__name__.removesuffix('Serializer')}View", (cls,), {"step": step, "serializer_class": body, "post": post}
        )
        return view.as_view()

    def post(self, request, pk: int):
        step = Step(self.step)
        incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
        # Only this step's own fields are read (anything else sent is ignored, as the schema allows).
        serializer = self.serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        # What a field left out means: the default of StepSerializer, the service's default.
        defaults = {name: field.default for name, field in StepSerializer._declared_fields.items() if field.default is not empty}
        d = {**defaults, **serializer.validated_data}
        row = transition_for(incident.kind, step)
        if row is not None and row.service == "incident_submit":
            # One endpoint submits a draft and resubmits a returned SIN: the row of its stage.
            row = next((r for r in transitions_from(incident) if r.service == "incident_submit"), row)
        # A step of the other kind only: its service refuses it as a case step would be (403, or 409 at this stage).
        row = row or transition_for(Kind.CASE, step) or transition_for(Kind.NON_CASE, step)
        # step_run reports a field error under the request's field ("text", not the service's "questions").
        _service(lambda: step_run(row, actor=request.user, incident=incident, version=d["version"], data=d))
        return _detail(request, pk)


class CaseReviewView(APIView):
    serializer_class = CaseReviewSerializer
    parser_classes = JSON_ONLY

    @extend_schema(responses={200: CaseReviewSerializer, **error_responses()})
    def get(self, request, pk: int):
        incident = incident_detail(request.user, pk)
        if incident.review is None:
            raise NotFound("No case review has been commissioned.")
        services.incident_viewed(actor=request.user, incident=incident)
        return Response(case_review_data(incident.review, incident, request))

    @extend_schema(
        request=CaseReviewWriteSerializer,
        responses={
            200: CaseReviewSerializer,
            **error_responses(
                fields=_fields(CaseReviewWriteSerializer),
                conflict=True,
                fields_note="Submitted with a part of the CR1 still empty: that part, by its field.",
            ),
        },
    )
    def put(self, request, pk: int):
        incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
        serializer = CaseReviewWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        values = {k: d[k] for k in services.CR1_FIELDS if k in d}
        review = _service(
            lambda: services.case_review_save(
                actor=request.user, incident_id=incident.pk, expected_version=d["version"], values=values, submit=d["submit"]
            )
        )
        return Response(CaseReviewSerializer(review).data)


# The service names a new action's fields as the pages' forms do.
ACTION_FIELDS_AS_THE_SERVICE_NAMES_THEM = ["action_description", "action_owner", "action_due_date"]


class ActionCreate(APIView):
    serializer_class = ActionSerializer
    parser_classes = JSON_ONLY

    @extend_schema(
        request=ActionCreateSerializer,
        responses={
            201: ActionSerializer,
            **error_responses(
                fields=[*_fields(ActionCreateSerializer), *ACTION_FIELDS_AS_THE_SERVICE_NAMES_THEM],
                conflict=True,
                fields_note="An owner who is not among the people the pages offer, or a due date in the past, "
                "is reported as action_owner or action_due_date.",
            ),
        },
    )
    def post(self, request, pk: int):
        incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
        serializer = ActionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        owner = _owner(incident, d["owner"])
        action = _service(
            lambda: services.action_add(
                actor=request.user,
                incident_id=incident.pk,
                expected_version=d["version"],
                action=services.RequestedAction(d["description"], owner, d["due_date"]),
            )
        )
        return Response(ActionSerializer(action).data, status=status.HTTP_201_CREATED)


class ActionUpdate(APIView):
    serializer_class = ActionSerializer
    parser_classes = JSON_ONLY

    @extend_schema(
        request=ActionUpdateSerializer,
        responses={
            200: ActionSerializer,
            **error_responses(
                fields=_fields(ActionUpdateSerializer), conflict=True, fields_note="Done without evidence: evidence."
            ),
        },
    )
    def patch(self, request, pk: int):
        action = get_object_or_404(actions_visible_to(request.user), pk=pk)
        serializer = ActionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        saved = _service(
            lambda: services.action_update(
                actor=request.user, action_id=action.pk, expected_version=d["version"], status=d["status"], evidence=d["evidence"]
            )
        )
        return Response(ActionSerializer(saved).data)


class BriefingList(generics.ListAPIView):
    serializer_class = BriefingSerializer
    pagination_class = StrictPageNumberPagination

    def get_queryset(self):
        return briefings_visible_to(self.request.user).order_by("-shared_at", "-id")

    @extend_schema(responses={200: BriefingSerializer, **error_responses()})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
