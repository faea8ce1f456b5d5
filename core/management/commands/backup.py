from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one archive with the database (pg_dump, or SQLite's backup API), every uploaded file, the audit "
        "anchors and a manifest of SHA-256s. Restore it with `manage.py restore`. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Where to write the archive (default: var/backups/sin-backup-<time>.tar.gz).")

    def handle(self, *args, **options):
        output = (
            options["output"]
            or Path(settings.BASE_DIR) / "var" / "backups" / f"sin-backup-{timezone.now():%Y%m%dT%H%M%SZ}.tar.gz"
        )
        try:
            result = backup_create(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            f"Backed up to {result.path}: the {manifest['database']['vendor']} database, "
            f"{sum(1 for m in manifest['members'] if m.startswith('media/'))} file(s), "
            f"{manifest['audit']['events']} audit event(s) up to event {manifest['audit']['last_sequence']}."
        )
