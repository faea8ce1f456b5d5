"""Who has seen this record: the SIN's access log, from the audit trail (UK GDPR, privacy by design).

Every read of the record (its page, and through the API the record and its
CR1), every download of its Word or PDF paper and of its attached files, and
every reading of a briefing made from it is an audit event (audit.services);
this page lists them, newest first, with who, when and what. Opening it is an
audit event too, listed with the rest. Who may open it:
incidents.permissions_privacy (the record's AD and OD, Core CMT, the CEO); a
record outside the person's sight answers 404, as every record page does.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from audit.models import AuditEvent
from audit.services import audit_record

from .models import Incident
from .selectors import incidents_visible_to

PAGE_SIZE = 50
OPENED = "incident.access_log_view"

# The events that are someone seeing the record or a part of it, and what the page calls each.
SEEN = {
    "incident.view": "Read the record (its page, or the record or its CR1 through the API)",
    "incident.download_docx": "Downloaded the record as Word",
    "incident.download_pdf": "Downloaded the record as PDF",
    "attachment.download": "Downloaded a file",
    "briefing.view": "Read a briefing made from the record",
    OPENED: "Looked at who has seen the record",
}
FILE_PURPOSES = {
    "incident": "of the notification",
    "case_review": "of the case review (CR1)",
    "imported_form": "the Word form it was imported from",
}


def access_log_of(incident: Incident):
    """The audit events of people seeing `incident`, newest first (audit events name records by type and id)."""
    briefing_ids = [str(pk) for pk in incident.briefings.values_list("pk", flat=True)]
    about_it = Q(object_type="incidents.incident", object_id=str(incident.pk), action__in=list(SEEN))
    about_briefings = Q(object_type="incidents.briefing", object_id__in=briefing_ids, action="briefing.view")
    return AuditEvent.objects.filter(about_it | about_briefings).select_related("actor").order_by("-sequence")


def what_was_seen(event: AuditEvent) -> str:
    what = SEEN.get(event.action, event.action)
    if event.action == "attachment.download":
        purpose = FILE_PURPOSES.get(event.changes.get("purpose", ""), "")
        name = event.changes.get("name", "")
        return " ".join(part for part in (what, purpose, f"({name})" if name else "") if part)
    return what


def incident_seen_by(request, pk: int):
    incident = get_object_or_404(incidents_visible_to(request.user), pk=pk)
    if not request.user.has_perm("incidents.see_access_log", incident):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(actor=request.user, action=OPENED, obj=incident)
    page = Paginator(access_log_of(incident), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.what = what_was_seen(event)
    return render(request, "incidents/seen_by.html", {"incident": incident, "page": page})
