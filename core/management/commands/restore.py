from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore_archive


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into an empty database and an empty MEDIA_ROOT, after "
        "checking every SHA-256 in its manifest; then check the audit trail. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz archive written by `manage.py backup`.")

    def handle(self, *args, **options):
        from audit.verify import audit_chain_problems

        try:
            manifest = restore_archive(Path(options["archive"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = sum(1 for m in manifest["members"] if m.startswith("media/"))
        self.stdout.write(f"Restored the backup of {manifest['created_at']}: the database and {files} file(s).")
        from audit.models import AuditEvent

        problems = [str(problem) for problem in audit_chain_problems()]
        if AuditEvent.objects.count() != manifest["audit"]["events"]:
            problems.append(f"{AuditEvent.objects.count()} audit events restored, {manifest['audit']['events']} in the backup")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Restored, but the audit trail has {len(problems)} problem(s): see above, and docs/operations.md."
            )
        self.stdout.write(f"The audit trail is intact: {manifest['audit']['events']} events, as at the backup.")
