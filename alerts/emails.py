"""What an alert email says. By default: the reference, the stage, what is asked and a link; no child details."""

from django.conf import settings
from django.template.loader import render_to_string

from .models import AlertConfiguration, Notification

SUBJECTS = {
    Notification.Reason.ACT: "Action needed",
    Notification.Reason.CMT_INITIAL: "Core CMT alert: initial stage",
    Notification.Reason.CMT_REVIEW: "Core CMT alert: case review (CR1) completed",
    Notification.Reason.INFO: "For information",
    Notification.Reason.BRIEFING: "A briefing from the Chief Executive",
}


def compose(
    *, subject, reason: str, message: str, config: AlertConfiguration, link: str = "", with_case_review: bool = False
) -> dict:
    """Subject line, plain text and HTML for one alert about `subject` (see alerts.models).

    A briefing's readers (the Board, the Chair) see nothing of the record but the
    briefing: their email names neither its stage nor its title, and leads to the briefing.
    """
    reference = subject.alert_reference
    briefing = reason == Notification.Reason.BRIEFING
    context = {
        "reference": reference,
        "stage": "" if briefing else subject.alert_stage,
        "message": message,
        "reason": Notification.Reason(reason).label,
        "link": settings.SITE_URL.rstrip("/") + (link or subject.get_absolute_url()),
        "link_text": "Read the briefing"
        if briefing
        else "Read the completed case review (CR1)"
        if reason == Notification.Reason.CMT_REVIEW
        else "Open the record",
        "title": subject.alert_title if config.include_details and not briefing else "",
        "service_name": settings.SERVICE_NAME,
        "with_case_review": with_case_review,
    }
    return {
        "subject": f"[{reference}] {SUBJECTS[Notification.Reason(reason)]}",
        "body_text": render_to_string("alerts/email/alert.txt", context),
        "body_html": render_to_string("alerts/email/alert.html", context),
    }
