"""A hidden field the person cannot see or correct (the record's version) arrives invalid.

The page is then out of date (or was tampered with): the error summary says so and links
to the same page, to reload it; it is never "There is a problem" over an empty list.
"""

import re

import pytest

from conftest import sign_in
from incidents.choices import Stage, Step
from incidents.tests.factories import incident_at
from organisation.choices import Role

pytestmark = pytest.mark.django_db

OUT_OF_DATE = "This page is out of date. Reload the page, then make your changes again"


def summary_items(body: str) -> list[tuple[str, str]]:
    """The (href, text) of each link in the error summary."""
    assert "govuk-error-summary" in body, body[:3000]
    summary = body.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [(href, text.strip()) for href, text in re.findall(r'<li><a href="([^"]*)">(.*?)</a></li>', summary, re.S)]


@pytest.mark.parametrize("version", ["abc", "", "-1.5"])
def test_a_tampered_version_on_a_step_page_says_the_page_is_out_of_date(org, client, version):
    incident = incident_at(org, Stage.WITH_AD)
    url = f"/incidents/{incident.pk}/step/ad_analyse/"
    response = sign_in(client, org.people[Role.ASSISTANT_DIRECTOR]).post(
        url, {"version": version, "analysis": "Typed analysis", "proposal": "meets_share"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    # The summary has the message, linking to this page (an empty href: the same address, fetched again).
    assert summary_items(body) == [("", OUT_OF_DATE)]
    assert "Typed analysis" in body
    incident.refresh_from_db()
    assert incident.stage == Stage.WITH_AD and not incident.events.filter(step=Step.AD_ANALYSE).exists()


def test_a_missing_version_on_the_edit_form_says_the_page_is_out_of_date(org, client):
    incident = incident_at(org, Stage.DRAFT)
    url = f"/incidents/{incident.pk}/edit/"
    response = sign_in(client, org.people[Role.LOCAL_MANAGER]).post(url, {"title": "Typed title", "save": "Save draft"})
    assert response.status_code == 200
    body = response.content.decode()
    assert summary_items(body) == [("", OUT_OF_DATE)]
    assert 'value="Typed title"' in body
    incident.refresh_from_db()
    assert incident.title != "Typed title"


def test_an_out_of_date_page_is_reported_beside_the_other_problems(org, client):
    """The visible fields' own errors still link to their fields."""
    incident = incident_at(org, Stage.WITH_AD)
    response = sign_in(client, org.people[Role.ASSISTANT_DIRECTOR]).post(
        f"/incidents/{incident.pk}/step/ad_return/", {"version": "abc", "text": ""}
    )
    items = summary_items(response.content.decode())
    assert ("", OUT_OF_DATE) in items
    assert ("#id_text", "Enter questions for the author") in items


def test_a_close_confirmation_with_a_tampered_version(org, client):
    """The close page has no visible field at all: the message still shows."""
    incident = incident_at(org, Stage.ACTIONS)
    response = sign_in(client, org.people[Role.ASSISTANT_DIRECTOR]).post(
        f"/incidents/{incident.pk}/step/close/", {"version": "x"}
    )
    assert response.status_code == 200
    assert summary_items(response.content.decode()) == [("", OUT_OF_DATE)]


def test_every_versioned_page_says_so(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    review = incident_at(org, Stage.CASE_REVIEW)
    actions = incident_at(org, Stage.ACTIONS)
    action = services.action_add(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=actions.pk,
        expected_version=actions.version,
        action=requested_action(org.people[Role.LOCAL_MANAGER]),
    )
    pages = [
        (Role.NIS_REVIEWER, f"/incidents/{review.pk}/case-review/", {"summary": "Typed", "save_draft": "Save as draft"}),
        (Role.CEO, f"/incidents/{review.pk}/step/ceo_decision/", {"decision": "no_onward", "rationale": "Typed"}),
        (Role.CEO, f"/incidents/{actions.pk}/actions/new/", {"action_description": "Typed"}),
        (Role.LOCAL_MANAGER, f"/actions/{action.pk}/", {"status": "open", "evidence": "Typed"}),
    ]
    for role, url, data in pages:
        response = sign_in(client, org.people[role]).post(url, {"version": "abc", **data})
        assert response.status_code == 200, url
        body = response.content.decode()
        assert ("", OUT_OF_DATE) in summary_items(body), url
        assert "Typed" in body, url
