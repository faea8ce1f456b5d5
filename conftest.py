"""Fixtures every app's tests share. App-specific fixtures live beside their tests."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture(autouse=True)
def _criteria_after_flush(request):
    """Load the criteria (and the learning lists) again for a test that commits for real.

    They come from a data migration; a transactional test (transaction=True, or
    any test with the live server) flushes the database when it ends, so the
    next one would find the lists empty. Tests inside a rolled-back transaction
    keep them and are left alone.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (marker is not None and marker.kwargs.get("transaction"))
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from incidents.criteria import load_criteria
    from incidents.models import Criterion
    from learning.choices import load_lists
    from learning.models import CriterionTheme, LearningOrigin, Theme

    load_criteria(Criterion)
    # The Learning Portal's origins and themes come from a data migration too.
    load_lists(LearningOrigin, Theme, CriterionTheme, Criterion)


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
