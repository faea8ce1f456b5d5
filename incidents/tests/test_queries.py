"""Query counts of the busiest pages: bounded, and the same with three times as many rows.

Each page is measured with N incidents (each with events, decisions and actions)
and again with 3N; the counts must be equal, so no row costs a query of its own.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import sign_in
from incidents import services
from incidents.choices import ActionStatus, Decision, Stage
from incidents.models import Incident
from incidents.tests.factories import case_form, incident_at, requested_action
from organisation.choices import Role
from organisation.tests.factories import TeamFactory, give_role, person

pytestmark = pytest.mark.django_db

N = 2
LIST_MAX = 10
DETAIL_MAX = 16  # one for the submitted versions (what changed after a return)
HOME_MAX = 12 + 6  # the learning sections (actions, items, alerts, cascades, checks): a fixed number each


def _add_rows(org, count):
    """`count` incidents of each kind of row a list shows, spread over teams, with timeline, decisions and actions."""
    p = org.people
    for i in range(count):
        # Another team in the same area, so that each row's place is a different object.
        team = TeamFactory(service_area=org.area)
        give_role(p[Role.LOCAL_MANAGER], Role.LOCAL_MANAGER, team)
        incident = incident_at(org, Stage.ACTIONS, final_decision=Decision.SHARE_BOARD, data=case_form(title=f"Incident {i}"))
        Incident.objects.filter(pk=incident.pk).update(team=team)
        incident.refresh_from_db()
        for owner in (p[Role.LOCAL_MANAGER], p[Role.ASSISTANT_DIRECTOR], p[Role.NIS_REVIEWER]):
            action = services.action_add(
                actor=p[Role.ASSISTANT_DIRECTOR],
                incident_id=incident.pk,
                expected_version=Incident.objects.get(pk=incident.pk).version,
                action=requested_action(owner, description=f"Action for {owner}"),
            )
            services.action_update(
                actor=owner,
                action_id=action.pk,
                expected_version=action.version,
                status=ActionStatus.IN_PROGRESS,
                evidence="Started.",
            )
        incident_at(org, Stage.DRAFT, data=case_form(title=f"Draft {i}"))
        incident_at(org, Stage.NOTIFIED, kind="non_case")
        incident_at(org, Stage.CASE_REVIEW)


def _grow(incident, org, count):
    """Add `count` actions (each with an update) and decisions to one incident's record."""
    p = org.people
    for i in range(count):
        version = Incident.objects.get(pk=incident.pk).version
        if Incident.objects.get(pk=incident.pk).stage in (Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF):
            services.incident_ceo_decide(
                actor=p[Role.CEO],
                incident_id=incident.pk,
                expected_version=version,
                decision=Decision.SHARE_BOARD,
                rationale=f"Reason {i}",
                briefing_title=f"Briefing {i}",
                briefing_text="Text.",
            )
            version += 1
        owner = (p[Role.LOCAL_MANAGER], p[Role.ASSISTANT_DIRECTOR], p[Role.NIS_REVIEWER])[i % 3]
        action = services.action_add(
            actor=p[Role.ASSISTANT_DIRECTOR],
            incident_id=incident.pk,
            expected_version=version,
            action=requested_action(owner, due=timezone.localdate() + timedelta(days=i + 1)),
        )
        services.action_update(
            actor=owner,
            action_id=action.pk,
            expected_version=action.version,
            status=ActionStatus.IN_PROGRESS,
            evidence=f"Evidence {i}",
        )


def _count(client, url) -> int:
    client.get(url)  # warm: first-use caches (content types, criteria, templates) are not per row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _bounded(django_assert_max_num_queries, client, url, maximum):
    client.get(url)
    with django_assert_max_num_queries(maximum):
        response = client.get(url)
    assert response.status_code == 200


PEOPLE = [Role.LOCAL_MANAGER, Role.CMT_MEMBER]
LIST_URLS = ["/incidents/", "/incidents/awaiting-my-action/", "/incidents/mine/", "/api/incidents/"]


@pytest.mark.parametrize("role", PEOPLE)
def test_lists_and_home_do_not_grow_with_rows(org, client, role, django_assert_max_num_queries):
    user = org.people[role]
    _add_rows(org, N)
    c = sign_in(client, user)
    urls = [*LIST_URLS, "/"]
    before = {url: _count(c, url) for url in urls}
    _add_rows(org, 2 * N)
    after = {url: _count(c, url) for url in urls}
    assert after == before, {url: (before[url], after[url]) for url in urls if before[url] != after[url]}
    for url in LIST_URLS:
        _bounded(django_assert_max_num_queries, c, url, LIST_MAX)
    _bounded(django_assert_max_num_queries, c, "/", HOME_MAX)


def test_the_lists_really_have_rows(org, client):
    """The measurement above is only worth something if the rows are on the pages."""
    _add_rows(org, N)
    lm = sign_in(client, org.people[Role.LOCAL_MANAGER])
    assert lm.get("/api/incidents/").json()["count"] == 3 * N
    body = lm.get("/").content.decode()
    assert "Action for" in body and "Draft " in body
    cmt = sign_in(client, org.people[Role.CMT_MEMBER])
    assert cmt.get("/api/incidents/").json()["count"] == 3 * N


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("stage", [Stage.CASE_REVIEW, Stage.ACTIONS])
def test_detail_does_not_grow_with_the_record(org, client, role, stage, django_assert_max_num_queries):
    small = incident_at(org, stage)
    large = incident_at(org, stage)
    _grow(small, org, N)
    _grow(large, org, 3 * N)
    c = sign_in(client, org.people[role])
    for url in ("/incidents/{}/", "/api/incidents/{}/"):
        small_count = _count(c, url.format(small.pk))
        large_count = _count(c, url.format(large.pk))
        assert small_count == large_count, (url, small_count, large_count)
        _bounded(django_assert_max_num_queries, c, url.format(large.pk), DETAIL_MAX)
    assert large.actions.count() == 3 * N


def test_home_of_a_board_member_and_an_ad_is_bounded(org, client, django_assert_max_num_queries):
    _add_rows(org, N)
    board = sign_in(client, org.people[Role.BOARD_MEMBER])
    first = _count(board, "/")
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    _add_rows(org, N)
    assert _count(board, "/") == first
    _bounded(django_assert_max_num_queries, board, "/", HOME_MAX)
    ad_client = sign_in(client, ad)
    _bounded(django_assert_max_num_queries, ad_client, "/", HOME_MAX)
    _bounded(django_assert_max_num_queries, ad_client, "/incidents/briefings/", LIST_MAX)


def test_person_with_many_roles(org, client, django_assert_max_num_queries):
    many = person(Role.CMT_MEMBER, username="many_hats")
    give_role(many, Role.NIS_REVIEWER)
    give_role(many, Role.OPERATIONAL_DIRECTOR, org.region)
    give_role(many, Role.ASSISTANT_DIRECTOR, org.other_area)
    _add_rows(org, N)
    c = sign_in(client, many)
    before = {url: _count(c, url) for url in [*LIST_URLS, "/"]}
    _add_rows(org, N)
    after = {url: _count(c, url) for url in [*LIST_URLS, "/"]}
    assert before == after
    for url in LIST_URLS:
        _bounded(django_assert_max_num_queries, c, url, LIST_MAX)
