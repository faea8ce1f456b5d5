"""Reminders and escalation of deadlines, run by the scheduled job.

The person who must act is reminded one working day before the due date and
on it; an overdue step is escalated to the next level (local manager > AD >
OD > Core CMT). Each reminder is a Reminder row under a unique constraint,
written in the same transaction as its notification, so however often (and
however many at once) the job runs, each is sent once only.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.working_days import add_working_days, is_working_day, working_day_on_or_before
from incidents.choices import FINISHED_ACTION_STATUSES, Stage
from incidents.models import Action, Incident
from incidents.selectors import action_escalation_recipients, escalation_recipients, people_to_act

from .models import Notification, Reminder
from .services import notify

OPEN_STAGES = [s for s in Stage if s not in (Stage.CLOSED, Stage.NOT_NOTIFIABLE)]


def _kind_for(due, today) -> str | None:
    """Which reminder `today` (a working day) owes for `due`.

    A due date on a weekend or bank holiday counts, for its reminders, as the
    last working day before it: "due today" then, "due soon" the working day
    before that; the escalation comes once the date itself has passed.
    """
    if due < today:
        return Reminder.Kind.ESCALATED
    reminded_on = working_day_on_or_before(due)
    if reminded_on == today:
        return Reminder.Kind.DUE_TODAY
    if add_working_days(today, 1) == reminded_on:
        return Reminder.Kind.DUE_SOON
    return None


def _send_once(*, incident, action, stage, due, kind, recipients, message, link="", email_message="") -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(incident=incident, action=action, action_key=action.pk if action else 0,
                                    stage=stage, due_date=due, kind=kind)
            notify(recipients=recipients, incident=incident, reason=Notification.Reason.ACT, message=message, link=link,
                   email_message=email_message)
    except IntegrityError:
        return False  # sent already, by an earlier or a concurrent run
    return True


def reminders_send(today=None) -> int:
    """Send every reminder and escalation due today; returns how many were sent."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    # Up to the next working day, and the weekend or holiday after it (reminded as that working day).
    horizon = add_working_days(today, 2) - timedelta(days=1)
    sent = 0
    incidents = Incident.objects.filter(stage__in=OPEN_STAGES, stage_due__isnull=False, stage_due__lte=horizon).select_related(
        "team", "service_area", "region", "function", "author"
    )
    for incident in incidents:
        kind = _kind_for(incident.stage_due, today)
        if kind is None:
            continue
        label = incident.get_stage_display()
        if kind == Reminder.Kind.ESCALATED:
            recipients = list(escalation_recipients(incident))
            message = f"Overdue since {incident.stage_due:%d %B %Y}: {label}. Escalated to you."
        else:
            recipients = list(people_to_act(incident))
            when = "today" if kind == Reminder.Kind.DUE_TODAY else f"by {incident.stage_due:%d %B %Y}"
            message = f"Reminder: {label} is due {when}."
        sent += _send_once(incident=incident, action=None, stage=incident.stage, due=incident.stage_due, kind=kind,
                           recipients=recipients, message=message)
    actions = Action.objects.exclude(status__in=FINISHED_ACTION_STATUSES).filter(
        due_date__lte=horizon, incident__stage__in=OPEN_STAGES
    ).select_related("incident", "owner")
    for action in actions:
        kind = _kind_for(action.due_date, today)
        if kind is None:
            continue
        if kind == Reminder.Kind.ESCALATED:
            recipients = action_escalation_recipients(action)
            summary = f"An action is overdue since {action.due_date:%d %B %Y}"
        else:
            recipients = [action.owner]
            summary = f"Reminder: your action is due {'today' if kind == Reminder.Kind.DUE_TODAY else action.due_date.strftime('%d %B %Y')}"
        # The description may name a child: in the service only, never in the email.
        sent += _send_once(incident=action.incident, action=action, stage="action", due=action.due_date, kind=kind,
                           recipients=list(recipients), message=f"{summary}: {action.description[:150]}",
                           email_message=f"{summary}. Sign in to read it.",
                           link=reverse("incidents:action_edit", args=[action.pk]))
    return sent
