"""The papers people download, one service each for the pages and the API alike.

A SIN as Word or PDF (the notification, its CR1 where the reader may read it,
CEO decisions, actions and timeline) and the blank SIN and CR1 forms of the
interim process (source 2.8). Each function selects through the visibility
selector (Http404 outside it), builds the file and audits the download, so a
page and an API endpoint answer with the same file and write the same event.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.http import Http404, HttpResponse

from incidents.choices import Kind
from incidents.selectors import incident_detail as select_incident_detail

from . import services
from .pdf import incident_pdf, paper_context
from .selectors import case_review_visible
from .word import WORD_CONTENT_TYPE, blank_cr1_form, blank_sin_form, incident_docx

PDF_CONTENT_TYPE = "application/pdf"
INCIDENT_FORMATS = ("docx", "pdf")


def safe_filename(name: str) -> str:
    """A name fit for a header and a file system: no path, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.split(r"[\\/]", name)[-1].strip(" .")
    return name[-150:] or "file"


@dataclass(frozen=True)
class Paper:
    """A file to hand over as an attachment."""

    data: bytes
    filename: str
    content_type: str


def paper_response(paper: Paper) -> HttpResponse:
    """A paper as an attachment, never sniffed or cached: how the pages and the API both hand it over."""
    response = HttpResponse(paper.data, content_type=paper.content_type)
    response["Content-Disposition"] = f'attachment; filename="{paper.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def incident_paper_context(*, user, pk: int) -> dict:
    """What a visible SIN's paper shows to this person (documents.pdf.paper_context); Http404 outside their visibility."""
    incident = select_incident_detail(user, pk)
    return paper_context(incident, show_review=case_review_visible(user, incident, incident.review))


def incident_paper(*, user, pk: int, file_format: str) -> Paper:
    """A SIN the person can see, as Word ("docx") or PDF ("pdf"); the download is audited (incident.download_<format>).

    Http404 when the SIN is outside the person's visibility (incidents_visible_to),
    before anything is built or audited. The CR1 is in it only where the person may
    read it (incidents.read_case_review).
    """
    if file_format not in INCIDENT_FORMATS:
        raise ValueError(f"Unknown paper format: {file_format!r}")
    context = incident_paper_context(user=user, pk=pk)
    incident = context["incident"]
    if file_format == "docx":
        data = incident_docx(
            incident,
            events=context["events"],
            decisions=context["decisions"],
            actions=context["actions"],
            review=context["review"],
            show_review=context["review"] is not None,
        )
        content_type = WORD_CONTENT_TYPE
    else:
        data = incident_pdf(context)
        content_type = PDF_CONTENT_TYPE
    services.incident_document_downloaded(actor=user, incident=incident, file_format=file_format)
    return Paper(data, f"{safe_filename(incident.display_reference)}.{file_format}", content_type)


def blank_sin_paper(*, user, kind: str = Kind.CASE) -> Paper:
    """The blank SIN form, case-related or non-case (2.2, 2.8, 2.11); Http404 for another kind. Audited."""
    if kind not in Kind.values:
        raise Http404
    services.blank_form_downloaded(actor=user, form=f"sin_{kind}")
    name = "SIN-form.docx" if kind == Kind.CASE else "SIN-form-non-case.docx"
    return Paper(blank_sin_form(kind), name, WORD_CONTENT_TYPE)


def blank_cr1_paper(*, user) -> Paper:
    """The blank case review form (CR1) the National Improvement Service completes (2.3, 2.5). Audited."""
    services.blank_form_downloaded(actor=user, form="cr1")
    return Paper(blank_cr1_form(), "CR1-case-review-form.docx", WORD_CONTENT_TYPE)
