"""Throttling: sign-in by person-at-address and by address (django-axes, core/throttling.py),
and rate limits on the API and the intake endpoint (DRF throttling, 429 with Retry-After)."""

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.tests.test_sign_in import CODE, SIGN_IN, code_for
from conftest import sign_in
from intake.models import SourceSystem
from intake.services import source_token_issue
from organisation.choices import Role
from organisation.tests.factories import PASSWORD, person

pytestmark = pytest.mark.django_db

SPRAYED = "Winter2026!"  # one common password tried against every account
LOCKED = "Your account is locked"


def attempt(user, password, address: str) -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post(SIGN_IN, {"username": user.username, "password": password})
    return response.status_code, response.content.decode()


# --- sign-in -------------------------------------------------------------------------------


def test_a_spray_of_one_password_across_thirty_accounts_from_one_address_is_stopped():
    accounts = [person(Role.LOCAL_MANAGER) for _ in range(30)]
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    assert settings.AXES_FAILURE_LIMIT < limit < len(accounts)
    outcomes = [attempt(user, SPRAYED, "192.0.2.50") for user in accounts]
    # Each account was tried once: only the address's count can have stopped it.
    assert all("Enter a correct username and password" in page for _, page in outcomes[: limit - 1])
    assert LOCKED in outcomes[limit - 1][1]
    assert all(status == 429 and LOCKED in page for status, page in outcomes[limit:])
    # Stopped: from that address not even a right password gets through now...
    status, _ = attempt(accounts[-1], PASSWORD, "192.0.2.50")
    assert status == 429
    # ...while the people sprayed still sign in from their own desks.
    response = Client(REMOTE_ADDR="198.51.100.7").post(SIGN_IN, {"username": accounts[-1].username, "password": PASSWORD})
    assert response["Location"] == CODE


def test_a_stranger_cannot_lock_a_named_person_out_from_everywhere():
    alice = person(Role.LOCAL_MANAGER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        status, page = attempt(alice, f"guess {n}", "203.0.113.9")
    assert LOCKED in page
    # The stranger's address is locked out of Alice's account, even with the right password...
    assert attempt(alice, PASSWORD, "203.0.113.9")[0] == 429
    # ...but Alice, at her own address, signs in.
    response = Client(REMOTE_ADDR="192.0.2.10").post(SIGN_IN, {"username": alice.username, "password": PASSWORD})
    assert response["Location"] == CODE


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count():
    """A sprayer with an account of their own cannot wipe the address's failures by signing in between attempts."""
    address = "192.0.2.77"
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    sprayer = person(Role.LOCAL_MANAGER)
    targets = [person(Role.LOCAL_MANAGER) for _ in range(limit)]
    for user in targets[: limit - 5]:
        attempt(user, SPRAYED, address)
    own = Client(REMOTE_ADDR=address)
    assert own.post(SIGN_IN, {"username": sprayer.username, "password": PASSWORD})["Location"] == CODE
    device = TOTPDevice.objects.get(user=sprayer)
    assert own.post(CODE, {"token": code_for(device)}).status_code == 302
    assert own.get("/").status_code == 200  # signed in, so axes saw a successful sign-in from the address
    outcomes = [attempt(user, SPRAYED, address) for user in targets[limit - 5 :]]
    assert LOCKED in outcomes[-1][1]


# --- the API and the intake endpoint ---------------------------------------------------------


@pytest.fixture
def rates(monkeypatch):
    """Small limits for the test (the settings' own are read once, when DRF is imported), counted from zero."""

    def set_rates(**scoped):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000/minute", "user": "1000/minute", **scoped})

    cache.clear()
    yield set_rates
    cache.clear()


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert "Request was throttled" in response.json()["detail"] or "throttled" in json.dumps(response.json()).lower()


def test_the_api_answers_429_with_retry_after_once_a_person_passes_their_rate(org, client, rates):
    rates(user="5/minute")
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    for _ in range(5):
        assert client.get("/api/incidents/").status_code == 200
    assert_throttled(client.get("/api/incidents/"))
    # Counted per person: a colleague is not slowed down.
    other = sign_in(Client(), org.people[Role.ASSISTANT_DIRECTOR])
    assert other.get("/api/incidents/").status_code == 200


def test_the_intake_endpoint_answers_429_with_retry_after(org, rates):
    rates(anon="3/minute")
    source = SourceSystem.objects.create(
        name="Health and Safety reporting", function=org.function, author=org.people[Role.HEAD_OF_PROFESSION]
    )
    _, raw = source_token_issue(actor=org.people[Role.ADMINISTRATOR], source_system=source)
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def push(n):
        body = {
            "category": "health_safety",
            "source_reference": f"HS-{n}",
            "title": "Fire at the Leeds office",
            "what_happened": "A fire in the kitchen.",
            "incident_date": "2026-01-05",
            "aware_date": "2026-01-06",
            "immediate_actions": "Staff moved.",
        }
        return api.post("/api/intake/incidents/", data=json.dumps(body), content_type="application/json")

    for n in range(3):
        assert push(n).status_code == 201
    assert_throttled(push(4))


def test_the_rate_limits_are_configured_and_counted_in_a_cache_every_process_shares():
    from config.settings import base

    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ]
    assert set(base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) == {"anon", "user"}
    assert base.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_the_database_cache_counts_requests_from_every_process(org, rates):
    """Two clients (as two server processes would be) count against the same limit in the database cache."""
    rates(user="3/minute")
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}
    ):
        call_command("createcachetable", verbosity=0)
        user = org.people[Role.LOCAL_MANAGER]
        first, second = sign_in(Client(), user), sign_in(Client(), user)
        assert [first.get("/api/incidents/").status_code for _ in range(2)] == [200, 200]
        assert second.get("/api/incidents/").status_code == 200
        assert_throttled(second.get("/api/incidents/"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM django_cache")
            assert cursor.fetchone()[0] >= 1
