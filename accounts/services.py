"""Sign-in steps that change state: each audited."""

from django.contrib.auth import login, logout
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

from .middleware import LAST_SEEN_AT, SIGNED_IN_AT


def user_sign_in(*, request, user, device: TOTPDevice | None) -> None:
    """Start a session for a person who proved who they are (a new session key: no fixation)."""
    with transaction.atomic():
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if device is not None:
            otp_login(request, device)
        request.session.pop(SIGNED_IN_AT, None)
        request.session.pop(LAST_SEEN_AT, None)
        audit_record(actor=user, action="sign_in", obj=user, changes={"second_factor": device is not None})


def user_sign_out(*, request) -> None:
    user = request.user
    with transaction.atomic():
        if user.is_authenticated:
            audit_record(actor=user, action="sign_out", obj=user)
        logout(request)


def totp_device_confirm(*, user, device: TOTPDevice) -> None:
    """Confirm a new authenticator after its first correct code."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="second_factor_set_up", obj=user)
