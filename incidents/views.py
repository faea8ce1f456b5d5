"""Pages for serious incidents. Every page starts from the visibility selector;
every change goes through a service in incidents.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.exceptions import BusinessRuleError, StaleRecord
from organisation.choices import Role
from organisation.selectors import access_for

from . import services
from .choices import EDITABLE_STAGES, Kind, Stage, Step
from .fields import search_hashes
from .forms import (
    ActionForm,
    AnalysisForm,
    CaseReviewForm,
    DecisionForm,
    IncidentFilterForm,
    IncidentForm,
    TextStepForm,
    VersionedForm,
    place_choices_for_case,
    place_choices_for_non_case,
    resolve_place,
)
from .models import Incident
from .selectors import (
    action_owners_for,
    awaiting_action_filter,
    briefings_visible_to,
    incident_detail as select_incident_detail,
    incident_list as select_incident_list,
    incidents_visible_to,
    latest_resubmission,
)
from .steps import step_run
from .versions import changes_by_event
from .workflow import ACTION_STAGES, PAGE_STEPS, next_step_label, transition_for, transitions_from, who_acts

PAGE_SIZE = 25


def _apply_errors(form, error: ValidationError) -> None:
    """Show a service's field errors beside the fields (others at the top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _run(request, form, call, current_version=None):
    """Call a service; on a refused rule or a field error keep the form as typed.

    On a stale form, `current_version()` (when given) goes into the hidden
    field: the person has been told, so sending the kept text again is deliberate.
    """
    try:
        return call()
    except ValidationError as error:
        _apply_errors(form, error)
    except StaleRecord as error:
        form.add_error(None, error.message)
        if current_version is not None:
            form.data = form.data.copy()
            form.data["version"] = current_version()
    except BusinessRuleError as error:
        form.add_error(None, error.message)
    return None


def _incident_version(pk: int) -> int:
    return Incident.objects.values_list("version", flat=True).get(pk=pk)


# --- lists -------------------------------------------------------------------


def _filtered(request, queryset):
    form = IncidentFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            # The case reference is encrypted: found exactly, through its keyed hash (incidents.fields).
            queryset = queryset.filter(
                Q(reference__icontains=data["q"])
                | Q(title__icontains=data["q"])
                | Q(case_reference_hash__in=search_hashes(data["q"]))
            )
        if data["stage"]:
            queryset = queryset.filter(stage=data["stage"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["criterion"]:
            queryset = queryset.filter(criteria=data["criterion"])
        if data["region"]:
            queryset = queryset.filter(region_id=data["region"])
        if data["service_area"]:
            queryset = queryset.filter(service_area_id=data["service_area"])
        if data["submitted_from"]:
            queryset = queryset.filter(submitted_at__date__gte=data["submitted_from"])
        if data["submitted_to"]:
            queryset = queryset.filter(submitted_at__date__lte=data["submitted_to"])
    elif form.is_bound:
        # A filter that cannot be applied lists nothing, rather than everything as if it had been.
        queryset = queryset.none()
    return form, queryset


def _list_page(request, queryset, title: str, list_name: str):
    form, queryset = _filtered(request, queryset)
    page = Paginator(queryset.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for incident in page.object_list:
        incident.next_step = next_step_label(incident)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "incidents/incident_list.html",
        {
            "title": title,
            "page": page,
            "filter_form": form,
            "query": query.urlencode(),
            "list_name": list_name,
        },
    )


def incident_list(request):
    return _list_page(request, select_incident_list(request.user), "All incidents you can see", "all")


def incident_awaiting(request):
    queryset = select_incident_list(request.user).filter(awaiting_action_filter(request.user))
    return _list_page(request, queryset, "Incidents awaiting your action", "awaiting")


def incident_mine(request):
    return _list_page(request, select_incident_list(request.user).filter(author=request.user), "Incidents you wrote", "mine")


# --- the form -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def incident_create(request):
    kind = request.GET.get("kind") or request.POST.get("kind")
    if not kind:
        # A Head of Profession writes only non-case SINs: "Report an incident" opens that form.
        kind = (
            Kind.CASE if place_choices_for_case(request.user) or not place_choices_for_non_case(request.user) else Kind.NON_CASE
        )
    if kind not in Kind.values:
        raise Http404
    places = place_choices_for_case(request.user) if kind == Kind.CASE else place_choices_for_non_case(request.user)
    if not places:
        raise PermissionDenied
    form = IncidentForm(request.POST or None, kind=kind, places=places, creating=True)
    if request.method == "POST" and form.is_valid():
        incident = _run(
            request,
            form,
            lambda: services.incident_create(
                actor=request.user, kind=kind, data=form.form_data(), **resolve_place(form.cleaned_data["place"])
            ),
        )
        if incident is not None:
            messages.success(request, "Draft saved. You can come back to it at any time before you submit it.")
            return redirect("incidents:detail", pk=incident.pk)
    access = access_for(request.user)
    return render(
        request,
        "incidents/incident_form.html",
        {
            "form": form,
            "kind": kind,
            "creating": True,
            "can_write_other_kind": bool(place_choices_for_non_case(request.user))
            if kind == Kind.CASE
            else bool(place_choices_for_case(request.user)),
            "access": access,
        },
    )


@require_http_methods(["GET", "POST"])
def incident_edit(request, pk: int):
    incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
    if not request.user.has_perm("incidents.edit_draft", incident):
        raise PermissionDenied
    if request.method == "GET" and incident.stage not in EDITABLE_STAGES:
        messages.info(request, "This incident has been submitted, so its form can no longer be changed.")
        return redirect("incidents:detail", pk=incident.pk)
    answering = incident.stage == Stage.RETURNED
    initial = {name: getattr(incident, name) for name in services.FORM_FIELDS}
    initial["criteria"] = list(incident.criteria.values_list("code", flat=True))
    initial["version"] = incident.version
    initial["answer"] = incident.answer_draft
    form = IncidentForm(request.POST or None, initial=initial, kind=incident.kind, answering=answering)
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data.get("answer") if answering else None
        saved = _run(
            request,
            form,
            lambda: services.incident_update_draft(
                actor=request.user,
                incident_id=incident.pk,
                expected_version=form.cleaned_data["version"],
                data=form.form_data(),
                answer=answer,
            ),
            current_version=lambda: _incident_version(incident.pk),
        )
        if saved is not None and "save_and_submit" in request.POST:
            # The draft is saved first, so nothing typed is lost if something is missing.
            submitted = _run(
                request,
                form,
                lambda: services.incident_submit(
                    actor=request.user, incident_id=incident.pk, expected_version=saved.version, answer=answer
                ),
            )
            if submitted is not None:
                messages.success(request, f"The incident has been submitted. Its reference is {submitted.reference}.")
                return redirect("incidents:detail", pk=incident.pk)
            form.data = form.data.copy()
            form.data["version"] = saved.version
            # Say so: the errors are about submitting, and what was typed is kept.
            messages.info(request, "Your changes are saved as a draft. Complete what is asked below, then submit.")
        elif saved is not None:
            messages.success(request, "Your changes are saved.")
            return redirect("incidents:detail", pk=incident.pk)
    returned_with = None
    if incident.stage == Stage.RETURNED:
        # The questions the author must answer, beside the form they answer them in.
        returned_with = incident.events.filter(step=Step.AD_RETURN).select_related("actor").order_by("-at", "-pk").first()
    return render(
        request,
        "incidents/incident_form.html",
        {"form": form, "incident": incident, "kind": incident.kind, "returned_with": returned_with},
    )


@require_http_methods(["POST"])
def incident_submit(request, pk: int):
    incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
    if not request.user.has_perm("incidents.submit", incident):
        raise PermissionDenied  # as every step page answers the wrong person
    version = request.POST.get("version", "")
    try:
        services.incident_submit(
            actor=request.user,
            incident_id=incident.pk,
            expected_version=int(version) if version.isascii() and version.isdigit() else -1,
        )
    except ValidationError as error:
        messages.error(
            request, "The form is not complete yet: " + "; ".join(m for ms in error.message_dict.values() for m in ms) + "."
        )
        return redirect("incidents:edit", pk=incident.pk)
    except BusinessRuleError as error:
        messages.error(request, error.message)
        return redirect("incidents:detail", pk=incident.pk)
    messages.success(request, "The incident has been submitted.")
    return redirect("incidents:detail", pk=incident.pk)


# --- the detail page and its steps ------------------------------------------------


def _steps_for(user, incident) -> list[tuple[str, str]]:
    """The steps this person may take on this incident now, with a page of the step form (the detail page's buttons)."""
    return [
        (row.step.value, row.title)
        for row in transitions_from(incident)
        if row.step in PAGE_STEPS and user.has_perm(row.perm, incident)
    ]


def _step_form(row, incident, data=None):
    initial = {"version": incident.version}
    if row.form == "analysis":
        return AnalysisForm(data, initial=initial)
    if row.form == "decision":
        return DecisionForm(data, initial=initial, final=row.step == Step.CEO_FINAL_DECISION, owners=action_owners_for(incident))
    if row.form == "confirm":
        # A confirmation: the step records no text.
        form = VersionedForm(data, initial=initial)
        form._helper(submit=row.title)
        return form
    if row.step == Step.LEARNING_RECORD:
        initial["text"] = incident.learning_identified
    return TextStepForm(data, initial=initial, **row.text)


def incident_detail(request, pk: int):
    incident = select_incident_detail(request.user, pk)
    services.incident_viewed(actor=request.user, incident=incident)
    access = access_for(request.user)
    decisions, actions = list(incident.decisions.all()), list(incident.actions.all())
    can_read_review = request.user.has_perm("incidents.read_case_review", incident)
    events = list(incident.events.all())
    # Each resubmission shows the version it replaced and what changed; a CR1's only to its readers.
    changes = changes_by_event(v for v in incident.submitted_versions.all() if v.form == "sin" or can_read_review)
    for event in events:
        event.changes = changes.get(event.pk)
    for action in actions:
        # Only those who may change an action are offered the link (the prefetch set action.incident).
        action.can_update = incident.stage != Stage.CLOSED and request.user.has_perm("actions.update", action)
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "events": events,
            "decisions": decisions,
            "actions": actions,
            "review": incident.review,
            "criteria": list(incident.criteria.all()),
            "steps": _steps_for(request.user, incident),
            "next_step": next_step_label(incident),
            "who_acts": who_acts(incident),
            "can_edit": incident.stage in EDITABLE_STAGES and request.user.has_perm("incidents.edit_draft", incident),
            "can_write_review": incident.stage == Stage.CASE_REVIEW
            and request.user.has_perm("incidents.write_case_review", incident),
            "can_read_review": can_read_review,
            "can_add_action": request.user.has_perm("incidents.add_action", incident) and incident.stage in ACTION_STAGES,
            "closure_blockers": services.closure_blockers(incident)
            if incident.stage == Stage.ACTIONS and request.user.has_perm("incidents.close", incident)
            else [],
            "is_ceo": access.has(Role.CEO),
        },
    )


@require_http_methods(["GET", "POST"])
def incident_step(request, pk: int, step: str):
    incident = select_incident_detail(request.user, pk)
    try:
        row = transition_for(incident.kind, Step(step))
    except ValueError:
        raise Http404 from None
    if row is None or row.step not in PAGE_STEPS:
        raise Http404
    if not request.user.has_perm(row.perm, incident):
        raise PermissionDenied
    form = _step_form(row, incident, request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            form,
            lambda: step_run(
                row, actor=request.user, incident=incident, version=form.cleaned_data["version"], data=form.cleaned_data
            ),
            current_version=lambda: _incident_version(incident.pk),
        )
        if done is not None:
            messages.success(request, row.done)
            return redirect("incidents:detail", pk=incident.pk)
    return render(
        request,
        "incidents/step_form.html",
        {
            "incident": incident,
            "form": form,
            "title": row.title,
            "step": row.step,
            "resubmission": _resubmission_for(row.step, request.user, incident),
        },
    )


def _resubmission_for(step, user, incident):
    """On the pages that judge a form sent back after a return, the return, the answer and what
    changed, side by side (2.2 for the SIN, 2.5 for the CR1)."""
    from .models import SubmittedVersion

    if step in (Step.AD_ANALYSE, Step.AD_RETURN):
        return latest_resubmission(incident, SubmittedVersion.Form.SIN)
    if step in (Step.CR1_SIGN_OFF, Step.CR1_RETURN) and user.has_perm("incidents.read_case_review", incident):
        return latest_resubmission(incident, SubmittedVersion.Form.CR1)
    return None


@require_http_methods(["GET", "POST"])
def case_review_edit(request, pk: int):
    incident = select_incident_detail(request.user, pk)
    if incident.review is None or not request.user.has_perm("incidents.write_case_review", incident):
        raise PermissionDenied
    review = incident.review
    initial = {name: getattr(review, name) for name in services.CR1_FIELDS}
    initial["version"] = incident.version
    form = CaseReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "submit_review" in request.POST
        values = {name: form.cleaned_data[name] for name in services.CR1_FIELDS}
        saved = _run(
            request,
            form,
            lambda: services.case_review_save(
                actor=request.user,
                incident_id=incident.pk,
                expected_version=form.cleaned_data["version"],
                values=values,
                submit=submit,
            ),
            current_version=lambda: _incident_version(incident.pk),
        )
        if saved is not None:
            messages.success(
                request, "The case review has been submitted for sign-off." if submit else "The case review draft is saved."
            )
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/case_review_form.html", {"incident": incident, "form": form})


@require_http_methods(["GET", "POST"])
def action_create(request, pk: int):
    incident = select_incident_detail(request.user, pk)
    if not request.user.has_perm("incidents.add_action", incident):
        raise PermissionDenied
    form = ActionForm(request.POST or None, initial={"version": incident.version}, owners=action_owners_for(incident))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = services.RequestedAction(data["action_description"], data["action_owner"], data["action_due_date"])
        created = _run(
            request,
            form,
            lambda: services.action_add(
                actor=request.user, incident_id=incident.pk, expected_version=data["version"], action=action
            ),
            current_version=lambda: _incident_version(incident.pk),
        )
        if created is not None:
            messages.success(request, "The action has been added.")
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/step_form.html", {"incident": incident, "form": form, "title": "Add an action"})


# --- Board and Chair --------------------------------------------------------------


def briefing_list(request):
    page = Paginator(briefings_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/briefing_list.html", {"page": page})


def briefing_detail(request, pk: int):
    briefing = get_object_or_404(briefings_visible_to(request.user), pk=pk)
    services.briefing_viewed(actor=request.user, briefing=briefing)
    return render(request, "incidents/briefing_detail.html", {"briefing": briefing})
