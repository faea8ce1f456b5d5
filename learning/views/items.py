"""The portal's item pages: the list (filters and search), an item with its ladder, timeline and actions, and
its steps. Each page starts from learning_items_visible_to; each step calls its service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from actions.services import RequestedAction
from core.exceptions import BusinessRuleError, StaleRecord

from ..choices import RUNG_ORDER, Rung
from ..forms import ActionAddForm, CarryForm, CloseForm, FilterForm, ItemForm, PublishForm, area_from, area_value
from ..identifiers import item_identifier_errors
from ..models import LearningItem
from ..selectors import is_staff_member, learning_item_detail, learning_items_filtered, learning_items_visible_to
from ..services import items as services


def _refused(form, error, item=None) -> None:
    """A refusal beside the field (ValidationError keyed by field), or at the top in words."""
    if isinstance(error, ValidationError):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(None, error.message)
    if isinstance(error, StaleRecord) and item is not None:
        form.data = form.data.copy()
        form.data["version"] = LearningItem.objects.values_list("version", flat=True).get(pk=item.pk)


def _item_data(form) -> services.ItemData:
    data = form.cleaned_data
    service_area, function = area_from(data.get("area") or "")
    return services.ItemData(
        title=data["title"],
        origin=data["origin"],
        service_area=service_area,
        function=function,
        headings={
            name: data[name]
            for name in ("impact_on_child", "what_cafcass_did", "learning_identified", "how_addressed", "impact_on_practice")
        },
        themes=list(data["themes"]),
        covered_by_guidance=data["covered_by_guidance"],
        covered_by=data["covered_by"],
    )


def item_list(request):
    if not is_staff_member(request.user):
        raise PermissionDenied  # the portal is the staff's: the Board, Chair and PQC read the quarterly report
    filters = FilterForm(request.GET or None)
    values = filters.values()
    items = learning_items_filtered(request.user, **values)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/item_list.html",
        {
            "filters": filters,
            "page": page,
            "items": page.object_list,
            "rungs": Rung.choices,
            "can_create": request.user.has_perm("learning.create_item"),
        },
    )


def item_detail(request, pk: int):
    item = learning_item_detail(request.user, pk)
    ladder = [
        {"rung": value, "label": label, "reached": RUNG_ORDER[value] <= RUNG_ORDER[item.rung], "current": value == item.rung}
        for value, label in Rung.choices
    ]
    user = request.user
    return render(
        request,
        "learning/item_detail.html",
        {
            "item": item,
            "ladder": ladder,
            "events": item.events.all(),
            "actions": item.actions.all(),
            "can_edit": user.has_perm("learning.edit_item", item),
            "can_publish": user.has_perm("learning.publish_item", item),
            "can_add_action": user.has_perm("learning.add_action", item),
            "can_close": user.has_perm("learning.close_item", item),
            "reads_incident": item.incident_id is not None and _reads_incident(user, item),
            "cascade_panel": CASCADE_PANEL if _has_url("learning:cascade") else None,
        },
    )


# The cascade's and checks' section of the item page (learning.views.cascade, learning.views.checks).
CASCADE_PANEL = "learning/cascade/_item_panel.html"


def _has_url(name: str) -> bool:
    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


def _reads_incident(user, item) -> bool:
    from incidents.selectors import incidents_visible_to

    return incidents_visible_to(user).filter(pk=item.incident_id).exists()


@require_http_methods(["GET", "POST"])
def item_create(request):
    if not request.user.has_perm("learning.create_item"):
        raise PermissionDenied
    form = ItemForm(request.POST if request.method == "POST" else None, initial={"version": 0})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.learning_item_create(actor=request.user, data=_item_data(form))
        except (ValidationError, BusinessRuleError) as error:
            _refused(form, error)
        else:
            messages.success(request, f"{item.reference} is saved as a draft.")
            return redirect(item)
    return render(request, "learning/item_form.html", {"form": form, "title": "Record learning"})


def _initial(item) -> dict:
    initial = {
        name: getattr(item, name)
        for name in (
            "title",
            "impact_on_child",
            "what_cafcass_did",
            "learning_identified",
            "how_addressed",
            "impact_on_practice",
            "covered_by",
        )
    }
    initial.update(
        version=item.version,
        origin=item.origin_id,
        area=area_value(item),
        themes=list(item.themes.all()),
        covered_by_guidance={True: "yes", False: "no"}.get(item.covered_by_guidance),
    )
    return initial


@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
    if not request.user.has_perm("learning.edit_item", item):
        raise PermissionDenied
    form = ItemForm(request.POST if request.method == "POST" else None, initial=_initial(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.learning_item_edit(
                actor=request.user, item_id=item.pk, expected_version=form.cleaned_data["version"], data=_item_data(form)
            )
        except (ValidationError, BusinessRuleError) as error:
            _refused(form, error, item)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(item)
    return render(request, "learning/item_form.html", {"form": form, "item": item, "title": f"Change {item.reference}"})


def _step(request, pk, perm, form_class, template_title, run, done, form_kwargs=lambda item: {}):
    item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
    if not request.user.has_perm(perm, item):
        raise PermissionDenied
    form = form_class(request.POST if request.method == "POST" else None, initial={"version": item.version}, **form_kwargs(item))
    if request.method == "POST" and form.is_valid():
        try:
            run(item, form.cleaned_data)
        except (ValidationError, BusinessRuleError) as error:
            _refused(form, error, item)
        else:
            messages.success(request, done)
            return redirect(item)
    return render(request, "learning/step_form.html", {"form": form, "item": item, "title": template_title})


@require_http_methods(["GET", "POST"])
def item_publish(request, pk: int):
    """The item's text as it will be read, saved, then published: a refusal is shown beside its field, and
    what was written is kept (saved as a draft) whatever the refusal."""
    item = get_object_or_404(learning_items_visible_to(request.user), pk=pk)
    if not request.user.has_perm("learning.publish_item", item):
        raise PermissionDenied
    form = PublishForm(request.POST if request.method == "POST" else None, initial=_initial(item))
    if request.method == "POST" and form.is_valid():
        try:
            edited = services.learning_item_edit(
                actor=request.user, item_id=item.pk, expected_version=form.cleaned_data["version"], data=_item_data(form)
            )
            services.learning_item_publish(
                actor=request.user,
                item_id=item.pk,
                expected_version=edited.version,
                confirm_no_identifiers=form.cleaned_data["confirm_no_identifiers"],
                all_weaker_reason=form.cleaned_data["all_weaker_reason"],
            )
        except (ValidationError, BusinessRuleError) as error:
            _refused(form, error, item)
            form.data = form.data.copy()
            form.data["version"] = LearningItem.objects.values_list("version", flat=True).get(pk=item.pk)
        else:
            messages.success(request, "The learning is published.")
            return redirect(item)
    errors = item_identifier_errors(item) if request.method == "GET" else {}
    return render(
        request,
        "learning/item_form.html",
        {"form": form, "item": item, "title": f"Publish {item.reference}", "identifier_warnings": errors},
    )


@require_http_methods(["GET", "POST"])
def item_action_add(request, pk: int):
    from django.contrib.auth import get_user_model

    owners = (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__approved_at__isnull=False)
        .distinct()
        .order_by("last_name", "first_name")
    )

    def run(item, d):
        services.learning_item_action_add(
            actor=request.user,
            item_id=item.pk,
            expected_version=d["version"],
            strength=d["action_strength"],
            requested=RequestedAction(d["action_description"], d["action_owner"], d["action_due_date"]),
        )

    return _step(
        request,
        pk,
        "learning.add_action",
        ActionAddForm,
        "Add an action",
        run,
        "The action is added.",
        form_kwargs=lambda item: {"owners": owners},
    )


@require_http_methods(["GET", "POST"])
def item_close(request, pk: int):
    def run(item, d):
        services.learning_item_close(actor=request.user, item_id=item.pk, expected_version=d["version"], rationale=d["rationale"])

    return _step(
        request,
        pk,
        "learning.close_item",
        CloseForm,
        "Close the learning item",
        run,
        "The item is closed.",
        form_kwargs=lambda item: {},
    )


@require_http_methods(["GET", "POST"])
def incident_carry(request, incident_pk: int):
    """2.7: from a SIN, the AD carries its learning into the portal in one step."""
    from actions.choices import FINISHED_ACTION_STATUSES
    from incidents.selectors import incidents_visible_to

    incident = get_object_or_404(incidents_visible_to(request.user), pk=incident_pk)
    if not request.user.has_perm("learning.carry_incident", incident):
        raise PermissionDenied
    open_actions = list(incident.actions.exclude(status__in=FINISHED_ACTION_STATUSES))
    form = CarryForm(request.POST if request.method == "POST" else None, open_actions=open_actions)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.learning_item_carry(
                actor=request.user, incident_id=incident.pk, action_ids=[int(pk) for pk in form.cleaned_data["actions"]]
            )
        except (ValidationError, BusinessRuleError) as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                f"The learning is carried into the portal as {item.reference}. Remove anything "
                "that identifies a child, then publish it.",
            )
            return redirect(item)
    return render(
        request, "learning/carry_form.html", {"form": form, "incident": incident, "existing": incident.learning_items.first()}
    )
