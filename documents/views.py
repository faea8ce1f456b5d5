"""Pages and downloads for documents. Every incident, file and import starts from incidents_visible_to (404 outside)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import BusinessRuleError
from incidents.choices import Kind
from incidents.forms import place_choices_for_case, place_choices_for_non_case, resolve_place
from incidents.selectors import incident_detail as select_incident_detail
from incidents.services import submission_errors

from . import papers, services
from .forms import AttachmentForm, ImportForm
from .layout import form_fields
from .models import Attachment
from .papers import paper_response, safe_filename
from .reader import DocumentImportError
from .selectors import attachments_of, attachments_visible_to, case_review_visible
from .word import WORD_CONTENT_TYPE

EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    WORD_CONTENT_TYPE: (".docx",),
}


def download_name(name: str, content_type: str) -> str:
    """The name a file is downloaded under: the person's name for it, ending as its content really is.

    "evil.exe" holding a PDF downloads as "evil.exe.pdf", so that nobody's
    computer opens it as anything but what the server checked it to be.
    """
    name = safe_filename(name)
    allowed = EXTENSIONS.get(content_type, ())
    if allowed and not name.lower().endswith(allowed):
        name = f"{name}{allowed[0]}"
    return name


# --- blank forms (interim process, 2.8) ----------------------------------------


def _import_places(user) -> list:
    """Where this person may import a form to, grouped by the kind of form; empty when nowhere."""
    if not user.has_perm("documents.import_word"):
        return []
    teams, others = place_choices_for_case(user), place_choices_for_non_case(user)
    return ([("Teams (case-related form)", teams)] if teams else []) + (
        [("Service areas and corporate functions (non-case form)", others)] if others else []
    )


@require_GET
def index(request):
    return render(request, "documents/index.html", {"can_import": bool(_import_places(request.user))})


@require_GET
def blank_sin(request):
    kind = request.GET.get("kind", Kind.CASE)
    return paper_response(papers.blank_sin_paper(user=request.user, kind=kind))


@require_GET
def blank_cr1(request):
    return paper_response(papers.blank_cr1_paper(user=request.user))


# --- a SIN as a paper -----------------------------------------------------------


def _paper_context(request, pk: int) -> dict:
    """What the paper of a SIN shows to the person asking (the HTML the PDF is drawn from)."""
    return papers.incident_paper_context(user=request.user, pk=pk)


@require_GET
def incident_word(request, pk: int):
    return paper_response(papers.incident_paper(user=request.user, pk=pk, file_format="docx"))


@require_GET
def incident_pdf_download(request, pk: int):
    return paper_response(papers.incident_paper(user=request.user, pk=pk, file_format="pdf"))


# --- importing a completed SIN form (2.8) ----------------------------------------


@require_http_methods(["GET", "POST"])
def import_form(request):
    places = _import_places(request.user)
    if not places:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, places=places)
    if request.method == "POST" and form.is_valid():
        place = resolve_place(form.cleaned_data["place"])
        try:
            incident, attachment, _ = services.incident_import_word(
                actor=request.user, name=safe_filename(form.cleaned_data["file"].name), data=form.file_bytes, **place
            )
        except DocumentImportError as error:
            form.add_error("file", error.message)
        except ValidationError as error:
            form.add_error("file", "; ".join(error.messages))
        except BusinessRuleError as error:
            form.add_error("place", error.message)
        else:
            messages.success(
                request,
                "The form was imported as a draft. Check what was read, then complete the draft." + _file_notes(attachment),
            )
            return redirect("documents:import_result", pk=attachment.pk)
    return render(request, "documents/import_form.html", {"form": form})


@require_GET
def import_result(request, pk: int):
    attachment = get_object_or_404(attachments_visible_to(request.user).filter(purpose=Attachment.Purpose.IMPORTED_FORM), pk=pk)
    incident = attachment.incident
    report = attachment.import_report or {}
    labels = {name: label for name, label, _ in form_fields(incident.kind)}
    read = [(labels.get(name, name), getattr(incident, name)) for name in report.get("read", [])]
    problems = [(labels.get(name, name), message) for name, message in (report.get("problems") or {}).items()]
    missing = [labels.get(name, name) for name in report.get("missing", [])]
    return render(
        request,
        "documents/import_result.html",
        {
            "attachment": attachment,
            "incident": incident,
            "read": read,
            "problems": problems,
            "missing": missing,
            "criteria": list(incident.criteria.all()),
            "still_needed": list(submission_errors(incident).values()),
            "can_edit": request.user.has_perm("incidents.edit_draft", incident),
        },
    )


# --- attachments ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def attachments(request, pk: int):
    incident = select_incident_detail(request.user, pk)
    can_add = request.user.has_perm("documents.add_attachment", incident)
    with_review = incident.review_commissioned_at is not None and case_review_visible(request.user, incident, incident.review)
    form = None
    if can_add:
        form = AttachmentForm(request.POST or None, request.FILES or None, with_case_review=with_review)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            attachment = services.attachment_add(
                actor=request.user,
                incident_id=incident.pk,
                name=safe_filename(form.cleaned_data["file"].name),
                data=form.file_bytes,
                purpose=form.cleaned_data.get("purpose") or Attachment.Purpose.INCIDENT,
            )
        except ValidationError as error:
            form.add_error("file", "; ".join(error.messages))
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The file has been added." + _file_notes(attachment))
            return redirect("documents:attachments", pk=incident.pk)
    return render(
        request,
        "documents/attachments.html",
        {
            "incident": incident,
            "files": attachments_of(request.user, incident),
            "form": form,
        },
    )


def _file_notes(attachment: Attachment) -> str:
    """What the person should know about a file just kept: links removed, or a scan still to come."""
    notes = ""
    for removed in getattr(attachment, "removed_links", []):
        notes += f" {removed[0].upper()}{removed[1:]} was removed from it, so that Word does not fetch it."
    if attachment.scan_status == Attachment.ScanStatus.PENDING:
        notes += (
            " The virus scanner could not be reached, so the file has not been scanned yet:"
            " it can be downloaded once it has been."
        )
    return notes


@require_GET
def attachment_download(request, pk: int):
    attachment = get_object_or_404(attachments_visible_to(request.user), pk=pk)
    incident = select_incident_detail(request.user, attachment.incident_id)
    if attachment.purpose == Attachment.Purpose.CASE_REVIEW and not case_review_visible(request.user, incident, incident.review):
        raise Http404
    if not attachment.downloadable:
        # Held (not yet scanned) or found infected: never served.
        return render(request, "documents/attachment_held.html", {"attachment": attachment, "incident": incident}, status=409)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("The file is missing from storage.") from error
    services.attachment_downloaded(actor=request.user, attachment=attachment)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
