"""Embedding tested in practice (3.6): an item's checks, recording one, a forum's agenda (page, Word, PDF),
what is due in a person's areas, and reviews of progress. Each page starts from a visibility selector."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from documents.views import download_name, safe_filename

from ..documents import agenda_docx, agenda_pdf, agenda_title
from ..forms_cascade import CheckForm, ProgressReviewRecordForm, ProgressReviewScheduleForm
from ..models.checks import Forum, ProgressReview, Recheck
from ..selectors import is_staff_member, learning_items_visible_to
from ..selectors_cascade import (
    agenda,
    area_from_key,
    area_key,
    areas_of,
    check_question,
    checks_visible_to,
    embedding_due,
    item_checks,
)
from ..services import checks as services
from .cascade import run_step


def _item(request, pk: int):
    return get_object_or_404(learning_items_visible_to(request.user), pk=pk)


@require_GET
def checks(request, pk: int):
    item = _item(request, pk)
    return render(
        request,
        "learning/checks/checks.html",
        {
            "item": item,
            "checks": item_checks(item),
            "question": check_question(item),
            "rechecks": list(Recheck.objects.filter(item=item).select_related("done_by_check")),
            "reviews": list(ProgressReview.objects.filter(item=item).select_related("recorded_by")),
            "may_check": bool(areas_of(request.user)) and item.rung in services.CHECKABLE_RUNGS,
            "may_review": request.user.has_perm("learning.review_progress", item),
        },
    )


@require_http_methods(["GET", "POST"])
def check_record(request, pk: int):
    item = _item(request, pk)
    areas = areas_of(request.user)
    if not areas:
        raise PermissionDenied
    form = CheckForm(request.POST or None, request.FILES or None, areas=areas)

    def call(data):
        name, content = data["evidence_file"] or ("", None)
        services.check_record(
            actor=request.user,
            item_id=item.pk,
            data=services.CheckInput(
                forum=data["forum"],
                area=data["area"],
                checked_on=data["checked_on"],
                finding=data["finding"],
                evidence=data["evidence"],
                file_name=name,
                file_data=content,
            ),
        )

    if run_step(request, form, call, success="The check has been recorded."):
        return redirect("learning:checks", pk=item.pk)
    return render(
        request,
        "learning/checks/check_form.html",
        {"item": item, "form": form, "question": check_question(item), "title": "Record a check of embedding in practice"},
    )


@require_GET
def check_evidence(request, pk: int):
    check = get_object_or_404(checks_visible_to(request.user), pk=pk)
    if not check.evidence_downloadable:
        raise Http404("No evidence file can be downloaded for this check.")
    try:
        handle = check.evidence_file.open("rb")
    except OSError as error:
        raise Http404("The file is missing from storage.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(check.evidence_name, check.evidence_content_type),
        content_type=check.evidence_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _staff_only(request) -> None:
    """The agendas and what is due are the portal's pages: 404 for those who read no learning (learning.selectors)."""
    if not is_staff_member(request.user):
        raise Http404


def _agenda_choice(request):
    _staff_only(request)
    areas = areas_of(request.user)
    area = area_from_key(request.GET.get("area", "")) or (areas[0] if areas else None)
    forum = request.GET.get("forum", Forum.AQR)
    if area is None or forum not in Forum.values:
        raise Http404
    return areas, area, forum


@require_GET
def agenda_page(request):
    _staff_only(request)
    if not request.GET.get("area") and not areas_of(request.user):
        return render(request, "learning/checks/agenda.html", {"areas": [], "rows": [], "forums": Forum.choices})
    areas, area, forum = _agenda_choice(request)
    return render(
        request,
        "learning/checks/agenda.html",
        {
            "areas": [(area_key(a), str(a)) for a in areas],
            "area": area,
            "area_key": area_key(area),
            "forum": forum,
            "forum_label": Forum(forum).label,
            "forums": Forum.choices,
            "rows": agenda(request.user, area=area, forum=forum),
            "title": agenda_title(area=area, forum=forum),
        },
    )


def _paper(data: bytes, *, area, forum: str, extension: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    name = safe_filename(f"{agenda_title(area=area, forum=forum)}.{extension}")
    response["Content-Disposition"] = f'attachment; filename="{name.encode("ascii", "replace").decode()}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def agenda_word(request):
    _, area, forum = _agenda_choice(request)
    data = agenda_docx(area=area, forum=forum, rows=agenda(request.user, area=area, forum=forum))
    return _paper(
        data,
        area=area,
        forum=forum,
        extension="docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@require_GET
def agenda_pdf_download(request):
    _, area, forum = _agenda_choice(request)
    data = agenda_pdf(area=area, forum=forum, rows=agenda(request.user, area=area, forum=forum))
    return _paper(data, area=area, forum=forum, extension="pdf", content_type="application/pdf")


@require_GET
def due(request):
    _staff_only(request)
    return render(request, "learning/checks/due.html", {"due": embedding_due(request.user), "areas": areas_of(request.user)})


@require_http_methods(["GET", "POST"])
def progress_review_schedule(request, pk: int):
    item = _item(request, pk)
    if not request.user.has_perm("learning.review_progress", item):
        raise PermissionDenied
    form = ProgressReviewScheduleForm(request.POST or None)
    if run_step(
        request,
        form,
        lambda data: services.progress_review_schedule(actor=request.user, item_id=item.pk, due_date=data["due_date"]),
        success="The review of progress has been scheduled.",
    ):
        return redirect("learning:checks", pk=item.pk)
    return render(
        request, "learning/cascade/step_form.html", {"item": item, "form": form, "title": "Schedule a review of progress"}
    )


@require_http_methods(["GET", "POST"])
def progress_review_record(request, pk: int):
    review = get_object_or_404(
        ProgressReview.objects.filter(item__in=learning_items_visible_to(request.user)).select_related("item"), pk=pk
    )
    if not request.user.has_perm("learning.review_progress", review.item):
        raise PermissionDenied
    form = ProgressReviewRecordForm(request.POST or None, initial={"version": review.version})
    if run_step(
        request,
        form,
        lambda data: services.progress_review_record(
            actor=request.user,
            review_id=review.pk,
            expected_version=data["version"],
            held_on=data["held_on"],
            notes=data["notes"],
        ),
        success="The review of progress has been recorded.",
    ):
        return redirect("learning:checks", pk=review.item_id)
    return render(
        request, "learning/cascade/step_form.html", {"item": review.item, "form": form, "title": "Record the review of progress"}
    )
