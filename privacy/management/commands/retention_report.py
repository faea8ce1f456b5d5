"""A dry run of the purge: which SINs are past their retention period and what would go with each (decision 0013)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from privacy.models import RecordKind, RetentionPeriod
from privacy.selectors import held_count, records_due_for_removal, what_removal_takes


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = "List the SINs past their retention period and what retention_purge would remove with each; removes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_day, help="Count the periods up to this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, today=None, **options):
        self._periods()
        due = records_due_for_removal(today=today)
        unconfirmed = [d for d in records_due_for_removal(today=today, confirmed_only=False) if not d.period.confirmed]
        self.stdout.write(f"\n{len(due)} SIN(s) past a confirmed period would be removed by retention_purge:")
        for item in due:
            counts = ", ".join(f"{label} {count}" for label, count in what_removal_takes(item.incident).items())
            self.stdout.write(
                f"  {item.reference} ({item.period.get_kind_display()}, {item.period.get_outcome_display().lower()} "
                f"on {item.counted_from}, kept until {item.kept_until}): {counts}"
            )
        if unconfirmed:
            self.stdout.write(f"\n{len(unconfirmed)} more SIN(s) are past a period not yet confirmed (not removed until it is):")
            for item in unconfirmed:
                self.stdout.write(f"  {item.reference} ({item.period.get_kind_display()}, kept until {item.kept_until})")
        self.stdout.write(f"\n{held_count()} SIN(s) are kept under a retention hold, whatever their period.")

    def _periods(self):
        self.stdout.write("Retention periods:")
        for period in RetentionPeriod.objects.select_related("confirmed_by"):
            state = (
                f"confirmed by {period.confirmed_by.get_username()} on {period.confirmed_at:%Y-%m-%d}"
                if period.confirmed
                else "NOT YET CONFIRMED by the records manager"
            )
            note = (
                " (not applied yet: the Learning Portal removes its own items)" if period.kind == RecordKind.LEARNING_ITEM else ""
            )
            self.stdout.write(f"  {period}: {state}{note}")
