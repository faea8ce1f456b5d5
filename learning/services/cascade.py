"""Every change to an item's cascade (source 3.5): one function per step, each in one transaction.

Each step locks the item (the one row every cascade step of the item queues
behind), checks the person (learning.permissions_cascade), checks the state
allows the step, writes its row, adds a timeline entry, records the audit
event and writes the alerts it causes.

    cascade_decide          the cascade action's owner (the L&D lead) chooses the methods of 3.5
    cascade_omt_record      the L&D lead records the OMT at which it was cascaded
    cascade_sam_record      an Assistant Director records their service area's SAM
    cascade_team_confirm    a local manager confirms their team's meeting
    staff_alert_send        the L&D lead sends the knowledge or legal alert to every active member of staff
    staff_alert_acknowledge a person the alert went to acknowledges it (once; a second time changes nothing)
"""

from datetime import date

import rules
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.choices import FINISHED_ACTION_STATUSES, ActionKind, ActionStatus
from actions.models import Action
from alerts.models import Notification
from alerts.services import notify
from audit.services import audit_record
from core.exceptions import NotAllowed, WrongStage
from core.working_days import add_working_days
from organisation.models import ServiceArea, Team

from ..choices import ItemStatus, ItemStep
from ..models import ItemEvent, LearningItem
from ..models.cascade import (
    ALERT_METHODS,
    AlertRecipient,
    BulletinEntry,
    CascadeDecision,
    CascadeMethod,
    MonthlyCascade,
    SamMeeting,
    StaffAlert,
    TeamMeeting,
)
from ..selectors_cascade import active_staff

# Working days a member of staff has to acknowledge an alert before they are reminded.
ACKNOWLEDGE_WORKING_DAYS = 5


def _lock_item(item_id: int) -> LearningItem:
    item = LearningItem.objects.select_for_update().get(pk=item_id)
    if item.status != ItemStatus.PUBLISHED:
        raise WrongStage("Only a published item that is not closed is cascaded.")
    return item


def item_note(*, item: LearningItem, actor, text: str) -> ItemEvent:
    """A cascade or check step on the item's timeline (it does not move the item: learning_item_move does)."""
    return ItemEvent.objects.create(
        item=item, step=ItemStep.NOTE, actor=actor, from_rung=item.rung, to_rung=item.rung, text=text[:2000]
    )


def _require(user, perm: str, obj, message: str) -> None:
    # The rule itself, not user.has_perm(): an administrator takes no step by that role.
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed(message)


def _decision(item: LearningItem) -> CascadeDecision:
    decision = CascadeDecision.objects.filter(item=item).first()
    if decision is None:
        raise WrongStage("No cascade has been agreed for this learning yet.")
    return decision


def _real_date(value: date | None, field: str, label: str) -> date:
    if value is None:
        raise ValidationError({field: f"Enter the {label}"})
    if value > timezone.localdate():
        raise ValidationError({field: f"The {label} must be today or in the past"})
    return value


def cascade_decide(*, actor, item_id: int, methods: list[str], rationale: str = "") -> CascadeDecision:
    """Record how the learning will be cascaded (3.5): one or more of its methods, once per item.

    The monthly cascade is opened for its levels to be recorded; each bulletin chosen
    queues the item for its next edition; the cascade action is done, its evidence the
    methods chosen.
    """
    chosen = [m for m in CascadeMethod.values if m in set(methods or [])]
    if not chosen or len(set(methods)) != len(chosen):
        raise ValidationError({"methods": "Select at least one method of cascading the learning"})
    with transaction.atomic():
        item = _lock_item(item_id)
        _require(actor, "learning.decide_cascade", item, "Only the owner of the item's cascade action can agree its cascade.")
        if CascadeDecision.objects.filter(item=item).exists():
            raise WrongStage("The cascade of this learning has been agreed already.")
        decision = CascadeDecision.objects.create(
            item=item, methods=chosen, rationale=(rationale or "").strip(), decided_by=actor
        )
        if CascadeMethod.MONTHLY_CASCADE in chosen:
            MonthlyCascade.objects.create(item=item)
        for method in chosen:
            if method not in ALERT_METHODS and method != CascadeMethod.MONTHLY_CASCADE:
                BulletinEntry.objects.create(item=item, bulletin=method, queued_by=actor)
        labels = "; ".join(decision.method_labels)
        _finish_cascade_action(actor=actor, item=item, evidence=f"Cascade agreed: {labels}")
        item_note(
            item=item, actor=actor, text=f"Cascade agreed: {labels}." + (f" {decision.rationale}" if decision.rationale else "")
        )
        audit_record(actor=actor, action="learning.cascade_decide", obj=item, changes={"methods": chosen})
        return decision


def _finish_cascade_action(*, actor, item: LearningItem, evidence: str) -> None:
    """The cascade action (3.5) is done once its decision is recorded."""
    for action in (
        Action.objects.select_for_update()
        .filter(learning_item=item, kind=ActionKind.CASCADE)
        .exclude(status__in=FINISHED_ACTION_STATUSES)
    ):
        before = action.status
        action.status = ActionStatus.DONE
        action.evidence = evidence
        action.completed_at = timezone.now()
        action.version += 1
        action.save()
        audit_record(actor=actor, action="action.update", obj=action, changes={"status": [before, action.status]})


def _monthly(item: LearningItem) -> MonthlyCascade:
    if not _decision(item).chose(CascadeMethod.MONTHLY_CASCADE):
        raise WrongStage("The cascade agreed for this learning is not the monthly cascade from OMT to SAM to team meeting.")
    return MonthlyCascade.objects.select_for_update().get(item=item)


def cascade_omt_record(*, actor, item_id: int, omt_date: date | None) -> MonthlyCascade:
    """The OMT at which the learning was cascaded: the first level of the monthly cascade (3.5)."""
    with transaction.atomic():
        item = _lock_item(item_id)
        _require(actor, "learning.record_omt", item, "Only a Learning and Development lead can record the OMT.")
        cascade = _monthly(item)
        if cascade.omt_date is not None:
            raise ValidationError({"omt_date": f"The OMT was recorded already, on {cascade.omt_date:%d %B %Y}"})
        cascade.omt_date = _real_date(omt_date, "omt_date", "date of the OMT meeting")
        cascade.omt_recorded_by, cascade.omt_recorded_at = actor, timezone.now()
        cascade.version += 1
        cascade.save()
        item_note(item=item, actor=actor, text=f"Monthly cascade: OMT on {cascade.omt_date:%d %B %Y}.")
        audit_record(actor=actor, action="learning.cascade_omt", obj=item, changes={"omt_date": str(cascade.omt_date)})
        return cascade


def cascade_sam_record(*, actor, item_id: int, service_area: ServiceArea | None, meeting_date: date | None) -> SamMeeting:
    """A service area's SAM at which the learning was cascaded, recorded by its Assistant Director (3.5)."""
    with transaction.atomic():
        item = _lock_item(item_id)
        if service_area is None:
            raise ValidationError({"service_area": "Select the service area"})
        _require(
            actor, "learning.record_sam", service_area, "Only the Assistant Director of the service area can record its SAM."
        )
        cascade = _monthly(item)
        if cascade.omt_date is None:
            raise WrongStage("The OMT has not been recorded yet: the cascade reaches the SAMs from the OMT.")
        meeting_date = _real_date(meeting_date, "meeting_date", "date of the SAM")
        if meeting_date < cascade.omt_date:
            raise ValidationError({"meeting_date": "The date of the SAM must be the same as or after the OMT"})
        if SamMeeting.objects.filter(cascade=cascade, service_area=service_area).exists():
            raise ValidationError({"service_area": f"The SAM of {service_area} was recorded already"})
        sam = SamMeeting.objects.create(cascade=cascade, service_area=service_area, meeting_date=meeting_date, recorded_by=actor)
        item_note(item=item, actor=actor, text=f"Monthly cascade: SAM of {service_area} on {meeting_date:%d %B %Y}.")
        audit_record(actor=actor, action="learning.cascade_sam", obj=item, changes={"service_area": service_area.pk})
        return sam


def cascade_team_confirm(*, actor, item_id: int, team: Team | None, meeting_date: date | None) -> TeamMeeting:
    """A team's manager confirms the meeting at which the team heard the learning (3.5). Once per team."""
    with transaction.atomic():
        item = _lock_item(item_id)
        if team is None:
            raise ValidationError({"team": "Select the team"})
        _require(actor, "learning.confirm_team_meeting", team, "Only the team's manager can confirm its team meeting.")
        cascade = _monthly(item)
        if TeamMeeting.objects.filter(cascade=cascade, team=team).exists():
            raise ValidationError({"team": f"The team meeting of {team} was confirmed already"})
        meeting_date = _real_date(meeting_date, "meeting_date", "date of the team meeting")
        if cascade.omt_date is not None and meeting_date < cascade.omt_date:
            raise ValidationError({"meeting_date": "The date of the team meeting must be the same as or after the OMT"})
        try:
            with transaction.atomic():
                meeting = TeamMeeting.objects.create(cascade=cascade, team=team, meeting_date=meeting_date, confirmed_by=actor)
        except IntegrityError as error:  # a confirmation that slipped past the check above: counted once
            raise ValidationError({"team": f"The team meeting of {team} was confirmed already"}) from error
        item_note(item=item, actor=actor, text=f"Monthly cascade: team meeting of {team} on {meeting_date:%d %B %Y}.")
        audit_record(actor=actor, action="learning.cascade_team", obj=item, changes={"team": team.pk})
        return meeting


def staff_alert_send(*, actor, item_id: int, kind: str, title: str, text: str) -> StaffAlert:
    """Send the all user 'knowledge alert' or 'legal alert' (3.5) to every active member of staff.

    One recipient row, notification and email per person, in this transaction; each
    person is asked to acknowledge it within ACKNOWLEDGE_WORKING_DAYS working days.
    """
    errors = {}
    title, text = (title or "").strip(), (text or "").strip()
    if kind not in StaffAlert.Kind.values:
        errors["kind"] = "Select a knowledge alert or a legal alert"
    if not title:
        errors["title"] = "Enter the title of the alert"
    if not text:
        errors["text"] = "Enter what the alert says"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = _lock_item(item_id)
        _require(actor, "learning.send_staff_alert", item, "Only a Learning and Development lead can send an all user alert.")
        label = StaffAlert.Kind(kind).label.lower()
        if not _decision(item).chose(kind):
            raise ValidationError({"kind": f"The cascade agreed for this learning does not include a {label}"})
        if StaffAlert.objects.filter(item=item, kind=kind).exists():
            raise ValidationError({"kind": f"The {label} of this learning has been sent already"})
        alert = StaffAlert.objects.create(
            item=item,
            kind=kind,
            title=title,
            text=text,
            sent_by=actor,
            acknowledge_by=add_working_days(timezone.localdate(), ACKNOWLEDGE_WORKING_DAYS),
        )
        staff = list(active_staff())
        # The sender has read it: their row is acknowledged as sent, and they are not notified of it.
        now = timezone.now()
        AlertRecipient.objects.bulk_create(
            [
                AlertRecipient(alert=alert, person=person, acknowledged_at=now if person.pk == actor.pk else None)
                for person in staff
            ]
        )
        notify(
            recipients=staff,
            subject=alert,
            reason=Notification.Reason.ACT,
            exclude=actor,
            message=f"{alert.get_kind_display()}: {title}. Please read and acknowledge it.",
            email_message=f"A {label} has been sent to all staff. Sign in to read and acknowledge it by "
            f"{alert.acknowledge_by:%d %B %Y}.",
        )
        item_note(item=item, actor=actor, text=f"{alert.get_kind_display()} sent to {len(staff)} members of staff: {title}.")
        audit_record(actor=actor, action="learning.staff_alert_send", obj=alert, changes={"kind": kind, "recipients": len(staff)})
        return alert


def staff_alert_acknowledge(*, actor, alert_id: int) -> bool:
    """The person acknowledges an alert sent to them; returns False when they had already (counted once)."""
    with transaction.atomic():
        row = AlertRecipient.objects.select_for_update().filter(alert_id=alert_id, person=actor).first()
        if row is None:
            raise NotAllowed("This alert was not sent to you, so there is nothing for you to acknowledge.")
        if row.acknowledged_at is not None:
            return False
        # Only the row still unacknowledged: two presses at once count once.
        updated = AlertRecipient.objects.filter(pk=row.pk, acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
        if not updated:
            return False
        Notification.objects.filter(recipient=actor, staff_alert__pk=alert_id, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        audit_record(actor=actor, action="learning.staff_alert_acknowledge", obj=row.alert)
        return True
