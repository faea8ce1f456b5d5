from django.core.management.base import BaseCommand

from documents.scanning import scanner_configured
from documents.services import attachments_rescan


class Command(BaseCommand):
    help = (
        "Scan for viruses every file held as 'not yet scanned' (the scanner was unavailable when it arrived, "
        "or it was kept before scanning existed). Clean files can then be downloaded; infected ones are removed."
    )

    def handle(self, *args, **options):
        if not scanner_configured():
            self.stderr.write("No virus scanner is configured (CLAMD_SOCKET or CLAMD_HOST): nothing was scanned.")
            return
        outcomes = attachments_rescan()
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) or "no file was waiting"
        self.stdout.write(f"Scanned again: {summary}.")
