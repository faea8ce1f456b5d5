"""What the reminder job (alerts.reminders, settings.SERVICE_FEATURES["due_items"]) does for the Learning Portal.

The actions of an item are reminded and escalated by actions.reminders, through learning.action_subject
(the person responsible hears of an overdue one). Here: recurrences. A new SIN sharing a theme with an
item already verified in practice tells that item's owner, since a recurrence questions whether the
learning worked (DESIGN.md). SINs carry no themes: their criteria are read as themes through the table
an administrator keeps (CriterionTheme). Each run scans the SINs notified to Core CMT in the last
RECURRENCE_WINDOW_DAYS; a Recurrence row per item and SIN, under a unique constraint, makes each owner
hear of each SIN once however often (and however many at once) the job runs
(docs/decisions/0016-learning-items.md).
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.models import Notification
from alerts.services import notify

from .choices import ItemStatus, ItemStep, Rung
from .models import CriterionTheme, ItemEvent, LearningItem, Recurrence

RECURRENCE_WINDOW_DAYS = 30


def _record(item, incident, themes) -> bool:
    try:
        with transaction.atomic():
            recurrence = Recurrence.objects.create(item=item, incident=incident)
            recurrence.themes.set(themes)
            names = ", ".join(sorted(t.name for t in themes))
            ItemEvent.objects.create(
                item=item,
                step=ItemStep.RECURRENCE,
                actor=None,
                from_rung=item.rung,
                to_rung=item.rung,
                text=f"{incident.reference} was notified to Core CMT and shares the theme(s) {names}: has the learning worked?",
            )
            notify(
                recipients=[item.responsible],
                subject=item,
                reason=Notification.Reason.ACT,
                message=f"A new serious incident shares a theme ({names}) with learning verified in practice: "
                f"{item.reference}. Consider whether the learning worked.",
            )
    except IntegrityError:
        return False  # told already, by an earlier or a concurrent run
    return True


def recurrences_record(now=None) -> int:
    """Tell the owners of verified (or sustained) items of each new SIN sharing a theme; returns how many."""
    from incidents.models import Incident

    now = now or timezone.now()
    incidents = Incident.objects.filter(notified_at__gte=now - timedelta(days=RECURRENCE_WINDOW_DAYS)).prefetch_related(
        "criteria"
    )
    links = {}
    for link in CriterionTheme.objects.filter(theme__active=True).select_related("theme"):
        links.setdefault(link.criterion_id, set()).add(link.theme)
    items = list(
        LearningItem.objects.filter(
            status=ItemStatus.PUBLISHED, rung__in=[Rung.VERIFIED, Rung.SUSTAINED], responsible__isnull=False
        )
        .select_related("responsible")
        .prefetch_related("themes")
    )
    told = set(Recurrence.objects.filter(incident__in=incidents).values_list("item_id", "incident_id"))
    sent = 0
    for incident in incidents:
        themes = set().union(*(links.get(c.pk, set()) for c in incident.criteria.all()))
        for item in items:
            shared = themes & set(item.themes.all())
            if not shared or (item.pk, incident.pk) in told or item.incident_id == incident.pk:
                continue
            if item.rung_changed_at and item.rung_changed_at > incident.notified_at:
                continue  # verified after this SIN was known: no recurrence since
            sent += _record(item, incident, shared)
    return sent


def due_items(horizon):
    """The reminder job's pass over the portal: recurrences first; the items' actions are due through
    actions.reminders. Nothing of its own is due."""
    recurrences_record()
    return iter(())
