"""Fixtures every app's tests share. App-specific fixtures live beside their tests."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture
def org(db):
    from organisation.tests.factories import Org

    return Org()


def sign_in(client, user):
    """Sign a test client in as `user`, with the second factor passed, as the sign-in pages would."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in(client):
    def _sign_in(user):
        return sign_in(client, user)

    return _sign_in
