"""A first authenticator needs the password and a one-time set-up code emailed to the person (issue 12.6, decision 0010)."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentCode
from accounts.services import enrolment_code_issue
from accounts.tests.test_sign_in import CODE, SET_UP, SIGN_IN, code_for, enter_password, signed_in_user
from audit.models import AuditEvent
from conftest import sign_in
from core.exceptions import WrongStage
from organisation.choices import Role
from organisation.tests.factories import UserFactory, person

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"


def issue_enrolment_code(user, *, actor=None) -> str:
    """Issue a code as an administrator would and return it, read from the email the person is sent."""
    before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        enrolment_code_issue(actor=actor, user=user)
    [email] = mail.outbox[before:]
    return emailed_code(email)


def emailed_code(email) -> str:
    return re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\b", email.body).group(1)


def enter_enrolment_code(client, code: str):
    return client.post(SET_UP, {"code": code})


@pytest.fixture
def newcomer():
    return UserFactory(username="newcomer", email="newcomer@example.org")


def test_the_password_alone_shows_no_qr_code(client, newcomer):
    assert enter_password(client, newcomer)["Location"] == SET_UP
    page = client.get(SET_UP)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Enter your set-up code" in content
    assert "<svg" not in content and "secret" not in page.context
    assert not TOTPDevice.objects.filter(user=newcomer).exists()  # no key made, so none to show
    assert signed_in_user(client) is None


def test_the_code_then_the_qr_code_then_a_first_code_signs_in(client, newcomer):
    code = issue_enrolment_code(newcomer)
    enter_password(client, newcomer)
    response = enter_enrolment_code(client, code.lower().replace("-", " "))  # as someone might type it
    assert response["Location"] == SET_UP
    page = client.get(SET_UP)
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert client.post(SET_UP, {"token": code_for(device)})["Location"] == "/"
    assert signed_in_user(client) == newcomer
    assert EnrolmentCode.objects.get(user=newcomer).used_at is not None
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(newcomer.pk)).order_by("sequence")] == [
        "enrolment_code.issue",
        "enrolment_code.use",
        "second_factor_set_up",
        "sign_in",
    ]


def test_a_code_works_once(newcomer):
    code = issue_enrolment_code(newcomer)
    first = Client()
    enter_password(first, newcomer)
    assert enter_enrolment_code(first, code)["Location"] == SET_UP
    # The sign-in is abandoned before the app is confirmed; the code is spent all the same.
    again = Client()
    enter_password(again, newcomer)
    response = enter_enrolment_code(again, code)
    assert response.status_code == 200
    assert "has been used already" in response.content.decode()
    assert "<svg" not in again.get(SET_UP).content.decode()


def test_an_expired_code_is_refused(client, newcomer):
    code = issue_enrolment_code(newcomer)
    EnrolmentCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    enter_password(client, newcomer)
    assert "has expired" in enter_enrolment_code(client, code).content.decode()
    assert AuditEvent.objects.filter(action="enrolment_code.failed").count() == 1


@override_settings(ENROLMENT_CODE_LIFETIME_HOURS=72)
def test_a_code_lasts_72_hours_and_a_new_one_voids_the_old(client, newcomer):
    old = issue_enrolment_code(newcomer)
    new = issue_enrolment_code(newcomer)
    codes = list(EnrolmentCode.objects.filter(user=newcomer).order_by("pk"))
    assert codes[0].voided_at is not None and codes[1].voided_at is None
    assert timedelta(hours=72) - (codes[1].expires_at - timezone.now()) < timedelta(minutes=1)
    enter_password(client, newcomer)
    assert enter_enrolment_code(client, old).status_code == 200
    assert enter_enrolment_code(client, new)["Location"] == SET_UP


def test_someone_elses_code_does_not_work(client, newcomer):
    other = UserFactory(email="other@example.org")
    code = issue_enrolment_code(other)
    enter_password(client, newcomer)
    assert enter_enrolment_code(client, code).status_code == 200
    assert EnrolmentCode.objects.get(user=other).used_at is None


def test_five_wrong_codes_end_the_sign_in(client, newcomer):
    issue_enrolment_code(newcomer)
    enter_password(client, newcomer)
    for _ in range(4):
        assert enter_enrolment_code(client, "AAAA-BBBB-CCCC").status_code == 200
    response = client.post(SET_UP, {"code": "AAAA-BBBB-CCCC"}, follow=True)
    assert response.redirect_chain[-1][0] == SIGN_IN
    assert "Too many wrong set-up codes" in response.content.decode()
    assert client.get(SET_UP)["Location"] == SIGN_IN


def test_the_code_is_kept_only_as_a_salted_hash(newcomer):
    code = issue_enrolment_code(newcomer)
    row = EnrolmentCode.objects.get(user=newcomer)
    identify_hasher(row.code_hash)  # a Django password hash, salted
    stored = json.dumps([list(EnrolmentCode.objects.values()), list(AuditEvent.objects.values())], default=str)
    assert code not in stored and code.replace("-", "") not in stored


def test_the_email_goes_only_once_the_change_commits(newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrolment_code_issue(actor=None, user=newcomer)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [email] = mail.outbox
    assert email.to == [newcomer.email]


def test_a_failed_send_is_audited_without_the_code(newcomer, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_code_issue(actor=None, user=newcomer)
    assert AuditEvent.objects.filter(action="enrolment_code.email_failed", object_id=str(newcomer.pk)).exists()


@pytest.mark.parametrize("problem", ["no email", "has an authenticator", "deactivated"])
def test_a_code_is_refused_where_it_could_not_reach_the_person_or_is_not_needed(problem):
    user = person(Role.LOCAL_MANAGER) if problem == "has an authenticator" else UserFactory()
    if problem == "no email":
        user.email = ""
    if problem == "deactivated":
        user.is_active = False
    user.save()
    with pytest.raises(WrongStage):
        enrolment_code_issue(actor=None, user=user)
    assert not EnrolmentCode.objects.exists()


def test_an_administrator_sends_a_code_from_the_people_list_but_never_sees_it(newcomer, django_capture_on_commit_callbacks):
    administrator = person(Role.ADMINISTRATOR, username="admin", is_staff=True, is_superuser=True)
    staff = sign_in(Client(), administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(USERS, {"action": "send_enrolment_code", "_selected_action": [newcomer.pk]}, follow=True)
    page = response.content.decode()
    assert "Set-up code sent to newcomer@example.org" in page
    [email] = mail.outbox
    code = emailed_code(email)
    assert code not in page
    assert AuditEvent.objects.get(action="enrolment_code.issue").actor == administrator
    for url in (USERS, f"{USERS}{newcomer.pk}/change/", "/admin/audit/auditevent/"):
        assert code not in staff.get(url).content.decode()


def test_someone_with_an_authenticator_is_never_asked_for_a_code(client, org):
    manager = org.people[Role.LOCAL_MANAGER]
    assert enter_password(client, manager)["Location"] == CODE
    assert client.get(SET_UP)["Location"] == CODE
