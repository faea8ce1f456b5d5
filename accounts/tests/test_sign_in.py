"""Signing in: a password, then a code from an authenticator app; and the limits around a session."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from audit.models import AuditEvent
from conftest import sign_in
from organisation.choices import Role
from organisation.tests.factories import PASSWORD, UserFactory, person

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"
CODE = "/sign-in/code/"
SET_UP = "/sign-in/set-up-authenticator/"
SIGN_OUT = "/sign-out/"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    """The code the person's authenticator app shows now (offset: steps later or earlier)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code the app does not show in the current window nor either neighbour (the tolerance)."""
    near = {code_for(device, offset) for offset in (-1, 0, 1)}
    candidate = 123456
    while f"{candidate:06d}" in near:
        candidate += 1
    return f"{candidate:06d}"


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def a_few_seconds_later(device: TOTPDevice) -> None:
    """django-otp refuses codes for 2**(failures-1) seconds after a wrong one; let that pause pass."""
    device.refresh_from_db()
    if device.throttling_failure_timestamp is not None:
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(minutes=10)
        )


def signed_in_user(client):
    """Who the client's session belongs to after the last response (None: nobody)."""
    response = client.get("/")
    if response.status_code != 200:
        return None
    return response.wsgi_request.user


@pytest.fixture
def manager(org):
    return org.people[Role.LOCAL_MANAGER]


def enter_password(client, user, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": user.username, "password": password, **extra})


# --- the happy path -----------------------------------------------------------


def test_password_then_code_signs_in_and_audits(client, manager):
    response = enter_password(client, manager)
    assert response.status_code == 302
    assert response["Location"] == CODE
    # The password alone signs nobody in.
    assert signed_in_user(client) is None

    enter_password(client, manager)
    response = client.post(CODE, {"token": code_for(device_of(manager))})
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert page.wsgi_request.user == manager
    assert "What needs your action" in page.content.decode()

    event = AuditEvent.objects.filter(action="sign_in").get()
    assert event.actor == manager
    assert event.changes == {"second_factor": True}


def test_signing_in_gives_a_new_session_key(client, manager):
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    planted_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    enter_password(client, manager)
    client.post(CODE, {"token": code_for(device_of(manager))})
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != planted_key
    assert signed_in_user(client) == manager

    # Whoever planted the old key is not signed in with it.
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted_key
    response = attacker.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


# --- wrong password, wrong code ---------------------------------------------------


def test_wrong_password_shows_the_error_and_changes_nothing(client, manager):
    last_login = manager.last_login
    response = enter_password(client, manager, password="not the password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "govuk-error-summary" in page
    assert "Enter a correct username and password" in page
    assert "(error)" in page  # the title says so too, for screen readers
    assert signed_in_user(client) is None
    manager.refresh_from_db()
    assert manager.last_login == last_login
    assert not AuditEvent.objects.filter(action="sign_in").exists()
    # Nor does it reach the code page.
    assert client.get(CODE)["Location"] == SIGN_IN


def test_empty_form_names_each_missing_field(client):
    page = client.post(SIGN_IN, {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in page
    assert "Enter your password" in page


def test_wrong_code_is_refused_with_a_clear_message(client, manager):
    device = device_of(manager)
    enter_password(client, manager)
    response = client.post(CODE, {"token": wrong_code_for(device)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The security code is not right" in page
    assert "There is a problem" in page
    assert signed_in_user(client) is None
    assert AuditEvent.objects.filter(action="second_factor_failed").count() == 1
    assert not AuditEvent.objects.filter(action="sign_in").exists()


def test_right_code_straight_after_a_wrong_one_asks_to_wait_then_works(client, manager):
    device = device_of(manager)
    enter_password(client, manager)
    client.post(CODE, {"token": wrong_code_for(device)})
    response = client.post(CODE, {"token": code_for(device)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wait a few seconds, then enter the code shown now." in page
    assert "The security code is not right" not in page
    assert signed_in_user(client) is None
    assert AuditEvent.objects.filter(action="second_factor_failed").count() == 1  # the wait is not a failure

    a_few_seconds_later(device)
    response = client.post(CODE, {"token": code_for(device)})
    assert response["Location"] == "/"
    assert signed_in_user(client) == manager


def test_code_that_is_not_six_digits_is_refused(client, manager):
    enter_password(client, manager)
    page = client.post(CODE, {"token": "12ab56"}).content.decode()
    assert "The security code must be 6 digits" in page
    assert signed_in_user(client) is None


def test_a_code_cannot_be_used_twice(client, manager):
    device = device_of(manager)
    code = code_for(device)
    enter_password(client, manager)
    assert client.post(CODE, {"token": code})["Location"] == "/"
    client.post(SIGN_OUT)
    assert signed_in_user(client) is None

    # Someone who watched the code being typed tries it again.
    enter_password(client, manager)
    response = client.post(CODE, {"token": code})
    assert response.status_code == 200
    assert "has been used already" in response.content.decode()
    assert signed_in_user(client) is None
    assert AuditEvent.objects.filter(action="sign_in").count() == 1


def test_five_wrong_codes_end_the_pending_sign_in(client, manager):
    device = device_of(manager)
    enter_password(client, manager)
    for _ in range(4):
        assert client.post(CODE, {"token": wrong_code_for(device)}).status_code == 200
        a_few_seconds_later(device)
    response = client.post(CODE, {"token": wrong_code_for(device)}, follow=True)
    assert response.redirect_chain[-1][0] == SIGN_IN
    assert "Too many wrong security codes. Sign in again." in response.content.decode()

    # The right code no longer helps: the password has to be entered again.
    a_few_seconds_later(device)
    response = client.post(CODE, {"token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert signed_in_user(client) is None
    assert AuditEvent.objects.filter(action="second_factor_failed").count() == 5


def test_a_half_finished_sign_in_reaches_no_page(client, manager):
    enter_password(client, manager)
    for url in ("/", "/incidents/", "/notifications/", "/account/password/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SIGN_IN), url


# --- lockout ---------------------------------------------------------------------


def test_ten_wrong_passwords_lock_the_account(client, manager):
    for attempt in range(9):
        response = enter_password(client, manager, password=f"wrong {attempt}")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
    response = enter_password(client, manager, password="wrong 10")
    assert "Your account is locked" in response.content.decode()

    # Locked: even the right password shows the locked page and signs nobody in.
    response = enter_password(client, manager)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Your account is locked" in page
    assert "ask an administrator to unlock your account" in page
    assert client.get(CODE)["Location"] == SIGN_IN
    assert signed_in_user(client) is None

    # The lock is per person: someone else in the same office still signs in.
    colleague = person(Role.LOCAL_MANAGER)
    other = Client()
    assert enter_password(other, colleague)["Location"] == CODE


def test_nine_wrong_passwords_do_not_lock(client, manager):
    for attempt in range(9):
        enter_password(client, manager, password=f"wrong {attempt}")
    assert enter_password(client, manager)["Location"] == CODE


# --- signing out and changing the password ------------------------------------------


def test_sign_out_is_post_only_and_ends_the_session(client, manager):
    sign_in(client, manager)
    assert client.get("/").status_code == 200

    response = client.get(SIGN_OUT)
    assert response.status_code == 405
    assert signed_in_user(client) == manager  # a link or an image cannot sign anyone out

    response = client.post(SIGN_OUT, follow=True)
    assert response.redirect_chain[0] == (SIGN_IN, 302)
    assert "You have signed out." in response.content.decode()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert AuditEvent.objects.filter(action="sign_out", actor=manager).count() == 1


def test_password_change_works_and_is_audited(client, manager):
    sign_in(client, manager)
    new_password = "a much longer new passphrase 42"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    manager.refresh_from_db()
    assert manager.check_password(new_password)
    assert not manager.check_password(PASSWORD)
    # Still signed in after the change.
    assert signed_in_user(client) == manager
    event = AuditEvent.objects.get(action="password_changed")
    assert event.actor == manager
    # The old password no longer signs in; the new one does.
    other = Client()
    assert enter_password(other, manager).status_code == 200
    assert enter_password(other, manager, password=new_password)["Location"] == CODE


def test_password_change_with_the_wrong_old_password_changes_nothing(client, manager):
    sign_in(client, manager)
    new_password = "a much longer new passphrase 42"
    response = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="password_changed").exists()


# --- where to go after signing in ----------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example", "http://evil.example/incidents/", "/\\evil.example", "javascript:alert(1)"],
)
def test_next_to_another_site_goes_home_instead(client, manager, next_url):
    page = client.get(SIGN_IN, {"next": next_url}).content.decode()
    assert "evil.example" not in page
    response = enter_password(client, manager, next=next_url)
    assert response["Location"] == CODE
    response = client.post(CODE, {"token": code_for(device_of(manager))})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_next_on_this_site_is_followed(client, manager):
    response = client.get("/incidents/")
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/incidents/"
    enter_password(client, manager, next="/incidents/")
    response = client.post(CODE, {"token": code_for(device_of(manager))})
    assert response["Location"] == "/incidents/"


# --- session limits ----------------------------------------------------------------


def _age_session(client, key, seconds_ago):
    session = client.session
    session[key] = time.time() - seconds_ago
    session.save()


@pytest.mark.parametrize(
    ("key", "limit_setting", "message"),
    [
        (LAST_SEEN_AT, "SESSION_IDLE_TIMEOUT_SECONDS", "you had not done anything for a while"),
        (SIGNED_IN_AT, "SESSION_ABSOLUTE_LIMIT_SECONDS", "your session reached its time limit"),
    ],
)
def test_session_limits_sign_the_person_out(client, manager, key, limit_setting, message):
    sign_in(client, manager)
    assert client.get("/").status_code == 200  # the middleware records the times
    limit = getattr(settings, limit_setting)

    # Just inside the limit: still signed in.
    _age_session(client, key, limit - 60)
    assert client.get("/").status_code == 200

    _age_session(client, key, limit + 60)
    response = client.get("/incidents/")
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/incidents/"
    page = client.get(response["Location"]).content.decode()
    assert message in page
    # Signed out for good, not just for one request.
    assert client.get("/")["Location"].startswith(SIGN_IN)


def test_idle_session_is_refused_by_the_api_too(client, manager):
    sign_in(client, manager)
    assert client.get("/api/incidents/").status_code == 200
    _age_session(client, LAST_SEEN_AT, settings.SESSION_IDLE_TIMEOUT_SECONDS + 60)
    assert client.get("/api/incidents/").status_code == 403
    assert client.get("/api/incidents/").status_code == 403  # the session has ended


@override_settings(SESSION_IDLE_TIMEOUT_SECONDS=5)
def test_idle_timeout_follows_the_setting(client, manager):
    sign_in(client, manager)
    client.get("/")
    _age_session(client, LAST_SEEN_AT, 10)
    assert client.get("/")["Location"].startswith(SIGN_IN)


# --- first sign-in: setting up an authenticator ------------------------------------------


def test_person_without_an_authenticator_sets_one_up_and_signs_in(client):
    from accounts.tests.test_enrolment import enter_enrolment_code, issue_enrolment_code

    newcomer = UserFactory()
    code = issue_enrolment_code(newcomer)
    response = enter_password(client, newcomer)
    assert response["Location"] == SET_UP
    assert enter_enrolment_code(client, code)["Location"] == SET_UP
    page = client.get(SET_UP)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Set up your authenticator app" in content
    assert "<svg" in content  # the QR code
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert page.context["secret"] in content
    # Not signed in until a code confirms the app.
    assert signed_in_user(client) is None

    response = client.post(SET_UP, {"token": wrong_code_for(device)})
    assert "The security code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    a_few_seconds_later(device)
    response = client.post(SET_UP, {"token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert signed_in_user(client) == newcomer
    assert AuditEvent.objects.filter(action="second_factor_set_up", actor=newcomer).count() == 1
    assert AuditEvent.objects.filter(action="sign_in", actor=newcomer).count() == 1


def test_set_up_page_is_not_offered_to_someone_with_an_authenticator(client, manager):
    enter_password(client, manager)
    assert client.get(SET_UP)["Location"] == CODE
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_code_and_set_up_pages_need_the_password_first(client):
    assert client.get(CODE)["Location"] == SIGN_IN
    assert client.get(SET_UP)["Location"] == SIGN_IN


# --- forged requests --------------------------------------------------------------


@pytest.mark.parametrize("forged_token", [None, "x" * 64])
def test_sign_in_without_a_valid_csrf_token_shows_the_govuk_page(manager, forged_token):
    client = Client(enforce_csrf_checks=True)
    client.get(SIGN_IN)  # sets the CSRF cookie
    data = {"username": manager.username, "password": PASSWORD}
    if forged_token:
        data["csrfmiddlewaretoken"] = forged_token
    response = client.post(SIGN_IN, data)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page
    assert "Nothing has been changed" in page
    assert "govuk-template" in page
    assert "Traceback" not in page
    assert "CSRF" not in page
    assert client.get(CODE)["Location"] == SIGN_IN


def test_a_forged_sign_out_from_another_site_does_nothing(manager):
    client = sign_in(Client(enforce_csrf_checks=True), manager)
    response = client.post(SIGN_OUT)
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert signed_in_user(client) == manager


def test_sign_in_with_the_csrf_token_works(manager):
    client = Client(enforce_csrf_checks=True)
    page = client.get(SIGN_IN)
    token = page.context["csrf_token"]
    response = client.post(SIGN_IN, {"username": manager.username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == CODE


# --- nobody signed in ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/incidents/",
        "/incidents/new/",
        "/incidents/mine/",
        "/incidents/awaiting-my-action/",
        "/incidents/1/",
        "/incidents/briefings/",
        "/notifications/",
        "/account/password/",
    ],
)
def test_every_page_sends_an_anonymous_person_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={url}"


def test_sign_in_page_is_public_and_a_signed_in_person_is_sent_home(client, manager):
    page = client.get(SIGN_IN)
    assert page.status_code == 200
    assert "Sign in" in page.content.decode()
    sign_in(client, manager)
    assert client.get(SIGN_IN)["Location"] == "/"
