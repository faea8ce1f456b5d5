"""The SIN form and its steps up to sign-off: draft, submission and resubmission (2.2, 2.10), the Assistant Director (2.2), the Operational Director (2.3)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alerts.models import Notification
from alerts.services import notify
from audit.services import audit_record
from core.exceptions import NotAllowed, WrongStage
from organisation.choices import Role
from organisation.models import CorporateFunction, ServiceArea, Team
from organisation.selectors import access_for, people_with_role, teams_for_author

from ..choices import (
    EDITABLE_STAGES,
    Kind,
    Proposal,
    Stage,
    Step,
)
from ..criteria import OTHER_CODE
from ..models import (
    CaseReview,
    Criterion,
    Incident,
    IncidentEvent,
    SubmittedVersion,
)
from ..versions import FORM_FIELDS, sin_values, version_record
from ..workflow import transition_for
from ._common import (
    FormData,
    _assistant_directors,
    _cmt_and_ceo,
    _lock,
    _move,
    _next_reference,
    _open_step,
    _operational_directors,
    _require,
    _require_stage,
    _required_text,
    stage_due_date,
)

# --- the form --------------------------------------------------------------


def validate_dates(incident_date: date | None, aware_date: date | None) -> None:
    """Dates cannot be in the future, and Cafcass cannot become aware before the incident.

    The two are compared only when each is right on its own: a mistyped date of the
    incident is reported once, beside that date, not also as a fault of the other.
    """
    today = timezone.localdate()
    errors = {}
    if incident_date and incident_date > today:
        errors["incident_date"] = "The date of the incident must be today or in the past"
    if aware_date and aware_date > today:
        errors["aware_date"] = "The date Cafcass became aware must be today or in the past"
    if incident_date and aware_date and not errors and aware_date < incident_date:
        errors["aware_date"] = "The date Cafcass became aware must be the same as or after the date of the incident"
    if errors:
        raise ValidationError(errors)


def _apply_form(incident: Incident, data: FormData) -> dict:
    """Copy the form onto the incident; return what changed, for the audit trail."""
    validate_dates(data.values.get("incident_date"), data.values.get("aware_date"))
    changes = {}
    for name in FORM_FIELDS:
        if name in data.values:
            value = (
                data.values[name]
                if data.values[name] is not None
                else ("" if name not in ("incident_date", "aware_date") else None)
            )
            if isinstance(value, str):
                value = value.strip()
            if getattr(incident, name) != value:
                changes[name] = "changed"
                setattr(incident, name, value)
    incident.save()
    codes = sorted(set(data.criteria))
    known = list(Criterion.objects.filter(kind=incident.kind, code__in=codes, active=True))
    if len(known) != len(codes):
        raise ValidationError({"criteria": "Choose criteria from the list"})
    current = sorted(incident.criteria.values_list("code", flat=True))
    if current != codes:
        incident.criteria.set(known)
        changes["criteria"] = codes
    return changes


def incident_create(
    *,
    actor,
    kind: str = Kind.CASE,
    team: Team | None = None,
    service_area: ServiceArea | None = None,
    function: CorporateFunction | None = None,
    data: FormData,
    source_system: str = "",
    source_reference: str = "",
) -> Incident:
    """Start a draft SIN (2.2 for case-related, 2.10 for non-case)."""
    with transaction.atomic():
        if kind == Kind.CASE:
            if team is None or not teams_for_author(actor).filter(pk=team.pk).exists():
                raise NotAllowed("You can write a case-related SIN only for a team you manage or whose service area you lead.")
            place = {"team": team, "service_area": team.service_area, "region": team.service_area.region}
        else:
            access = access_for(actor)
            if service_area is not None and service_area.pk in access.service_area_ids:
                place = {"service_area": service_area, "region": service_area.region}
            elif function is not None and function.pk in access.function_ids:
                place = {"function": function}
            else:
                raise NotAllowed("You can write a non-case SIN only for the service area you lead or the function you head.")
        incident = Incident.objects.create(
            kind=kind,
            author=actor,
            source_system=source_system,
            source_reference=source_reference,
            stage_due=stage_due_date(Stage.DRAFT),
            **place,
        )
        changes = _apply_form(incident, data)
        IncidentEvent.objects.create(incident=incident, step=Step.CREATE, actor=actor, to_stage=Stage.DRAFT)
        audit_record(actor=actor, action="incident.create", obj=incident, changes=changes)
        return incident


def incident_update_draft(
    *, actor, incident_id: int, expected_version: int, data: FormData, answer: str | None = None
) -> Incident:
    """Save the form again while it is a draft or returned to its author.

    Returned (2.2), the author's answer to the questions is kept with the draft
    (`answer`) until the resubmission records it in the timeline.
    """
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.edit_draft", incident, "Only the author can change this form.")
        if incident.stage not in EDITABLE_STAGES:
            raise WrongStage("This form has been submitted and can no longer be changed.")
        changes = _apply_form(incident, data)
        if answer is not None and incident.stage == Stage.RETURNED and answer.strip() != incident.answer_draft:
            incident.answer_draft = answer.strip()
            changes["answer"] = "changed"
        incident.version += 1
        incident.save()
        audit_record(actor=actor, action="incident.update_draft", obj=incident, changes=changes)
        return incident


def submission_errors(incident: Incident) -> dict[str, str]:
    """What is missing before a SIN can be submitted, by field."""
    errors = {}
    codes = set(incident.criteria.values_list("code", flat=True))
    if not codes:
        errors["criteria"] = "Select at least one criterion" if incident.kind == Kind.CASE else "Select at least one category"
    if OTHER_CODE in codes and not incident.other_description.strip():
        errors["other_description"] = "Describe the 'Other' criterion"
    if not incident.title.strip():
        errors["title"] = "Enter a short title"
    if not incident.what_happened.strip():
        errors["what_happened"] = "Enter what happened"
    if incident.incident_date is None:
        errors["incident_date"] = "Enter the date of the incident"
    if incident.aware_date is None:
        errors["aware_date"] = "Enter the date Cafcass became aware"
    if incident.kind == Kind.CASE:
        if not incident.children.strip():
            errors["children"] = "Enter the child or children (initials and age only)"
        if not incident.case_reference.strip():
            errors["case_reference"] = "Enter the Cafcass case reference"
        if not incident.cafcass_involvement.strip():
            errors["cafcass_involvement"] = "Enter Cafcass's involvement"
    if not incident.immediate_actions.strip():
        errors["immediate_actions"] = "Enter the immediate actions taken"
    return errors


ANSWER_MISSING = "Enter your answer to the Assistant Director's questions"


def incident_submit(*, actor, incident_id: int, expected_version: int, answer: str | None = None) -> Incident:
    """Submit the SIN: case-related to the AD (2.2); non-case straight to Core CMT (2.9, 2.10).

    The reference (SIN-2026-0001) is given at the first submission, in
    sequence per year; the counter row is locked, so two submissions at the
    same moment get two numbers. A SIN returned with questions is resubmitted
    with the author's answer (`answer`, or the one saved with the draft): a
    timeline entry of its own, beside the version of the form it sends, so the
    version the AD questioned stays readable (incidents.versions).
    """
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.submit", incident, "Only the author can submit this form.")
        answering = incident.stage == Stage.RETURNED
        step = Step.SUBMIT_NON_CASE if incident.kind == Kind.NON_CASE else Step.RESUBMIT if answering else Step.SUBMIT
        _require_stage(incident, step)
        errors = submission_errors(incident)
        if answering:
            answer = (incident.answer_draft if answer is None else answer).strip()
            if not answer:
                errors["answer"] = ANSWER_MISSING
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        if not incident.reference:
            incident.reference = _next_reference(incident.kind, timezone.localdate().year)
        incident.submitted_at = incident.submitted_at or now
        transition = transition_for(incident.kind, step)
        if incident.kind == Kind.CASE:
            incident.answer_draft = ""
            event = _move(incident, actor=actor, step=step, to_stage=transition.to_stage, text=answer if answering else "")
            version_record(incident=incident, event=event, form=SubmittedVersion.Form.SIN, values=sin_values(incident))
            notify(
                recipients=_assistant_directors(incident),
                subject=incident,
                reason=Notification.Reason.ACT,
                message="Your questions have been answered: the notification awaits your analysis and proposal again."
                if answering
                else "A serious incident notification awaits your analysis and proposal.",
                exclude=actor,
            )
        else:
            incident.notified_at = now
            event = _move(incident, actor=actor, step=step, to_stage=transition.to_stage)
            version_record(incident=incident, event=event, form=SubmittedVersion.Form.SIN, values=sin_values(incident))
            notify(
                recipients=_cmt_and_ceo(),
                subject=incident,
                reason=Notification.Reason.CMT_INITIAL,
                message=f"Non-case serious incident {incident.reference}: Core CMT alert.",
                exclude=actor,
            )
        return incident


# --- Assistant Director (2.2) -----------------------------------------------


def incident_ad_analyse(*, actor, incident_id: int, expected_version: int, analysis: str, proposal: str) -> Incident:
    """The AD adds their analysis and proposes whether it meets the criteria to share with CMT (2.2)."""
    with transaction.atomic():
        incident = _open_step(
            Step.AD_ANALYSE,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only an Assistant Director of this service area can add the analysis.",
        )
        analysis = _required_text(analysis, "analysis", "Enter your analysis of the situation")
        if proposal not in Proposal.values:
            raise ValidationError({"proposal": "Select whether the incident meets the criteria to share with Core CMT"})
        _move(incident, actor=actor, step=Step.AD_ANALYSE, to_stage=Stage.WITH_OD, text=analysis, proposal=proposal)
        notify(
            recipients=_operational_directors(incident),
            subject=incident,
            reason=Notification.Reason.ACT,
            message="A serious incident notification awaits your sign-off.",
            exclude=actor,
        )
        return incident


def incident_ad_return(*, actor, incident_id: int, expected_version: int, questions: str) -> Incident:
    with transaction.atomic():
        incident = _open_step(
            Step.AD_RETURN,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only the Assistant Director of this service area can return it.",
        )
        questions = _required_text(questions, "questions", "Enter your questions for the author")
        _move(incident, actor=actor, step=Step.AD_RETURN, to_stage=Stage.RETURNED, text=questions)
        notify(
            recipients=[incident.author],
            subject=incident,
            reason=Notification.Reason.ACT,
            message="Your serious incident notification was returned with questions.",
            exclude=actor,
        )
        return incident


# --- Operational Director (2.3) ---------------------------------------------


def incident_od_sign_off(*, actor, incident_id: int, expected_version: int, comment: str = "") -> Incident:
    """Sign-off: Core CMT is alerted and the NIS case review (CR1) commissioned, at the same moment (2.1, 2.3)."""
    with transaction.atomic():
        incident = _open_step(
            Step.OD_SIGN_OFF,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only the Operational Director of this region, who did not write it, can sign it off.",
        )
        now = timezone.now()
        incident.notified_at = now
        incident.review_commissioned_at = now
        _move(incident, actor=actor, step=Step.OD_SIGN_OFF, to_stage=Stage.CASE_REVIEW, text=(comment or "").strip())
        CaseReview.objects.create(incident=incident)
        notify(
            recipients=_cmt_and_ceo(),
            subject=incident,
            reason=Notification.Reason.CMT_INITIAL,
            message=f"Serious incident {incident.reference}: Core CMT alert at the initial stage.",
            exclude=actor,
        )
        notify(
            recipients=people_with_role(Role.NIS_REVIEWER),
            subject=incident,
            reason=Notification.Reason.ACT,
            message="A case review (CR1) has been commissioned.",
            exclude=actor,
        )
        return incident


def incident_od_return(*, actor, incident_id: int, expected_version: int, reason: str) -> Incident:
    with transaction.atomic():
        incident = _open_step(
            Step.OD_RETURN,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only the Operational Director of this region can return it.",
        )
        reason = _required_text(reason, "reason", "Enter what the Assistant Director should look at again")
        _move(incident, actor=actor, step=Step.OD_RETURN, to_stage=Stage.WITH_AD, text=reason)
        notify(
            recipients=_assistant_directors(incident),
            subject=incident,
            reason=Notification.Reason.ACT,
            message="A serious incident notification was returned to you by the Operational Director.",
            exclude=actor,
        )
        return incident


def incident_od_not_notifiable(*, actor, incident_id: int, expected_version: int, rationale: str) -> Incident:
    """The OD records that it does not meet the criteria; it stays on record."""
    with transaction.atomic():
        incident = _open_step(
            Step.OD_NOT_NOTIFIABLE,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only the Operational Director of this region can record this.",
        )
        rationale = _required_text(rationale, "rationale", "Enter why it does not meet the criteria")
        _move(incident, actor=actor, step=Step.OD_NOT_NOTIFIABLE, to_stage=Stage.NOT_NOTIFIABLE, text=rationale)
        incident.stage_due = None
        incident.save(update_fields=["stage_due"])
        notify(
            recipients=[incident.author, *_assistant_directors(incident)],
            subject=incident,
            reason=Notification.Reason.INFO,
            message="Recorded as not meeting the serious incident criteria.",
            exclude=actor,
        )
        return incident
