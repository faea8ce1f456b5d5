"""What the actions app asks of a SIN whose action it handles (settings.ACTION_SUBJECTS["incident"]).

The AD of the service area (or the Head of Profession of the function) is
accountable for a SIN's actions (2.7); a closed SIN's actions no longer change;
each change goes into the SIN's timeline.
"""

from django.db.models import Q
from django.urls import reverse

from organisation.selectors import access_for

from .choices import Stage, Step
from .models import Incident, IncidentEvent
from .reminders import OPEN_STAGES
from .selectors import action_escalation_recipients, incidents_visible_to


def visible(user) -> Q:
    return Q(incident__in=incidents_visible_to(user))


def reads_subject(user, action) -> bool:
    return incidents_visible_to(user).filter(pk=action.incident_id).exists()


def subject_link(action) -> tuple[str, str]:
    incident = action.incident
    text = f"{incident.display_reference}: {incident.title}" if incident.title else incident.display_reference
    return reverse("incidents:detail", args=[incident.pk]) + "#actions", text


def is_accountable(user, action) -> bool:
    access = access_for(user)
    incident = action.incident
    return incident.service_area_id in access.service_area_ids or incident.function_id in access.function_ids


def locked(action) -> str:
    if action.incident.stage == Stage.CLOSED:
        return "The incident is closed: its actions can no longer change."
    return ""


def recorded(*, actor, action, text: str) -> None:
    incident = Incident.objects.select_for_update().get(pk=action.incident_id)
    IncidentEvent.objects.create(
        incident=incident, step=Step.ACTION_UPDATE, actor=actor, from_stage=incident.stage, to_stage=incident.stage, text=text
    )
    incident.version += 1
    incident.save(update_fields=["version", "updated_at"])


def escalation_recipients(action) -> list:
    return action_escalation_recipients(action)


def reference(action) -> str:
    return action.incident.display_reference


def open_subjects() -> Q:
    return Q(incident__stage__in=OPEN_STAGES)
