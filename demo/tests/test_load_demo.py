"""The demo organisation that `make run` loads: places, a person per role, incidents at every stage, idempotent."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from alerts.models import Notification
from audit.models import AuditEvent
from core.exceptions import NotAllowed
from demo.people import DEMO_PASSWORD
from incidents import services
from incidents.choices import Stage
from incidents.models import Action, Briefing, Incident, IncidentEvent
from incidents.selectors import briefings_visible_to, incidents_visible_to
from incidents.workflow import NEXT_STEP_LABELS
from organisation.choices import Role
from organisation.models import CorporateFunction, Region, RoleAssignment, ServiceArea, Team

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    models = [
        Region,
        ServiceArea,
        Team,
        CorporateFunction,
        RoleAssignment,
        get_user_model(),
        TOTPDevice,
        Incident,
        IncidentEvent,
        Action,
        Briefing,
        Notification,
        AuditEvent,
    ]
    return {model._meta.label: model.objects.count() for model in models}


def totp_code(username: str) -> str:
    out = io.StringIO()
    call_command("demo_totp", username, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_builds_the_organisation_with_a_person_per_role_and_a_second_run_changes_nothing():
    first_output = load()
    assert DEMO_PASSWORD in first_output

    assert Region.objects.count() == 3
    assert ServiceArea.objects.count() == 6
    assert Team.objects.count() == 12
    assert set(CorporateFunction.objects.values_list("name", flat=True)) == {
        "HR",
        "Health and Safety",
        "IT",
        "Communications",
        "Practice",
        "Legal",
    }
    for region in Region.objects.all():
        assert region.service_areas.count() == 2
    for area in ServiceArea.objects.all():
        assert area.teams.count() == 2

    before = snapshot()
    second_output = load()
    assert "already loaded" in second_output
    assert snapshot() == before

    # A person for every role, each tied to the right kind of place, all with the demo password.
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    for assignment in RoleAssignment.objects.all():
        assignment.full_clean()  # each role is tied to the right kind of place
    users = get_user_model().objects.all()
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    assert all(TOTPDevice.objects.filter(user=user, confirmed=True).exists() for user in users)
    admins = users.filter(role_assignments__role=Role.ADMINISTRATOR)
    assert admins.exists() and all(admin.is_staff and admin.is_superuser for admin in admins)
    assert not users.exclude(role_assignments__role=Role.ADMINISTRATOR).filter(is_superuser=True).exists()
    assert users.filter(role_assignments__role=Role.CMT_MEMBER).count() >= 2
    assert users.filter(role_assignments__role=Role.BOARD_MEMBER).count() == 2
    assert users.filter(role_assignments__role=Role.OPERATIONAL_DIRECTOR).count() == 3
    assert users.filter(role_assignments__role=Role.ASSISTANT_DIRECTOR).count() == 6


def test_incidents_stand_at_every_stage_and_each_acting_person_sees_some():
    load()
    stages = set(Incident.objects.values_list("stage", flat=True))
    assert stages == set(Stage.values)
    assert Incident.objects.filter(kind="non_case", stage=Stage.NOTIFIED).exists()
    assert Incident.objects.filter(kind="case", stage=Stage.ACTIONS).exists()
    # Child details are initials and ages only.
    for children in Incident.objects.exclude(children="").values_list("children", flat=True):
        for child in children.split(";"):
            initials, age = (part.strip() for part in child.split(","))
            assert len(initials.replace(".", "")) <= 3 and age[0].isdigit(), child
    verify = io.StringIO()
    call_command("audit_verify", stdout=verify)
    assert "intact" in verify.getvalue()

    # The people who act on incidents each see some; Board members and the Chair see briefings only.
    acting = [
        Role.LOCAL_MANAGER,
        Role.ASSISTANT_DIRECTOR,
        Role.OPERATIONAL_DIRECTOR,
        Role.HEAD_OF_PROFESSION,
        Role.NIS_REVIEWER,
        Role.CMT_MEMBER,
        Role.CEO,
    ]
    for user in get_user_model().objects.filter(role_assignments__role__in=acting).distinct():
        assert incidents_visible_to(user).exists(), user.username
    for user in get_user_model().objects.filter(role_assignments__role__in=[Role.BOARD_MEMBER, Role.CHAIR]).distinct():
        assert briefings_visible_to(user).exists(), user.username
        assert not incidents_visible_to(user).exists(), user.username

    # The demo administrator is a superuser, and still may take no step on an incident.
    admin = get_user_model().objects.get(role_assignments__role=Role.ADMINISTRATOR)
    waiting = Incident.objects.filter(stage=Stage.WITH_AD).first()
    with pytest.raises(NotAllowed):
        services.incident_ad_analyse(
            actor=admin,
            incident_id=waiting.pk,
            expected_version=waiting.version,
            analysis="Looks serious.",
            proposal="meets_share",
        )


def test_a_demo_user_signs_in_with_the_password_and_the_printed_code_and_sees_their_work(client):
    load()
    author = Incident.objects.filter(stage=Stage.DRAFT, kind="case").get().author

    response = client.post("/sign-in/", {"username": author.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "/sign-in/code/" in response["Location"]
    code = totp_code(author.username)
    assert len(code) == 6 and code.isdigit()
    response = client.post("/sign-in/code/", {"token": code}, follow=True)

    assert response.status_code == 200
    assert response.wsgi_request.user == author
    assert escape(NEXT_STEP_LABELS[Stage.DRAFT]) in response.content.decode()

    # demo_totp refuses a person whose authenticator is not a demo one.
    real = get_user_model().objects.create_user(username="real.person", password="another long password")
    TOTPDevice.objects.create(user=real, name="Authenticator app", confirmed=True)
    with pytest.raises(CommandError):
        totp_code("real.person")
    with pytest.raises(CommandError):
        totp_code("nobody.at.all")


def test_every_demo_user_signs_in_and_sees_their_home_page(client):
    load()
    users = list(get_user_model().objects.filter(is_active=True).order_by("username"))
    assert len(users) >= 30
    for user in users:
        client.logout()
        response = client.post("/sign-in/", {"username": user.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "/sign-in/code/" in response["Location"], user.username
        response = client.post("/sign-in/code/", {"token": totp_code(user.username)}, follow=True)
        assert response.status_code == 200, user.username
        assert response.wsgi_request.user == user, user.username
        assert response.request["PATH_INFO"] == "/", user.username
        assert user.get_full_name() in response.content.decode(), user.username
