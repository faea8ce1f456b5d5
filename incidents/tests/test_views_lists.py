"""The lists and the home page: filters, search, pagination, and what awaits each person."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import sign_in
from incidents.choices import Decision, Kind, Stage
from incidents.tests.factories import incident_at
from incidents.tests.helpers import AD, LM, OD, as_user, html
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def _count(response) -> int:
    match = re.search(r'data-testid="result-count">(\d+) incident', html(response))
    assert match, html(response)[:3000]
    return int(match.group(1))


def test_lists_filters_and_search(org, client):
    from incidents.tests.factories import case_form

    first = incident_at(org, Stage.WITH_AD, data=case_form(title="Bridge fall"))
    second = incident_at(org, Stage.CASE_REVIEW, data=case_form(title="River incident", criteria=["child_missing"]))
    draft = incident_at(org, Stage.DRAFT, data=case_form(title="Unsent"))
    non_case = incident_at(org, Stage.NOTIFIED, kind="non_case")
    c = as_user(client, org.people[OD])
    assert _count(c.get("/incidents/")) == 4

    response = c.get("/incidents/", {"q": first.reference})
    assert _count(response) == 1 and "Bridge fall" in html(response)
    assert _count(c.get("/incidents/", {"q": first.reference.lower()})) == 1
    assert _count(c.get("/incidents/", {"q": "river"})) == 1
    assert _count(c.get("/incidents/", {"stage": Stage.CASE_REVIEW})) == 1
    assert _count(c.get("/incidents/", {"kind": Kind.NON_CASE})) == 1
    assert _count(c.get("/incidents/", {"criterion": "child_missing"})) == 1
    assert _count(c.get("/incidents/", {"region": org.region.pk})) == 4
    assert _count(c.get("/incidents/", {"region": org.other_region.pk})) == 0
    assert _count(c.get("/incidents/", {"service_area": org.area.pk})) == 4
    today = timezone.localdate()
    assert _count(c.get("/incidents/", {"submitted_from": today.isoformat(), "submitted_to": today.isoformat()})) == 3
    assert _count(c.get("/incidents/", {"submitted_to": (today - timedelta(days=1)).isoformat()})) == 0
    # Nonsense filters are ignored or refused, never a crash.
    for params in (
        {"stage": "nope"},
        {"region": "x"},
        {"submitted_from": "31/31/2026"},
        {"page": "zzz"},
        {"page": "99999"},
        {"criterion": "no-such"},
        {"q": "%' OR 1=1 --"},
    ):
        assert c.get("/incidents/", params).status_code == 200, params
    # The awaiting list and mine.
    assert _count(c.get("/incidents/awaiting-my-action/")) == 0
    assert _count(as_user(client, org.people[AD]).get("/incidents/awaiting-my-action/")) == 1  # first, at with_ad
    lm = as_user(client, org.people[LM])
    assert _count(lm.get("/incidents/mine/")) == 3
    assert _count(lm.get("/incidents/awaiting-my-action/")) == 1  # the draft
    assert draft.display_reference in html(lm.get("/incidents/awaiting-my-action/"))
    assert second.reference in html(lm.get("/incidents/mine/"))
    assert non_case.reference not in html(lm.get("/incidents/"))


def test_list_is_paginated(org, client, settings):
    from incidents import views

    for _ in range(views.PAGE_SIZE + 2):
        incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    first = c.get("/incidents/")
    assert _count(first) == views.PAGE_SIZE + 2
    assert html(first).count("govuk-table__row") == views.PAGE_SIZE + 1  # plus the header
    second = c.get("/incidents/", {"page": 2})
    assert html(second).count("govuk-table__row") == 3


def test_home_page_lists_what_awaits(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    body = html(as_user(client, org.people[AD]).get("/"))
    assert incident.reference in body
    body = html(as_user(client, org.people[OD]).get("/"))
    assert incident.reference not in body


@pytest.mark.parametrize("stage", [Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF])
def test_a_signed_off_sin_awaits_the_ceos_first_decision_until_one_is_recorded(org, client, stage):
    from incidents import services

    incident = incident_at(org, stage)
    sign_in(client, org.people[Role.CEO])
    home = client.get("/").content.decode()
    assert incident.display_reference in home
    assert "await the case review" in home
    assert incident.display_reference in client.get("/incidents/awaiting-my-action/").content.decode()
    services.incident_ceo_decide(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.AWAIT_REVIEW,
        rationale="The CR1 will tell us more.",
    )
    assert incident.display_reference not in client.get("/").content.decode()
    assert incident.display_reference not in client.get("/incidents/awaiting-my-action/").content.decode()


def test_home_tables_are_headed_for_what_they_hold(org, client):
    from incidents import services

    incident = incident_at(org, Stage.CASE_REVIEW)
    services.incident_ceo_decide(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.SHARE_BOARD,
        rationale="r",
        briefing_title="For the Board",
        briefing_text="t",
    )
    sign_in(client, org.people[Role.BOARD_MEMBER])
    page = client.get("/").content.decode()
    briefings = page[page.index("Briefings shared with you") :]
    headings = re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)</th>', briefings)
    assert headings == ["Reference", "Briefing", "Shared with"]
    sign_in(client, org.people[Role.NIS_REVIEWER])
    page = client.get("/").content.decode()
    assert re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)</th>', page)[:4] == [
        "Reference",
        "What is needed",
        "Where",
        "Due",
    ]


def test_a_filter_that_cannot_be_applied_is_said_and_lists_nothing(org, client):
    incident_at(org, Stage.CASE_REVIEW)
    sign_in(client, org.people[Role.CMT_MEMBER])
    assert _count(client.get("/incidents/")) == 1
    response = client.get("/incidents/?stage=bogus&submitted_from=2026-02-31")
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Select a valid choice" in page
    assert _count(response) == 0
