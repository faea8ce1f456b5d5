"""The API: the same services and the same visibility as the pages.

A record outside a person's visibility answers 404; a field error 400; a
step refused by a rule of the process 403 (wrong person) or 409 (wrong stage,
or changed meanwhile).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

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
    IncidentWriteSerializer,
    StepSerializer,
    step_serializer,
)


def _service(call):
    """Run a service, turning its field errors into a 400 with the fields named."""
    try:
        return call()
    except DjangoValidationError as error:
        raise DRFValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}) from error


def _form_data(data) -> services.FormData:
    return services.FormData(criteria=data.get("criteria", []), values={k: data[k] for k in services.FORM_FIELDS if k in data})


def _owner(incident, pk):
    """The owner of a new action, from the people the pages offer (None: "Select who owns the action")."""
    return action_owners_for(incident).filter(pk=pk).first() if pk else None


def _detail(request, pk):
    incident = incident_detail(request.user, pk)
    return Response(IncidentDetailSerializer(incident, context={"request": request}).data)


class IncidentListCreate(generics.ListAPIView):
    serializer_class = IncidentListSerializer

    def get_queryset(self):
        return incident_list(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=IncidentWriteSerializer, responses={201: IncidentDetailSerializer})
    def post(self, request):
        serializer = IncidentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        incident = _service(lambda: services.incident_create(
            actor=request.user, kind=data["kind"], team=data.get("team"), service_area=data.get("service_area"),
            function=data.get("function"), data=_form_data(data)))
        response = _detail(request, incident.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class IncidentDetail(APIView):
    serializer_class = IncidentDetailSerializer

    @extend_schema(responses=IncidentDetailSerializer)
    def get(self, request, pk: int):
        incident = incident_detail(request.user, pk)
        services.incident_viewed(actor=request.user, incident=incident)
        return Response(IncidentDetailSerializer(incident, context={"request": request}).data)

    @extend_schema(request=IncidentWriteSerializer, responses=IncidentDetailSerializer)
    def patch(self, request, pk: int):
        incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
        serializer = IncidentWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = data.get("version")
        if version is None:
            raise DRFValidationError({"version": ["This field is required."]})
        if "criteria" not in request.data:
            data["criteria"] = list(incident.criteria.values_list("code", flat=True))
        _service(lambda: services.incident_update_draft(actor=request.user, incident_id=incident.pk,
                                                        expected_version=version, data=_form_data(data)))
        return _detail(request, pk)


class IncidentStep(APIView):
    """One step of the workflow: one endpoint per step (`for_step`), each with its own request body."""

    step: str = ""
    serializer_class = StepSerializer

    @classmethod
    def for_step(cls, step: str):
        body = step_serializer(step)
        description = STEP_FIELDS[step][0] + " Send `version`, the record's version you saw: a step sent against an older one answers 409."

        # A function of its own per step: extend_schema annotates the function it is given.
        @extend_schema(request=body, responses=IncidentDetailSerializer, operation_id=f"incidents_step_{step}",
                       summary=STEP_FIELDS[step][0], description=description)
        def post(self, request, pk: int):
            return cls.post(self, request, pk)

        view = type(f"{body.__name__.removesuffix('Serializer')}View", (cls,), {"step": step, "serializer_class": body, "post": post})
        return view.as_view()

    def post(self, request, pk: int):
        step = self.step
        incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
        serializer = StepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        row = transition_for(incident.kind, Step(step))
        if row is not None and row.service == "incident_submit":
            # One endpoint submits a draft and resubmits a returned SIN: the row of its stage.
            row = next((r for r in transitions_from(incident) if r.service == "incident_submit"), row)
        # A step of the other kind only: its service refuses it as a case step would be (403, or 409 at this stage).
        row = row or transition_for(Kind.CASE, Step(step)) or transition_for(Kind.NON_CASE, Step(step))
        _service(lambda: step_run(row, actor=request.user, incident=incident, version=d["version"], data=d))
        return _detail(request, pk)


class CaseReviewView(APIView):
    serializer_class = CaseReviewSerializer

    @extend_schema(responses=CaseReviewSerializer)
    def get(self, request, pk: int):
        incident = incident_detail(request.user, pk)
        if incident.review is None:
            raise NotFound("No case review has been commissioned.")
        services.incident_viewed(actor=request.user, incident=incident)
        return Response(IncidentDetailSerializer(incident, context={"request": request}).data["case_review"])

    @extend_schema(request=CaseReviewWriteSerializer, responses=CaseReviewSerializer)
    def put(self, request, pk: int):
        incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
        serializer = CaseReviewWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        values = {k: d[k] for k in services.CR1_FIELDS if k in d}
        review = _service(lambda: services.case_review_save(actor=request.user, incident_id=incident.pk,
                                                            expected_version=d["version"], values=values, submit=d["submit"]))
        return Response(CaseReviewSerializer(review).data)


class ActionCreate(APIView):
    serializer_class = ActionSerializer

    @extend_schema(request=ActionCreateSerializer, responses={201: ActionSerializer})
    def post(self, request, pk: int):
        incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
        serializer = ActionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        owner = _owner(incident, d["owner"])
        action = _service(lambda: services.action_add(
            actor=request.user, incident_id=incident.pk, expected_version=d["version"],
            action=services.RequestedAction(d["description"], owner, d["due_date"])))
        return Response(ActionSerializer(action).data, status=status.HTTP_201_CREATED)


class ActionUpdate(APIView):
    serializer_class = ActionSerializer

    @extend_schema(request=ActionUpdateSerializer, responses=ActionSerializer)
    def patch(self, request, pk: int):
        action = get_object_or_404(actions_visible_to(request.user), pk=pk)
        serializer = ActionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        saved = _service(lambda: services.action_update(actor=request.user, action_id=action.pk, expected_version=d["version"],
                                                        status=d["status"], evidence=d["evidence"]))
        return Response(ActionSerializer(saved).data)


class BriefingList(generics.ListAPIView):
    serializer_class = BriefingSerializer

    def get_queryset(self):
        return briefings_visible_to(self.request.user).order_by("-shared_at", "-id")
