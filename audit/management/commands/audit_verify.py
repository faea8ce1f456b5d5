from django.core.management.base import BaseCommand, CommandError

from audit.anchors import anchor_file, anchors_read
from audit.models import AuditEvent
from audit.verify import audit_chain_problems


class Command(BaseCommand):
    help = (
        "Check the audit trail: every event's keyed seal, the chain linking them, the chain head, and every "
        "anchor in AUDIT_ANCHOR_FILE (so that events cut off before an anchor are found). Exits non-zero on a problem."
    )

    def handle(self, *args, **options):
        anchors, bad_lines = anchors_read()
        problems = audit_chain_problems()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"The audit trail has {len(problems)} problem(s).")
        count = AuditEvent.objects.count()
        if anchors:
            last = anchors[-1]
            self.stdout.write(
                f"The audit trail is intact: {count} events checked, and {len(anchors)} anchor(s) in {anchor_file()} "
                f"match (the last: event {last.sequence}, {last.anchored_at})."
            )
        else:
            self.stdout.write(f"The audit trail is intact: {count} events checked.")
            self.stderr.write(
                f"No anchor in {anchor_file()}: events cut off the end could not be found. Run `manage.py audit_anchor` daily."
            )
