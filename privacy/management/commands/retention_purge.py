"""Remove the SINs past a confirmed retention period, with everything they own (decision 0013).

Run `retention_report` first to see what would go. Each SIN is removed in its own transaction with an
audit event naming its reference, kind and how many records of each kind went, never their content.
"""

from django.core.management.base import BaseCommand

from privacy.services import retention_purge

from .retention_report import _day


class Command(BaseCommand):
    help = "Remove the SINs past a confirmed retention period (see retention_report), recording each removal in the audit trail."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_day, help="Count the periods up to this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, today=None, **options):
        removed = retention_purge(today=today)
        for item in removed:
            counts = ", ".join(f"{label} {count}" for label, count in item.counts.items())
            self.stdout.write(f"Removed {item.reference} ({item.kind}, {item.outcome}): {counts}")
        self.stdout.write(f"{len(removed)} SIN(s) removed.")
