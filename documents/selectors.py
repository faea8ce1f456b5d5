"""Reads of files. Every one starts from incidents_visible_to: outside it, a file does not exist (404)."""

from django.db.models import QuerySet

from incidents.selectors import incidents_visible_to

from .models import Attachment


def case_review_visible(user, incident, review) -> bool:
    """The same rule as the SIN's page and the API: incidents.read_case_review."""
    return review is not None and user.has_perm("incidents.read_case_review", incident)


def attachments_visible_to(user) -> QuerySet[Attachment]:
    return Attachment.objects.filter(incident__in=incidents_visible_to(user)).select_related("incident", "uploaded_by")


def attachments_of(user, incident) -> list[Attachment]:
    """A visible incident's files; those of a CR1 not yet readable by this person are left out."""
    from incidents.models import CaseReview

    files = list(Attachment.objects.filter(incident=incident).select_related("uploaded_by"))
    try:
        review = incident.case_review
    except CaseReview.DoesNotExist:
        review = None
    if not case_review_visible(user, incident, review):
        files = [f for f in files if f.purpose != Attachment.Purpose.CASE_REVIEW]
    return files
