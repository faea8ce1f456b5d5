import time

from django.core.management.base import BaseCommand
from django.db import transaction

from alerts.tasks import recover_deliveries, send_reminders
from audit.tasks import anchor_audit_chain


class Command(BaseCommand):
    help = (
        "Queue the scheduled jobs (reminders and escalations, recovery of stuck emails) every INTERVAL seconds "
        "for the worker (`manage.py db_worker`) to run. Safe to run on several machines: each reminder is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=300, help="Seconds between runs (default 300).")
        parser.add_argument("--once", action="store_true", help="Queue the jobs once and stop.")

    def handle(self, *args, **options):
        while True:
            with transaction.atomic():
                send_reminders.enqueue()
                recover_deliveries.enqueue()
                anchor_audit_chain.enqueue()  # anchors only once a day (audit_anchor --if-due)
            if options["once"]:
                return
            time.sleep(options["interval"])
