"""Write what the service holds about a named person to a zip: JSON per kind of record and a PDF summary (UK GDPR art. 15)."""

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from privacy.services import subject_access_export


class Command(BaseCommand):
    help = (
        "Write what the service holds about a person (as author, actor, owner, recipient) to OUT.zip: one JSON file per "
        "kind of record and summary.pdf; audited. Incidents where they are only mentioned in free text are out of scope."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("out", type=Path, help="The zip to write (a new file; readable by its owner only).")

    def handle(self, *args, username, out, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No person has the username {username!r}.")
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        try:
            exported = subject_access_export(user=user, out=out, run_by=getpass.getuser())
        except FileExistsError as error:
            raise CommandError(str(error)) from None
        total = sum(exported.counts.values())
        self.stdout.write(
            f"Wrote {exported.path}: {total} record(s) in {len(exported.counts)} file(s) and summary.pdf "
            f"(SHA-256 {exported.sha256}). It holds personal data: keep it as OFFICIAL-SENSITIVE."
        )
