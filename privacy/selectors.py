"""Which records have passed their retention period (docs/decisions/0013-retention.md).

A SIN's clock starts at the event that settled its outcome: the OD's decision
that it does not meet the criteria, its closure, or (a draft never submitted)
its last change. It is due for removal once its period, counted in whole years
from that day, has passed, unless a retention hold keeps it.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.db.models import DateTimeField, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from incidents.choices import Kind, Stage
from incidents.models import Incident, IncidentEvent

from .models import Outcome, RecordKind, RetentionPeriod

SIN_KINDS = {RecordKind.CASE_SIN: Kind.CASE, RecordKind.NON_CASE_SIN: Kind.NON_CASE}


@dataclass
class Due:
    """A SIN past its period: what would be removed, by kind and count, never its content."""

    incident: Incident
    period: RetentionPeriod
    counted_from: date
    kept_until: date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return self.incident.display_reference


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def with_clock(queryset: QuerySet[Incident], outcome: str) -> QuerySet[Incident]:
    """`clock`: when the outcome was settled (the event of the decision, the closure, the draft's last change)."""
    if outcome == Outcome.NOT_NOTIFIABLE:
        decided = (
            IncidentEvent.objects.filter(incident=OuterRef("pk"), to_stage=Stage.NOT_NOTIFIABLE)
            .values("incident")
            .annotate(last=Max("at"))
            .values("last")
        )
        return queryset.filter(stage=Stage.NOT_NOTIFIABLE).annotate(clock=Subquery(decided, output_field=DateTimeField()))
    if outcome == Outcome.CLOSED:
        return queryset.filter(stage=Stage.CLOSED, closed_at__isnull=False).annotate(clock=Max("closed_at"))
    return queryset.filter(stage=Stage.DRAFT).annotate(clock=Max("updated_at"))


def held_count() -> int:
    return Incident.objects.filter(retention_hold__isnull=False).count()


def what_removal_takes(incident: Incident) -> dict[str, int]:
    """Every record removed with the SIN, by kind ("incidents.incidentevent": 4, ...), as the purge removes them.

    Its attached files go with it (the purge removes them first: documents keeps them from a cascade); its
    learning items are unlinked and kept, since learning identifies no child and outlives the SIN.
    """
    collector = NestedObjects(using=router.db_for_write(Incident))
    collector.collect([incident])
    counts = Counter({model._meta.label_lower: len(objects) for model, objects in collector.model_objs.items()})
    counts["documents.attachment"] = incident.attachments.count()
    counts.pop("learning.learningitem", None)
    counts["learning.learningitem (unlinked, kept)"] = incident.learning_items.count()
    return {label: count for label, count in sorted(counts.items()) if count}


def records_due_for_removal(*, today: date | None = None, confirmed_only: bool = True) -> list[Due]:
    """Every SIN past its period, oldest first; under unconfirmed periods too when `confirmed_only` is false."""
    today = today or timezone.localdate()
    due: list[Due] = []
    periods = RetentionPeriod.objects.filter(kind__in=list(SIN_KINDS))
    if confirmed_only:
        periods = periods.filter(confirmed_by__isnull=False)
    for period in periods:
        queryset = with_clock(Incident.objects.filter(kind=SIN_KINDS[period.kind], retention_hold__isnull=True), period.outcome)
        for incident in queryset.order_by("clock", "pk"):
            if incident.clock is None:
                continue
            counted_from = _local_date(incident.clock)
            kept_until = years_after(counted_from, period.years)
            if kept_until < today:
                due.append(Due(incident=incident, period=period, counted_from=counted_from, kept_until=kept_until))
    return sorted(due, key=lambda d: (d.counted_from, d.incident.pk))
