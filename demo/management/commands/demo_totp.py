"""Print the current authenticator code of a demo user, for signing in with OTP_REQUIRED=1.

Only demo users qualify: their keys are derived from their usernames by
`load_demo`, so the command refuses anyone whose authenticator was set up
for real (it never becomes a way round a real person's second factor).
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.people import demo_totp_key


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a demo user (see load_demo)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}. Run `manage.py load_demo` first.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None or device.key != demo_totp_key(username):
            raise CommandError(f"{username} has no demo authenticator: this command only prints codes for demo users.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        seconds_left = device.step - (int(time.time()) - device.t0) % device.step
        self.stdout.write(f"{code:0{device.digits}d}")
        self.stderr.write(f"(valid for about {seconds_left} more seconds)")
