"""A SIN as PDF: the paper's HTML template rendered by WeasyPrint, with nothing fetched from outside."""

from django.template.loader import render_to_string

from .layout import CR1_FIELDS_LABELS, DATE_FIELDS, form_fields


def _no_fetching(url, *args, **kwargs):
    # Everything the paper needs is inline; a URL in the data is never followed.
    raise ValueError(f"External resources are not loaded: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def paper_context(incident, *, show_review: bool) -> dict:
    """What the paper of a SIN shows; the CR1 only when the reader may read it (incidents.read_case_review)."""
    from incidents.models import CaseReview

    try:
        review = incident.case_review
    except CaseReview.DoesNotExist:
        review = None
    show_review = show_review and review is not None
    form_rows = [
        (label, getattr(incident, name), name in DATE_FIELDS)
        for name, label, _ in form_fields(incident.kind)
        if name != "other_description" or incident.other_description
    ]
    return {
        "incident": incident,
        "events": list(incident.events.all()),
        "decisions": list(incident.decisions.all()),
        "actions": list(incident.actions.all()),
        "review": review if show_review else None,
        "review_rows": [(label, getattr(review, name)) for name, label in CR1_FIELDS_LABELS] if show_review else [],
        "criteria": list(incident.criteria.all()),
        "form_rows": form_rows,
    }


def incident_pdf(context: dict) -> bytes:
    return html_to_pdf(render_to_string("documents/incident_paper.html", context))


def signed_off_paper_pdf(incident) -> bytes:
    """The SIN with its signed-off CR1, as the second Core CMT alert may carry it to a secure mailbox (2.1)."""
    return incident_pdf(paper_context(incident, show_review=True))
