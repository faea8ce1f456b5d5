"""What an alert email says. By default: the reference, the stage, what is asked and a link; no child details."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from .models import AlertConfiguration, Notification

SUBJECTS = {
    Notification.Reason.ACT: "Action needed",
    Notification.Reason.CMT_INITIAL: "Core CMT alert: initial stage",
    Notification.Reason.CMT_REVIEW: "Core CMT alert: case review (CR1) completed",
    Notification.Reason.INFO: "For information",
}


def compose(*, incident, reason: str, message: str, config: AlertConfiguration, link: str = "") -> dict:
    """Subject, plain text and HTML for one alert."""
    reference = incident.reference or f"Draft {incident.pk}"
    context = {
        "reference": reference,
        "stage": incident.get_stage_display(),
        "message": message,
        "reason": Notification.Reason(reason).label,
        "link": settings.SITE_URL.rstrip("/") + (link or reverse("incidents:detail", args=[incident.pk])),
        "title": incident.title if config.include_details else "",
        "service_name": settings.SERVICE_NAME,
    }
    return {
        "subject": f"[{reference}] {SUBJECTS[Notification.Reason(reason)]}",
        "body_text": render_to_string("alerts/email/alert.txt", context),
        "body_html": render_to_string("alerts/email/alert.html", context),
    }
