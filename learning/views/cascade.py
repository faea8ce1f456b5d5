"""The cascade pages of a learning item (3.5): what was decided, how far it reached, the all user alerts.

Every page starts from the item's visibility selector (404 outside it); every
step page checks the person's rule first (403) and calls one service, showing
a refused rule beside its field or at the top, with what was typed kept.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import BusinessRuleError
from organisation.models import ServiceArea, Team
from organisation.selectors import access_for

from ..forms_cascade import CascadeDecisionForm, OmtForm, SamForm, StaffAlertForm, TeamMeetingForm
from ..models.cascade import ALERT_METHODS, CascadeMethod
from ..selectors import learning_items_visible_to
from ..selectors_cascade import alert_recipients, cascade_overview, recipient_row, staff_alerts_visible_to
from ..services import cascade as services


def _item(request, pk: int):
    return get_object_or_404(learning_items_visible_to(request.user), pk=pk)


def run_step(request, form, call, *, success: str) -> bool:
    """Call the service with the form's data; its refusals go beside their fields (or on top). True once done."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return False
    except BusinessRuleError as error:
        form.add_error(None, error.message)
        return False
    messages.success(request, success)
    return True


def _step_page(request, item, form, title: str):
    return render(request, "learning/cascade/step_form.html", {"item": item, "form": form, "title": title})


@require_http_methods(["GET"])
def cascade(request, pk: int):
    item = _item(request, pk)
    overview = cascade_overview(item)
    user = request.user
    access = access_for(user)
    decided = overview.decision is not None
    context = {
        "item": item,
        "overview": overview,
        "methods": CascadeMethod,
        "may_decide": not decided and user.has_perm("learning.decide_cascade", item),
        "may_record_omt": bool(overview.monthly and not overview.monthly.omt_date and user.has_perm("learning.record_omt", item)),
        "may_record_sam": bool(overview.monthly and overview.monthly.omt_date and access.service_area_ids),
        "may_confirm_team": bool(overview.monthly and access.team_ids),
        "may_send_alert": decided
        and user.has_perm("learning.send_staff_alert", item)
        and any(overview.decision.chose(m) and m not in {a.kind for a in overview.alerts} for m in ALERT_METHODS),
    }
    return render(request, "learning/cascade/cascade.html", context)


@require_http_methods(["GET", "POST"])
def cascade_decide(request, pk: int):
    item = _item(request, pk)
    if not request.user.has_perm("learning.decide_cascade", item):
        raise PermissionDenied
    form = CascadeDecisionForm(request.POST or None)
    if run_step(
        request,
        form,
        lambda data: services.cascade_decide(
            actor=request.user, item_id=item.pk, methods=data["methods"], rationale=data["rationale"]
        ),
        success="The cascade has been agreed.",
    ):
        return redirect("learning:cascade", pk=item.pk)
    return _step_page(request, item, form, "Agree how the learning is cascaded")


@require_http_methods(["GET", "POST"])
def cascade_omt(request, pk: int):
    item = _item(request, pk)
    if not request.user.has_perm("learning.record_omt", item):
        raise PermissionDenied
    form = OmtForm(request.POST or None)
    if run_step(
        request,
        form,
        lambda data: services.cascade_omt_record(actor=request.user, item_id=item.pk, omt_date=data["omt_date"]),
        success="The OMT has been recorded.",
    ):
        return redirect("learning:cascade", pk=item.pk)
    return _step_page(request, item, form, "Record the OMT")


@require_http_methods(["GET", "POST"])
def cascade_sam(request, pk: int):
    item = _item(request, pk)
    areas = ServiceArea.objects.filter(pk__in=access_for(request.user).service_area_ids)
    if not areas.exists():
        raise PermissionDenied
    form = SamForm(request.POST or None, areas=areas)
    if run_step(
        request,
        form,
        lambda data: services.cascade_sam_record(
            actor=request.user, item_id=item.pk, service_area=data["service_area"], meeting_date=data["meeting_date"]
        ),
        success="The SAM has been recorded.",
    ):
        return redirect("learning:cascade", pk=item.pk)
    return _step_page(request, item, form, "Record your service area's SAM")


@require_http_methods(["GET", "POST"])
def cascade_team(request, pk: int):
    item = _item(request, pk)
    teams = Team.objects.filter(pk__in=access_for(request.user).team_ids)
    if not teams.exists():
        raise PermissionDenied
    form = TeamMeetingForm(request.POST or None, teams=teams)
    if run_step(
        request,
        form,
        lambda data: services.cascade_team_confirm(
            actor=request.user, item_id=item.pk, team=data["team"], meeting_date=data["meeting_date"]
        ),
        success="The team meeting has been confirmed.",
    ):
        return redirect("learning:cascade", pk=item.pk)
    return _step_page(request, item, form, "Confirm your team's meeting")


@require_http_methods(["GET", "POST"])
def staff_alert_send(request, pk: int):
    item = _item(request, pk)
    if not request.user.has_perm("learning.send_staff_alert", item):
        raise PermissionDenied
    decision = cascade_overview(item).decision
    kinds = [m for m in ALERT_METHODS if decision is not None and decision.chose(m)] or list(ALERT_METHODS)
    form = StaffAlertForm(request.POST or None, kinds=kinds)
    if run_step(
        request,
        form,
        lambda data: services.staff_alert_send(
            actor=request.user, item_id=item.pk, kind=data["kind"], title=data["title"], text=data["text"]
        ),
        success="The alert has been sent to every member of staff.",
    ):
        return redirect("learning:cascade", pk=item.pk)
    return _step_page(request, item, form, "Send an all user alert")


@require_http_methods(["GET"])
def staff_alert(request, pk: int):
    alert = get_object_or_404(staff_alerts_visible_to(request.user).select_related("item", "sent_by"), pk=pk)
    mine = recipient_row(alert, request.user)
    context = {"alert": alert, "item": alert.item, "mine": mine}
    if request.user.has_perm("learning.see_acknowledgements", alert.item):
        context["acknowledged"], context["waiting"] = alert_recipients(alert)
        context["sent_to"] = len(context["acknowledged"]) + len(context["waiting"])
    return render(request, "learning/cascade/staff_alert.html", context)


@require_POST
def staff_alert_acknowledge(request, pk: int):
    alert = get_object_or_404(staff_alerts_visible_to(request.user), pk=pk)
    try:
        counted = services.staff_alert_acknowledge(actor=request.user, alert_id=alert.pk)
    except BusinessRuleError as error:
        context = {"alert": alert, "item": alert.item, "mine": None, "refusal": error.message}
        return render(request, "learning/cascade/staff_alert.html", context, status=403)
    messages.success(
        request, "Thank you: you have acknowledged the alert." if counted else "You had acknowledged this alert already."
    )
    return redirect("learning:staff_alert", pk=alert.pk)
