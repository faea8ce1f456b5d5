from django.core.management.base import BaseCommand, CommandError

from audit.anchors import anchor_append, anchor_due, chain_head_anchor
from audit.verify import audit_chain_problems


class Command(BaseCommand):
    help = (
        "Append the audit chain head (its last event's sequence, id and seal) to AUDIT_ANCHOR_FILE, outside the "
        "database, after checking the chain. `audit_verify` then finds any anchored event missing or changed. "
        "Run daily (alerts_scheduler queues it), and keep the file where the database's owner cannot rewrite it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-due", action="store_true", help="Only if the last anchor is a day old or more.")

    def handle(self, *args, **options):
        if options["if_due"] and not anchor_due():
            self.stdout.write("The last anchor is less than a day old: nothing to do.")
            return
        problems = audit_chain_problems()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Not anchored: the audit trail has {len(problems)} problem(s); anchoring it would hide them.")
        anchor = chain_head_anchor()
        path = anchor_append(anchor)
        self.stdout.write(f"Anchored event {anchor.sequence} ({anchor.hash[:16]}...) in {path}.")
