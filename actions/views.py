"""The action page: its owner (or whoever is accountable) updates it. Starts from the visibility selector."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods

from core.exceptions import BusinessRuleError, StaleRecord

from . import services
from .forms import ActionUpdateForm
from .models import Action
from .selectors import actions_visible_to
from .subjects import subject_module


@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    action = get_object_or_404(actions_visible_to(request.user), pk=pk)
    if not request.user.has_perm("actions.update", action):
        raise PermissionDenied
    subject = subject_module(action)
    # An owner who does not read the subject (the L&D lead owning a SIN's action, say) sees the
    # action and nothing of the record it belongs to.
    back = subject.subject_link(action) if subject.reads_subject(request.user, action) else None
    locked = subject.locked(action)
    if locked:
        return render(request, "actions/action_closed.html", {"action": action, "back": back, "locked": locked})
    form = ActionUpdateForm(
        request.POST or None, initial={"version": action.version, "status": action.status, "evidence": action.evidence}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                actor=request.user,
                action_id=action.pk,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except StaleRecord as error:
            form.add_error(None, error.message)
            form.data = form.data.copy()
            form.data["version"] = Action.objects.values_list("version", flat=True).get(pk=action.pk)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The action has been updated.")
            return redirect(back[0] if back else "core:home")
    return render(
        request,
        "actions/action_form.html",
        {
            "action": action,
            "form": form,
            "back": back,
            "title": f"Update the action: {Truncator(action.description).chars(60)}",
        },
    )
