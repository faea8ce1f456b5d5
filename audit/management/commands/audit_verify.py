from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent
from audit.verify import audit_chain_problems


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and report any altered, inserted or deleted row."

    def handle(self, *args, **options):
        problems = audit_chain_problems()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"The audit trail has {len(problems)} problem(s).")
        self.stdout.write(f"The audit trail is intact: {AuditEvent.objects.count()} events checked.")
