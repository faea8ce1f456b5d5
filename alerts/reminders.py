"""Reminders and escalation of deadlines, run by the scheduled job.

The person who must act is reminded one working day before the due date and
on it; an overdue step is escalated to the next level (local manager > AD >
OD > Core CMT). Each reminder is a Reminder row under a unique constraint,
written in the same transaction as its notification, so however often (and
however many at once) the job runs, each is sent once only.

This app imports none of the apps whose deadlines it watches: each offers its
due items (a `DueItem` each) through settings.SERVICE_FEATURES["due_items"].
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.working_days import add_working_days, is_working_day, working_day_on_or_before

from .models import Notification, Reminder
from .services import notify


@dataclass(frozen=True)
class DueItem:
    """Something with a deadline: a SIN's step, an action. `subject` is what alerts are about."""

    subject: Any
    stage: str  # which of the subject's deadlines: a SIN's stage, "action"
    due: date
    to_act: Callable[[], list]  # who is reminded
    escalate_to: Callable[[], list]  # who hears of it once it is overdue
    what: str  # what is due, as an alert may say it ("Awaiting Assistant Director analysis", "your action")
    # Said in the service only, never in an email: an action's description may name a child.
    detail: str = field(default="")


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


def _messages(item: DueItem, kind: str) -> tuple[str, str]:
    """The in-app message and the email's, which never carries the detail."""
    if not item.detail:
        if kind == Reminder.Kind.ESCALATED:
            return f"Overdue since {item.due:%d %B %Y}: {item.what}. Escalated to you.", ""
        when = "today" if kind == Reminder.Kind.DUE_TODAY else f"by {item.due:%d %B %Y}"
        return f"Reminder: {item.what} is due {when}.", ""
    # Something a person owns (an action): said to them, its detail in the service only.
    if kind == Reminder.Kind.ESCALATED:
        summary = f"{item.what[:1].upper()}{item.what[1:]} is overdue since {item.due:%d %B %Y}"
    else:
        summary = f"Reminder: your {item.what.removeprefix('an ').removeprefix('a ')} is due " + (
            "today" if kind == Reminder.Kind.DUE_TODAY else item.due.strftime("%d %B %Y")
        )
    return f"{summary}: {item.detail[:150]}", f"{summary}. Sign in to read it."


def _send_once(item: DueItem, kind: str) -> bool:
    recipients = list(item.escalate_to() if kind == Reminder.Kind.ESCALATED else item.to_act())
    message, email_message = _messages(item, kind)
    try:
        with transaction.atomic():
            reminder = Reminder(stage=item.stage, due_date=item.due, kind=kind)
            reminder.set_about(item.subject)
            reminder.save()
            notify(
                recipients=recipients,
                subject=item.subject,
                reason=Notification.Reason.ACT,
                message=message,
                email_message=email_message,
            )
    except IntegrityError:
        return False  # sent already, by an earlier or a concurrent run
    return True


def _due_items(horizon: date):
    from django.conf import settings

    for path in settings.SERVICE_FEATURES.get("due_items", ()):
        yield from import_string(path)(horizon)


def reminders_send(today=None) -> int:
    """Send every reminder and escalation due today; returns how many were sent."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    # Up to the next working day, and the weekend or holiday after it (reminded as that working day).
    horizon = add_working_days(today, 2) - timedelta(days=1)
    sent = 0
    for item in _due_items(horizon):
        kind = _kind_for(item.due, today)
        if kind is not None:
            sent += _send_once(item, kind)
    return sent
