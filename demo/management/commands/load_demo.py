"""Load the demo organisation: fictional places, people for every role, and incidents at every stage.

`make run` calls it after migrating. Dates are relative to today (the services
refuse dates in the future). Idempotent: when the demo users exist it says so
and changes nothing. Never under the production settings.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.incidents import DemoIncidents
from demo.learning import DemoLearning
from demo.learning_cascade import DemoLearningCascade
from demo.people import ADMIN_USERNAME, DEMO_PASSWORD, PEOPLE, load_people, load_places
from organisation.models import CorporateFunction, Region, ServiceArea, Team


class Command(BaseCommand):
    help = "Load a fictional demo organisation with a person for every role and incidents at every stage."

    def handle(self, *args, **options):
        if os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".production"):
            raise CommandError("The demo organisation has a published password: it is never loaded in production.")
        User = get_user_model()
        if User.objects.filter(username__in=[p.username for p in PEOPLE]).exists():
            self.stdout.write("The demo organisation is already loaded; nothing changed.")
            return
        with transaction.atomic():
            places = load_places()
            people = load_people(places)
            incidents = DemoIncidents(people, places).load()
            DemoLearning(people).load()
            # The cascades, alerts and checks act on the published items above.
            DemoLearningCascade(people).load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo organisation: {Region.objects.count()} regions, {ServiceArea.objects.count()} service areas, "
                f"{Team.objects.count()} teams, {CorporateFunction.objects.count()} corporate functions, "
                f"{len(people)} people and {len(incidents)} incidents."
            )
        )
        self.stdout.write(f"Every demo user's password is: {DEMO_PASSWORD}")
        self.stdout.write(f"Sign in as, for example, hannah.price (local manager) or {ADMIN_USERNAME} (administrator).")
        self.stdout.write("With OTP_REQUIRED=1, `manage.py demo_totp <username>` prints the current 6-digit code.")
