"""The SIN steps whose deadlines the reminder job watches (alerts.reminders)."""

from alerts.reminders import DueItem

from .choices import Stage
from .models import Incident
from .selectors import escalation_recipients, people_to_act

OPEN_STAGES = [s for s in Stage if s not in (Stage.CLOSED, Stage.NOT_NOTIFIABLE)]


def due_items(horizon):
    """Each open SIN whose step awaited now is due by `horizon`."""
    incidents = Incident.objects.filter(stage__in=OPEN_STAGES, stage_due__isnull=False, stage_due__lte=horizon).select_related(
        "team", "service_area", "region", "function", "author"
    )
    for incident in incidents:
        yield DueItem(
            subject=incident,
            stage=incident.stage,
            due=incident.stage_due,
            to_act=lambda incident=incident: people_to_act(incident),
            escalate_to=lambda incident=incident: escalation_recipients(incident),
            what=incident.get_stage_display(),
        )
