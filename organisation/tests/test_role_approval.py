"""A role that reads incidents, given in the admin, counts only once a second person approves it (issue 15.8)."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from conftest import sign_in
from incidents.choices import Stage
from incidents.tests.factories import incident_at
from organisation.choices import Role
from organisation.models import ROLES_NEEDING_APPROVAL, RoleAssignment
from organisation.selectors import access_for, forget_access, people_with_role
from organisation.services import role_assignment_approve
from organisation.tests.factories import UserFactory, give_role, person

pytestmark = pytest.mark.django_db

ASSIGNMENTS = "/admin/organisation/roleassignment/"


def administrator(username: str):
    return person(Role.ADMINISTRATOR, username=username, is_staff=True, is_superuser=True)


@pytest.fixture
def first_admin():
    return administrator("first_admin")


@pytest.fixture
def second_admin():
    return administrator("second_admin")


def staff_client(user) -> Client:
    return sign_in(Client(), user)


def give_in_admin(client, user, role: str, **place) -> RoleAssignment:
    response = client.post(f"{ASSIGNMENTS}add/", {"user": user.pk, "role": role, **{k: v.pk for k, v in place.items()}})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    return RoleAssignment.objects.filter(user=user, role=role).latest("pk")


def approve_in_admin(client, assignment):
    return client.post(ASSIGNMENTS, {"action": "approve", "_selected_action": [assignment.pk]}, follow=True)


def roles_of(user) -> frozenset:
    forget_access(user)
    return access_for(user).roles


def test_an_administrator_who_gives_themselves_core_cmt_reads_nothing_until_another_approves(org, first_admin, second_admin):
    incident = incident_at(org, Stage.CASE_REVIEW)
    mine = staff_client(first_admin)
    assert mine.get(incident.get_absolute_url()).status_code == 404

    assignment = give_in_admin(mine, first_admin, Role.CMT_MEMBER)
    assert (assignment.granted_by, assignment.approved_at, assignment.approved_by) == (first_admin, None, None)
    assert Role.CMT_MEMBER not in roles_of(first_admin)
    assert first_admin not in people_with_role(Role.CMT_MEMBER)  # nor is alerted as Core CMT
    assert mine.get(incident.get_absolute_url()).status_code == 404

    # The granter cannot approve it.
    page = approve_in_admin(mine, assignment).content.decode()
    assert "another administrator, or the Chief Executive, must approve it" in page
    assignment.refresh_from_db()
    assert assignment.approved_at is None
    assert mine.get(incident.get_absolute_url()).status_code == 404

    # A second administrator can.
    page = approve_in_admin(staff_client(second_admin), assignment).content.decode()
    assert "1 role(s) approved" in page
    assignment.refresh_from_db()
    assert assignment.approved_by == second_admin and assignment.approved_at is not None
    assert Role.CMT_MEMBER in roles_of(first_admin)
    assert first_admin in people_with_role(Role.CMT_MEMBER)
    assert mine.get(incident.get_absolute_url()).status_code == 200

    event = AuditEvent.objects.get(action="admin.organisation.roleassignment.approve")
    assert event.actor == second_admin
    assert (event.object_type, event.object_id) == ("organisation.roleassignment", str(assignment.pk))
    assert event.changes["role"] == Role.CMT_MEMBER
    assert event.changes["granted_by"] == f"{first_admin} (#{first_admin.pk})"


def test_a_role_given_on_the_persons_page_waits_too(org, first_admin):
    newcomer = UserFactory(username="newcomer")
    client = staff_client(first_admin)
    page = client.get(f"/admin/accounts/user/{newcomer.pk}/change/")
    from audit.tests.test_admin_audit import form_data

    data = form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data.update(
        {
            f"{prefix}-0-id": "",
            f"{prefix}-0-user": str(newcomer.pk),
            f"{prefix}-0-role": Role.ASSISTANT_DIRECTOR,
            f"{prefix}-0-service_area": str(org.area.pk),
        }
    )
    assert client.post(f"/admin/accounts/user/{newcomer.pk}/change/", data).status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer)
    assert assignment.granted_by == first_admin and not assignment.is_approved
    assert access_for(newcomer).service_area_ids == frozenset()


def test_the_chief_executive_may_approve(org, first_admin):
    assignment = give_in_admin(staff_client(first_admin), UserFactory(), Role.NIS_REVIEWER)
    role_assignment_approve(actor=org.people[Role.CEO], assignment_id=assignment.pk)
    assignment.refresh_from_db()
    assert assignment.approved_by == org.people[Role.CEO]


def test_nobody_approves_a_role_given_to_themselves(org, first_admin, second_admin):
    assignment = give_in_admin(staff_client(first_admin), second_admin, Role.CEO)
    page = approve_in_admin(staff_client(second_admin), assignment).content.decode()
    assert "Nobody approves a role given to themselves" in page
    assignment.refresh_from_db()
    assert not assignment.is_approved


@pytest.mark.parametrize("role", [Role.LOCAL_MANAGER, Role.CMT_MEMBER, Role.BOARD_MEMBER])
def test_nobody_else_may_approve(org, first_admin, role):
    from core.exceptions import NotAllowed

    assignment = give_in_admin(staff_client(first_admin), UserFactory(), Role.CHAIR)
    with pytest.raises(NotAllowed):
        role_assignment_approve(actor=org.people[role], assignment_id=assignment.pk)
    assignment.refresh_from_db()
    assert not assignment.is_approved


def test_moving_an_approved_role_to_another_place_needs_approval_again(org, first_admin):
    director = org.people[Role.OPERATIONAL_DIRECTOR]
    assignment = RoleAssignment.objects.get(user=director, role=Role.OPERATIONAL_DIRECTOR)
    assert assignment.is_approved
    client = staff_client(first_admin)
    response = client.post(
        f"{ASSIGNMENTS}{assignment.pk}/change/",
        {"user": director.pk, "role": Role.OPERATIONAL_DIRECTOR, "region": org.other_region.pk},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.region == org.other_region
    assert assignment.granted_by == first_admin and not assignment.is_approved
    forget_access(director)
    assert access_for(director).region_ids == frozenset()


def test_a_role_that_reads_no_incident_counts_at_once(first_admin):
    lead = UserFactory()
    assignment = give_in_admin(staff_client(first_admin), lead, Role.LEARNING_LEAD)
    assert assignment.is_approved and assignment.granted_by == first_admin
    assert Role.LEARNING_LEAD in roles_of(lead)


def test_roles_given_by_code_count_as_approved(org):
    """The demo loader, factories and data migrations give roles without the admin: approved as made."""
    assignment = give_role(UserFactory(), Role.CMT_MEMBER)
    assert assignment.is_approved and assignment.granted_by is None and assignment.approved_by is None
    assert Role.CMT_MEMBER in roles_of(assignment.user)


def test_the_list_shows_who_gave_and_who_approved_each_role(org, first_admin, second_admin):
    holder = UserFactory(first_name="Rhian", last_name="Holder")
    awaiting = give_in_admin(staff_client(first_admin), holder, Role.CMT_MEMBER)
    approved = give_in_admin(staff_client(first_admin), holder, Role.NIS_REVIEWER)
    role_assignment_approve(actor=second_admin, assignment_id=approved.pk)

    page = staff_client(second_admin).get(ASSIGNMENTS, {"approval": "awaiting"})
    assert list(page.context["cl"].result_list) == [awaiting]
    text = page.content.decode()
    assert "Rhian Holder" in text and str(first_admin) in text and "Awaiting approval" in text

    page = staff_client(second_admin).get(ASSIGNMENTS, {"approval": "reads"})
    held = set(page.context["cl"].result_list)
    assert approved in held and awaiting not in held
    assert {a.role for a in held} <= ROLES_NEEDING_APPROVAL
    assert f"Approved by {second_admin}" in page.content.decode()
