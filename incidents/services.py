"""Every change to a SIN: one function per step, each in one transaction.

Each step locks the incident row, checks the actor may take it
(incidents.permissions), checks the stage allows it (incidents.workflow),
checks the form was sent against the version the person saw, writes, adds a
timeline event, records the audit event and creates the notifications for
whoever must act or be told. Views, the API, imports and commands call these;
nothing else sets a stage.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actions.services import RequestedAction, action_create, action_errors, action_update
from alerts.models import Notification
from alerts.services import notify
from audit.services import audit_record
from core.exceptions import NotAllowed, StaleRecord, WrongStage
from core.working_days import add_working_days
from organisation.choices import Role
from organisation.models import CorporateFunction, ServiceArea, Team
from organisation.selectors import access_for, people_with_role, teams_for_author

from .choices import (
    EDITABLE_STAGES,
    FINAL_DECISIONS,
    FINISHED_ACTION_STATUSES,
    INITIAL_DECISIONS,
    SHARING_DECISIONS,
    ActionStatus,
    Audience,
    Decision,
    Kind,
    Proposal,
    ReviewStatus,
    Stage,
    Step,
)
from .criteria import OTHER_CODE
from .models import (
    Action,
    Briefing,
    CaseReview,
    CeoDecision,
    Criterion,
    DeadlineSetting,
    Incident,
    IncidentEvent,
    ReferenceCounter,
    SubmittedVersion,
)
from .versions import CR1_FIELDS, FORM_FIELDS, cr1_values, sin_values, version_record
from .workflow import ACTION_STAGES, STAGE_DEADLINE_DAYS, transition_for

__all__ = ["CR1_FIELDS", "FORM_FIELDS", "RequestedAction", "action_update"]  # re-exported: the pages and the API read them here

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


def _required_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _move(incident: Incident, *, actor, step: Step, to_stage: Stage | None, text: str = "", proposal: str = "", changes: dict | None = None) -> IncidentEvent:
    """Record the step: stage, deadline, version, timeline event and audit event."""
    from_stage = incident.stage
    if to_stage is not None:
        incident.stage = to_stage
        incident.stage_due = stage_due_date(to_stage)
    incident.version += 1
    incident.save()
    event = IncidentEvent.objects.create(
        incident=incident, step=step, actor=actor, from_stage=from_stage,
        to_stage=incident.stage, text=text, proposal=proposal,
    )
    audit_record(
        actor=actor, action=f"incident.{step}", obj=incident,
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
            value = data.values[name] if data.values[name] is not None else ("" if name not in ("incident_date", "aware_date") else None)
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


def incident_create(*, actor, kind: str = Kind.CASE, team: Team | None = None, service_area: ServiceArea | None = None,
                    function: CorporateFunction | None = None, data: FormData, source_system: str = "",
                    source_reference: str = "") -> Incident:
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
            kind=kind, author=actor, source_system=source_system, source_reference=source_reference,
            stage_due=stage_due_date(Stage.DRAFT), **place,
        )
        changes = _apply_form(incident, data)
        IncidentEvent.objects.create(incident=incident, step=Step.CREATE, actor=actor, to_stage=Stage.DRAFT)
        audit_record(actor=actor, action="incident.create", obj=incident, changes=changes)
        return incident


def incident_update_draft(*, actor, incident_id: int, expected_version: int, data: FormData,
                          answer: str | None = None) -> Incident:
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
        errors["criteria"] = (
            "Select at least one criterion" if incident.kind == Kind.CASE else "Select at least one category"
        )
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
            event = _move(incident, actor=actor, step=step, to_stage=transition.to_stage,
                          text=answer if answering else "")
            version_record(incident=incident, event=event, form=SubmittedVersion.Form.SIN, values=sin_values(incident))
            notify(recipients=_assistant_directors(incident), subject=incident, reason=Notification.Reason.ACT,
                   message="Your questions have been answered: the notification awaits your analysis and proposal again."
                   if answering else "A serious incident notification awaits your analysis and proposal.", exclude=actor)
        else:
            incident.notified_at = now
            event = _move(incident, actor=actor, step=step, to_stage=transition.to_stage)
            version_record(incident=incident, event=event, form=SubmittedVersion.Form.SIN, values=sin_values(incident))
            notify(recipients=_cmt_and_ceo(), subject=incident, reason=Notification.Reason.CMT_INITIAL,
                   message=f"Non-case serious incident {incident.reference}: Core CMT alert.", exclude=actor)
        return incident


# --- Assistant Director (2.2) -----------------------------------------------


def incident_ad_analyse(*, actor, incident_id: int, expected_version: int, analysis: str, proposal: str) -> Incident:
    """The AD adds their analysis and proposes whether it meets the criteria to share with CMT (2.2)."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.ad_analyse", incident, "Only an Assistant Director of this service area can add the analysis.")
        _require_stage(incident, Step.AD_ANALYSE)
        analysis = _required_text(analysis, "analysis", "Enter your analysis of the situation")
        if proposal not in Proposal.values:
            raise ValidationError({"proposal": "Select whether the incident meets the criteria to share with Core CMT"})
        _move(incident, actor=actor, step=Step.AD_ANALYSE, to_stage=Stage.WITH_OD, text=analysis, proposal=proposal)
        notify(recipients=_operational_directors(incident), subject=incident, reason=Notification.Reason.ACT,
               message="A serious incident notification awaits your sign-off.", exclude=actor)
        return incident


def incident_ad_return(*, actor, incident_id: int, expected_version: int, questions: str) -> Incident:
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.ad_return", incident, "Only the Assistant Director of this service area can return it.")
        _require_stage(incident, Step.AD_RETURN)
        questions = _required_text(questions, "questions", "Enter your questions for the author")
        _move(incident, actor=actor, step=Step.AD_RETURN, to_stage=Stage.RETURNED, text=questions)
        notify(recipients=[incident.author], subject=incident, reason=Notification.Reason.ACT,
               message="Your serious incident notification was returned with questions.", exclude=actor)
        return incident


# --- Operational Director (2.3) ---------------------------------------------


def incident_od_sign_off(*, actor, incident_id: int, expected_version: int, comment: str = "") -> Incident:
    """Sign-off: Core CMT is alerted and the NIS case review (CR1) commissioned, at the same moment (2.1, 2.3)."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.od_sign_off", incident, "Only the Operational Director of this region, who did not write it, can sign it off.")
        _require_stage(incident, Step.OD_SIGN_OFF)
        now = timezone.now()
        incident.notified_at = now
        incident.review_commissioned_at = now
        _move(incident, actor=actor, step=Step.OD_SIGN_OFF, to_stage=Stage.CASE_REVIEW, text=(comment or "").strip())
        CaseReview.objects.create(incident=incident)
        notify(recipients=_cmt_and_ceo(), subject=incident, reason=Notification.Reason.CMT_INITIAL,
               message=f"Serious incident {incident.reference}: Core CMT alert at the initial stage.", exclude=actor)
        notify(recipients=people_with_role(Role.NIS_REVIEWER), subject=incident, reason=Notification.Reason.ACT,
               message="A case review (CR1) has been commissioned.", exclude=actor)
        return incident


def incident_od_return(*, actor, incident_id: int, expected_version: int, reason: str) -> Incident:
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.od_return", incident, "Only the Operational Director of this region can return it.")
        _require_stage(incident, Step.OD_RETURN)
        reason = _required_text(reason, "reason", "Enter what the Assistant Director should look at again")
        _move(incident, actor=actor, step=Step.OD_RETURN, to_stage=Stage.WITH_AD, text=reason)
        notify(recipients=_assistant_directors(incident), subject=incident, reason=Notification.Reason.ACT,
               message="A serious incident notification was returned to you by the Operational Director.", exclude=actor)
        return incident


def incident_od_not_notifiable(*, actor, incident_id: int, expected_version: int, rationale: str) -> Incident:
    """The OD records that it does not meet the criteria; it stays on record."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.od_not_notifiable", incident, "Only the Operational Director of this region can record this.")
        _require_stage(incident, Step.OD_NOT_NOTIFIABLE)
        rationale = _required_text(rationale, "rationale", "Enter why it does not meet the criteria")
        _move(incident, actor=actor, step=Step.OD_NOT_NOTIFIABLE, to_stage=Stage.NOT_NOTIFIABLE, text=rationale)
        incident.stage_due = None
        incident.save(update_fields=["stage_due"])
        notify(recipients=[incident.author, *_assistant_directors(incident)], subject=incident,
               reason=Notification.Reason.INFO, message="Recorded as not meeting the serious incident criteria.", exclude=actor)
        return incident


# --- CEO (2.4, 2.6) ------------------------------------------------------------


def _record_decision(incident, *, actor, decision, rationale, comments, is_final, briefing_title, briefing_text, action):
    # Every problem at once, so that the person puts all of them right in one go.
    errors = {}
    rationale = (rationale or "").strip()
    if not rationale:
        errors["rationale"] = "Enter the rationale for the decision"
    allowed = FINAL_DECISIONS if is_final else INITIAL_DECISIONS
    if decision not in [d.value for d in allowed]:
        errors["decision"] = "Select a decision"
    if decision in SHARING_DECISIONS:
        briefing_title, briefing_text = (briefing_title or "").strip(), (briefing_text or "").strip()
        if not briefing_title:
            errors["briefing_title"] = "Enter a title for the briefing"
        if not briefing_text:
            errors["briefing_text"] = "Enter the briefing to share"
    if decision == Decision.FURTHER_ACTION and action is None:
        errors["action_description"] = "Enter the further action requested from the local team"
    if action is not None:
        errors = {**action_errors(action), **errors}
    if errors:
        raise ValidationError(errors)
    record = CeoDecision.objects.create(
        incident=incident, decided_by=actor, is_final=is_final, decision=decision,
        rationale=rationale, comments=(comments or "").strip(),
    )
    if decision in SHARING_DECISIONS:
        briefing = Briefing.objects.create(
            incident=incident, decision=record,
            audience=Audience.BOARD if decision == Decision.SHARE_BOARD else Audience.CHAIR,
            title=briefing_title, text=briefing_text,
        )
        audience_role = Role.BOARD_MEMBER if decision == Decision.SHARE_BOARD else Role.CHAIR
        recipients = list(people_with_role(Role.CHAIR))
        if audience_role == Role.BOARD_MEMBER:
            recipients += list(people_with_role(Role.BOARD_MEMBER))
        # The email carries the reference and a link only: a briefing's title may describe the family.
        notify(recipients=recipients, subject=incident, reason=Notification.Reason.BRIEFING,
               message=f"The CEO has shared a briefing with you: {briefing_title}", link=briefing.get_absolute_url(),
               email_message="The Chief Executive has shared a briefing with you. Sign in to read it.")
    if action is not None:
        _create_action(incident, actor=actor, action=action)
    return record


def incident_ceo_decide(*, actor, incident_id: int, expected_version: int, decision: str, rationale: str,
                        briefing_title: str = "", briefing_text: str = "", action: RequestedAction | None = None) -> CeoDecision:
    """A CEO decision after sign-off, before the final one; may be recorded more than once (2.4)."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.ceo_decide", incident, "Only the CEO can record this decision.")
        _require_stage(incident, Step.CEO_DECISION)
        if decision != Decision.FURTHER_ACTION:
            action = None
        record = _record_decision(incident, actor=actor, decision=decision, rationale=rationale, comments="",
                                  is_final=False, briefing_title=briefing_title, briefing_text=briefing_text, action=action)
        _move(incident, actor=actor, step=Step.CEO_DECISION, to_stage=None,
              text=f"{record.get_decision_display()}: {record.rationale}", changes={"decision": decision})
        return record


def incident_ceo_final_decide(*, actor, incident_id: int, expected_version: int, decision: str, rationale: str,
                              comments: str = "", briefing_title: str = "", briefing_text: str = "",
                              action: RequestedAction | None = None) -> CeoDecision:
    """The CEO's final comments, actions and decision to share (2.6; for non-case SINs, 2.9)."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.ceo_decide", incident, "Only the CEO can record this decision.")
        _require_stage(incident, Step.CEO_FINAL_DECISION)
        record = _record_decision(incident, actor=actor, decision=decision, rationale=rationale, comments=comments,
                                  is_final=True, briefing_title=briefing_title, briefing_text=briefing_text, action=action)
        _move(incident, actor=actor, step=Step.CEO_FINAL_DECISION, to_stage=Stage.ACTIONS,
              text=f"{record.get_decision_display()}: {record.rationale}" + (f"\n\n{record.comments}" if record.comments else ""),
              changes={"decision": decision})
        accountable = _assistant_directors(incident) if incident.service_area_id else people_with_role(Role.HEAD_OF_PROFESSION, function=incident.function_id)
        notify(recipients=accountable, subject=incident, reason=Notification.Reason.ACT,
               message="The CEO's final decision is recorded: see the actions through and close the incident.", exclude=actor)
        return record


# --- case review, CR1 (2.3, 2.5) -------------------------------------------------


def _lock_review(incident: Incident) -> CaseReview:
    return CaseReview.objects.select_for_update().get(incident=incident)


def case_review_save(*, actor, incident_id: int, expected_version: int, values: dict[str, str], submit: bool = False) -> CaseReview:
    """Save the CR1 as a draft, or save and submit it for sign-off."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.write_case_review", incident, "Only an NIS reviewer can write the case review.")
        _require_stage(incident, Step.CR1_SUBMIT)
        review = _lock_review(incident)
        changes = {}
        for name in CR1_FIELDS:
            if name in values:
                value = (values[name] or "").strip()
                if getattr(review, name) != value:
                    setattr(review, name, value)
                    changes[name] = "changed"
        review.reviewer = review.reviewer or actor
        if submit:
            missing = {name: f"Enter the {CaseReview._meta.get_field(name).verbose_name.lower()}" for name in CR1_FIELDS if not getattr(review, name)}
            if missing:
                raise ValidationError(missing)
            review.status = ReviewStatus.SUBMITTED
            review.submitted_at = timezone.now()
        review.save()
        if submit:
            event = _move(incident, actor=actor, step=Step.CR1_SUBMIT, to_stage=Stage.CR1_SIGN_OFF, changes=changes)
            # The version sent for sign-off stays readable if it is returned and changed (2.5).
            version_record(incident=incident, event=event, form=SubmittedVersion.Form.CR1, values=cr1_values(review))
            notify(recipients=_case_review_signers(incident), subject=incident, reason=Notification.Reason.ACT,
                   message="A case review (CR1) awaits your sign-off.", exclude=actor)
        else:
            incident.version += 1
            incident.save(update_fields=["version", "updated_at"])
            audit_record(actor=actor, action="case_review.save", obj=incident, changes=changes)
        return review


def case_review_return(*, actor, incident_id: int, expected_version: int, reason: str) -> CaseReview:
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.sign_off_case_review", incident, "Only the Operational Service Director can return the case review.")
        _require_stage(incident, Step.CR1_RETURN)
        reason = _required_text(reason, "reason", "Enter what needs changing in the case review")
        review = _lock_review(incident)
        review.status = ReviewStatus.DRAFT
        review.save(update_fields=["status"])
        _move(incident, actor=actor, step=Step.CR1_RETURN, to_stage=Stage.CASE_REVIEW, text=reason)
        notify(recipients=[review.reviewer] if review.reviewer else people_with_role(Role.NIS_REVIEWER), subject=incident,
               reason=Notification.Reason.ACT, message="The case review (CR1) was returned to you.", exclude=actor)
        return review


def case_review_sign_off(*, actor, incident_id: int, expected_version: int, comment: str = "") -> CaseReview:
    """The Operational Service Director signs off the CR1 and sends it to CMT: the second alert (2.1, 2.5)."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.sign_off_case_review", incident, "Only the Operational Service Director, who did not write it, can sign off the case review.")
        _require_stage(incident, Step.CR1_SIGN_OFF)
        review = _lock_review(incident)
        review.status = ReviewStatus.SIGNED_OFF
        review.signed_off_at = timezone.now()
        review.signed_off_by = actor
        review.save(update_fields=["status", "signed_off_at", "signed_off_by"])
        if review.learning_identified and not incident.learning_identified:
            incident.learning_identified = review.learning_identified
        _move(incident, actor=actor, step=Step.CR1_SIGN_OFF, to_stage=Stage.FINAL_DECISION, text=(comment or "").strip())
        # 2.1: the second alert goes "with a copy of the completed ... CR1": each member's email links
        # to it on the record, and the mailbox's copy carries it as a PDF (alerts.services._attachments).
        notify(recipients=_cmt_and_ceo(), subject=incident, reason=Notification.Reason.CMT_REVIEW,
               message=f"Serious incident {incident.reference}: the case review (CR1) is complete. Read the completed CR1 on the record.",
               link=reverse("incidents:detail", args=[incident.pk]) + "#case-review", exclude=actor)
        return review


# --- actions and closure (2.7) -------------------------------------------------------


def _create_action(incident: Incident, *, actor, action: RequestedAction) -> Action:
    """A SIN's action (actions.services), with its entry in the SIN's timeline."""
    created = action_create(actor=actor, requested=action, incident=incident)
    IncidentEvent.objects.create(incident=incident, step=Step.ACTION_ADD, actor=actor, from_stage=incident.stage,
                                 to_stage=incident.stage, text=f"{created.description} (owner: {created.owner}, due {created.due_date:%d %B %Y})")
    return created


def action_add(*, actor, incident_id: int, expected_version: int, action: RequestedAction) -> Action:
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.add_action", incident, "Only the CEO, or the AD or OD of this incident, can add an action.")
        if incident.stage not in ACTION_STAGES:
            raise WrongStage("Actions can be added once CMT has been alerted and until the incident is closed.")
        created = _create_action(incident, actor=actor, action=action)
        incident.version += 1
        incident.save(update_fields=["version", "updated_at"])
        audit_record(actor=actor, action="incident.action_add", obj=incident, changes={"action": created.pk})
        return created


def incident_record_learning(*, actor, incident_id: int, expected_version: int, learning: str) -> Incident:
    """Record the learning identified, so that it can be carried into the Learning Portal (2.7, 3.2)."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.record_learning", incident, "Only the AD, OD, Head of Profession or reviewer can record the learning.")
        if incident.stage not in ACTION_STAGES:
            raise WrongStage("Learning can be recorded once CMT has been alerted and until the incident is closed.")
        incident.learning_identified = _required_text(learning, "learning", "Enter the learning identified")
        _move(incident, actor=actor, step=Step.LEARNING_RECORD, to_stage=None, text=incident.learning_identified)
        return incident


def closure_blockers(incident: Incident) -> list[str]:
    """What stops closure (2.7). Reads `incident.decisions` and `incident.actions` through
    .all(), so a page that prefetched them pays no query; the locked close step reads them fresh."""
    reasons = []
    if not any(decision.is_final for decision in incident.decisions.all()):
        reasons.append("The CEO's final decision has not been recorded.")
    unfinished = sum(1 for action in incident.actions.all() if action.status not in FINISHED_ACTION_STATUSES)
    if unfinished:
        reasons.append(f"{unfinished} action(s) are neither done nor carried into the Learning Portal.")
    carried = any(action.status == ActionStatus.CARRIED for action in incident.actions.all())
    if carried and not incident.learning_identified.strip():
        reasons.append("Record the learning identified: an action is carried into the Learning Portal, and the learning goes with it.")
    return reasons


def incident_close(*, actor, incident_id: int, expected_version: int) -> Incident:
    """Close once the final decision is recorded and every action is done or carried (2.7)."""
    with transaction.atomic():
        incident = _lock(incident_id, expected_version)
        _require(actor, "incidents.close", incident, "Only the Assistant Director (or Head of Profession) accountable can close it.")
        _require_stage(incident, Step.CLOSE)
        blockers = closure_blockers(incident)
        if blockers:
            raise WrongStage(" ".join(blockers))
        incident.closed_at = timezone.now()
        _move(incident, actor=actor, step=Step.CLOSE, to_stage=Stage.CLOSED)
        incident.stage_due = None
        incident.save(update_fields=["stage_due"])
        return incident


def incident_viewed(*, actor, incident: Incident) -> None:
    """Viewing a sensitive record is in the audit trail too."""
    with transaction.atomic():
        audit_record(actor=actor, action="incident.view", obj=incident)


def briefing_viewed(*, actor, briefing) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="briefing.view", obj=briefing)
