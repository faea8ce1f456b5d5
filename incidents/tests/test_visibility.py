"""incidents_visible_to(user), the one visibility function, and briefings_visible_to, role by role."""

import pytest

from incidents import services
from incidents.choices import Decision, Kind, Stage
from incidents.models import Incident
from incidents.selectors import briefings_visible_to, incidents_visible_to
from incidents.tests.factories import incident_at, non_case_form
from organisation.choices import Role as R
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db

PLACE_ROLES = [R.LOCAL_MANAGER, R.ASSISTANT_DIRECTOR, R.OPERATIONAL_DIRECTOR]
NEVER = [R.BOARD_MEMBER, R.CHAIR, R.ADMINISTRATOR, R.LEARNING_LEAD, R.PQC_MEMBER]


def sees(user, incident) -> bool:
    return incidents_visible_to(user).filter(pk=incident.pk).exists()


@pytest.mark.parametrize(
    "stage", [Stage.DRAFT, Stage.WITH_AD, Stage.WITH_OD, Stage.NOT_NOTIFIABLE, Stage.CASE_REVIEW, Stage.CLOSED]
)
def test_people_of_the_place_see_it_at_every_stage_and_others_do_not(org, stage):
    incident = incident_at(org, stage)
    for role in PLACE_ROLES:
        assert sees(org.people[role], incident), role
        assert not sees(org.other[role], incident), f"other {role}"
    assert not sees(org.people[R.HEAD_OF_PROFESSION], incident)
    assert not sees(org.nobody, incident)


def test_a_draft_is_seen_by_its_author_and_their_place_only(org):
    incident = incident_at(org, Stage.DRAFT)
    seen_by = {u for u in [*org.people.values(), *org.other.values(), org.nobody] if sees(u, incident)}
    assert seen_by == {org.people[R.LOCAL_MANAGER], org.people[R.ASSISTANT_DIRECTOR], org.people[R.OPERATIONAL_DIRECTOR]}


def test_a_draft_by_the_ad_is_seen_by_the_local_manager_of_the_team(org):
    incident = incident_at(org, Stage.DRAFT, author=org.people[R.ASSISTANT_DIRECTOR])
    assert sees(org.people[R.LOCAL_MANAGER], incident)
    assert sees(org.people[R.ASSISTANT_DIRECTOR], incident)


def test_a_local_manager_of_another_team_in_the_same_area_does_not_see_it(org):
    from organisation.tests.factories import TeamFactory

    neighbour = person(R.LOCAL_MANAGER, place=TeamFactory(service_area=org.area))
    assert not sees(neighbour, incident_at(org, Stage.CASE_REVIEW))


def test_the_author_keeps_seeing_it_after_leaving_the_role(org):
    from organisation.models import RoleAssignment
    from organisation.selectors import forget_access

    author = org.people[R.LOCAL_MANAGER]
    incident = incident_at(org, Stage.WITH_AD)
    RoleAssignment.objects.filter(user=author).delete()
    forget_access(author)
    assert sees(author, incident)


@pytest.mark.parametrize("role", [R.CMT_MEMBER, R.CEO])
def test_cmt_and_ceo_see_it_only_once_notified(org, role):
    user = org.people[role]
    for stage in (Stage.DRAFT, Stage.RETURNED, Stage.WITH_AD, Stage.WITH_OD, Stage.NOT_NOTIFIABLE):
        assert not sees(user, incident_at(org, stage)), stage
    for stage in (Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF, Stage.FINAL_DECISION, Stage.ACTIONS, Stage.CLOSED):
        assert sees(user, incident_at(org, stage)), stage
    assert not sees(user, incident_at(org, Stage.DRAFT, kind=Kind.NON_CASE))
    assert sees(user, incident_at(org, Stage.NOTIFIED, kind=Kind.NON_CASE))


def test_nis_sees_only_commissioned_reviews(org):
    nis = org.people[R.NIS_REVIEWER]
    for stage in (Stage.DRAFT, Stage.WITH_AD, Stage.WITH_OD, Stage.NOT_NOTIFIABLE):
        assert not sees(nis, incident_at(org, stage)), stage
    for stage in (Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF, Stage.CLOSED):
        assert sees(nis, incident_at(org, stage)), stage
    assert not sees(nis, incident_at(org, Stage.NOTIFIED, kind=Kind.NON_CASE))


@pytest.mark.parametrize("role", NEVER)
def test_board_chair_administrator_learning_lead_and_pqc_see_no_incident(org, role):
    for stage in (Stage.DRAFT, Stage.CASE_REVIEW, Stage.CLOSED):
        incident_at(org, stage, final_decision=Decision.SHARE_BOARD)
    incident_at(org, Stage.ACTIONS, kind=Kind.NON_CASE, final_decision=Decision.SHARE_CHAIR)
    assert Incident.objects.count() == 4
    assert not incidents_visible_to(org.people[role]).exists()


def test_non_case_visibility_follows_the_area_or_function(org):
    by_area = incident_at(org, Stage.DRAFT, kind=Kind.NON_CASE)
    assert sees(org.people[R.ASSISTANT_DIRECTOR], by_area)
    assert sees(org.people[R.OPERATIONAL_DIRECTOR], by_area)
    assert not sees(org.people[R.LOCAL_MANAGER], by_area)  # no team
    assert not sees(org.other[R.ASSISTANT_DIRECTOR], by_area)
    hop = org.people[R.HEAD_OF_PROFESSION]
    by_function = services.incident_create(actor=hop, kind=Kind.NON_CASE, function=org.function, data=non_case_form())
    assert sees(hop, by_function)
    assert not sees(org.other[R.HEAD_OF_PROFESSION], by_function)
    assert not sees(org.people[R.ASSISTANT_DIRECTOR], by_function)
    assert not sees(org.people[R.OPERATIONAL_DIRECTOR], by_function)


def test_an_inactive_person_sees_nothing(org):
    incident = incident_at(org, Stage.CASE_REVIEW)
    ceo = org.people[R.CEO]
    ceo.is_active = False
    ceo.save()
    assert not sees(ceo, incident)


def test_anonymous_sees_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    incident_at(org, Stage.CASE_REVIEW)
    assert not incidents_visible_to(AnonymousUser()).exists()


# --- briefings -----------------------------------------------------------------------


def test_board_sees_board_briefings_only_and_the_chair_sees_both(org):
    board = incident_at(org, Stage.ACTIONS, final_decision=Decision.SHARE_BOARD)
    chair = incident_at(org, Stage.ACTIONS, final_decision=Decision.SHARE_CHAIR)
    incident_at(org, Stage.ACTIONS, final_decision=Decision.NO_ONWARD)
    board_briefing = board.briefings.get()
    chair_briefing = chair.briefings.get()
    assert set(briefings_visible_to(org.people[R.BOARD_MEMBER])) == {board_briefing}
    assert set(briefings_visible_to(org.people[R.CHAIR])) == {board_briefing, chair_briefing}
    for role in (R.CEO, R.CMT_MEMBER, R.ADMINISTRATOR, R.ASSISTANT_DIRECTOR, R.PQC_MEMBER, R.LEARNING_LEAD):
        assert not briefings_visible_to(org.people[role]).exists(), role
    assert not briefings_visible_to(org.nobody).exists()
    # Reading a briefing never opens the incident itself.
    assert not incidents_visible_to(org.people[R.BOARD_MEMBER]).exists()
    assert not incidents_visible_to(org.people[R.CHAIR]).exists()
