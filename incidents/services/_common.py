"""What the steps of a SIN share: the lock, the rule and stage checks, the move that records a step, who is told."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.services import RequestedAction, action_create
from audit.services import audit_record
from core.exceptions import NotAllowed, StaleRecord, WrongStage
from core.working_days import add_working_days
from organisation.choices import Role
from organisation.selectors import people_with_role

from ..choices import (
    Kind,
    Stage,
    Step,
)
from ..models import (
    Action,
    CaseReview,
    DeadlineSetting,
    Incident,
    IncidentEvent,
    ReferenceCounter,
)
from ..workflow import STAGE_DEADLINE_DAYS, transition_for


def stage_due_date(stage: str) -> date | None:
    """When the step awaited at `stage` is due: the administrator's setting, else the default, in working days."""
    setting = DeadlineSetting.objects.filter(stage=stage).values_list("working_days", flat=True).first()
    days = setting if setting is not None else STAGE_DEADLINE_DAYS.get(Stage(stage))
    return add_working_days(timezone.localdate(), days) if days else None


@dataclass
class FormData:
    """The content of the SIN form, as a person or another system sends it."""

    criteria: list[str]
    values: dict[str, Any]


# --- helpers shared by the steps -----------------------------------------


def _lock(incident_id: int, expected_version: int | None) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    if expected_version is not None and incident.version != expected_version:
        raise StaleRecord(
            "Someone else changed this incident while you had it open. "
            "Your text is kept below: check the record and send it again."
        )
    return incident


def _require(user, perm: str, obj, message: str) -> None:
    # The rule itself, not user.has_perm(): Django passes an active superuser on
    # every has_perm(), and an administrator must not take steps by that role.
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed(message)


def _require_stage(incident: Incident, step: Step) -> None:
    transition = transition_for(incident.kind, step)
    if transition is None or incident.stage not in transition.from_stages:
        raise WrongStage(
            f"This incident is at the stage '{incident.get_stage_display()}', "
            f"so '{Step(step).label}' cannot be done now. It may have been done already."
        )


def _open_step(step: Step, *, actor, incident_id: int, expected_version: int, refused: str) -> Incident:
    """Begin a step of the table: lock the record (at the version the person saw), check they may take
    it (its row's rule; `refused` says why not) and that its stage allows it."""
    incident = _lock(incident_id, expected_version)
    row = transition_for(incident.kind, step) or transition_for(Kind.CASE, step) or transition_for(Kind.NON_CASE, step)
    _require(actor, row.perm, incident, refused)
    _require_stage(incident, step)
    return incident


def _required_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _move(
    incident: Incident,
    *,
    actor,
    step: Step,
    to_stage: Stage | None,
    text: str = "",
    proposal: str = "",
    changes: dict | None = None,
) -> IncidentEvent:
    """Record the step: stage, deadline, version, timeline event and audit event."""
    from_stage = incident.stage
    if to_stage is not None:
        incident.stage = to_stage
        incident.stage_due = stage_due_date(to_stage)
    incident.version += 1
    incident.save()
    event = IncidentEvent.objects.create(
        incident=incident,
        step=step,
        actor=actor,
        from_stage=from_stage,
        to_stage=incident.stage,
        text=text,
        proposal=proposal,
    )
    audit_record(
        actor=actor,
        action=f"incident.{step}",
        obj=incident,
        changes={"from_stage": from_stage, "to_stage": incident.stage, **(changes or {})},
    )
    return event


def _operational_directors(incident: Incident):
    return people_with_role(Role.OPERATIONAL_DIRECTOR, region=incident.region_id)


def _assistant_directors(incident: Incident):
    return people_with_role(Role.ASSISTANT_DIRECTOR, service_area=incident.service_area_id)


def _cmt_and_ceo():
    return list(people_with_role(Role.CMT_MEMBER)) + list(people_with_role(Role.CEO))


def _case_review_signers(incident: Incident):
    review = CaseReview.objects.filter(incident=incident).select_related("sign_off_by").first()
    if review is not None and review.sign_off_by is not None:
        return [review.sign_off_by]
    return _operational_directors(incident)


def _next_reference(kind: str, year: int) -> str:
    prefix = "SIN" if kind == Kind.CASE else "SIN-NC"
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:04d}"


def _create_action(incident: Incident, *, actor, action: RequestedAction) -> Action:
    """A SIN's action (actions.services), with its entry in the SIN's timeline."""
    created = action_create(actor=actor, requested=action, incident=incident)
    IncidentEvent.objects.create(
        incident=incident,
        step=Step.ACTION_ADD,
        actor=actor,
        from_stage=incident.stage,
        to_stage=incident.stage,
        text=f"{created.description} (owner: {created.owner}, due {created.due_date:%d %B %Y})",
    )
    return created
