"""GOV.UK error messages on the incident pages, posted through the real pages.

No `maxlength` cuts pasted text off; a length error names the field; an impossible
date says "<Label> must be a real date"; the non-case form asks nothing about "Other";
the final decision does not speak of further action.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import sign_in
from incidents.choices import Decision, Kind, Stage, Step
from incidents.models import Incident
from incidents.tests.factories import incident_at
from organisation.choices import Role

pytestmark = pytest.mark.django_db

LM, AD, CEO, HOP = Role.LOCAL_MANAGER, Role.ASSISTANT_DIRECTOR, Role.CEO, Role.HEAD_OF_PROFESSION


def html(response) -> str:
    return response.content.decode()


def fresh(incident):
    incident.refresh_from_db()
    return incident


def dates(name, day, month, year):
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


def case_post(org, **overrides):
    today = timezone.localdate()
    data = {
        "kind": "case",
        "place": f"team:{org.team.pk}",
        "criteria": ["child_seriously_harmed"],
        "other_description": "",
        "title": "Harm to a child",
        "children": "A, 4",
        "case_reference": "ZZ-12345",
        "court": "Family Court",
        "what_happened": "Found injured.",
        "cafcass_involvement": "Section 7.",
        "other_agencies": "Police.",
        "media_risk": "None.",
        "immediate_actions": "Referral made.",
        **dates("incident_date", *_dmy(today - timedelta(days=3))),
        **dates("aware_date", *_dmy(today - timedelta(days=2))),
        "save": "Save draft",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_post(org, incident, **overrides):
    data = case_post(org, version=str(incident.version), **overrides)
    data.pop("place")
    data.pop("kind")
    return data


def _dmy(value):
    return value.day, value.month, value.year


def long_text(length: int) -> str:
    """Text of exactly `length` characters whose end is recognisable (a truncation would lose it)."""
    end = "THE END OF THE TEXT"
    body = "Pasted words, "
    return (body * (length // len(body) + 1))[: length - len(end)] + end


def assert_error_beside(body: str, field: str, message: str):
    """The summary links to the field (or one of its parts), and the field's own group shows the message."""
    assert "govuk-error-summary" in body and "There is a problem" in body
    assert re.search(rf'<a href="#id_{field}(_\d)?">{re.escape(message)}</a>', body), body[:6000]
    after = body.split(f'id="div_id_{field}"', 1)[1]
    assert "govuk-form-group--error" in after[:80]
    group = after.split('id="div_id_', 1)[0]
    assert re.search(
        r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>\s*' + re.escape(message), group
    ), group[:3000]


# --- 1. long text: no maxlength, a named message, the text kept ------------------------------


def test_the_forms_carry_no_maxlength(org, client):
    draft = incident_at(org, Stage.DRAFT)
    with_ad = incident_at(org, Stage.WITH_AD)
    review = incident_at(org, Stage.CASE_REVIEW)
    final = incident_at(org, Stage.FINAL_DECISION)
    pages = [
        (org.people[LM], "/incidents/new/"),
        (org.people[LM], f"/incidents/{draft.pk}/edit/"),
        (org.people[AD], f"/incidents/{with_ad.pk}/step/ad_analyse/"),
        (org.people[AD], f"/incidents/{with_ad.pk}/step/ad_return/"),
        (org.people[CEO], f"/incidents/{review.pk}/step/ceo_decision/"),
        (org.people[CEO], f"/incidents/{final.pk}/step/ceo_final_decision/"),
        (org.people[CEO], f"/incidents/{review.pk}/actions/new/"),
        (org.people[LM], "/incidents/?q=x"),
    ]
    for user, url in pages:
        page = sign_in(client, user).get(url)
        assert page.status_code == 200, url
        assert "<textarea" in html(page) or "<input" in html(page)
        assert "maxlength=" not in html(page), url


def test_an_over_long_title_is_named_and_kept_and_nothing_is_saved(org, client):
    c = sign_in(client, org.people[LM])
    title = long_text(5014)
    response = c.post("/incidents/new/", case_post(org, title=title))
    assert response.status_code == 200
    body = html(response)
    assert_error_beside(body, "title", "Short title must be 150 characters or fewer")
    assert "Ensure this value" not in body
    assert f'value="{title}"' in body  # the whole of it, not 150 characters
    assert "maxlength=" not in body
    assert not Incident.objects.exists()


def test_an_over_long_title_on_the_edit_form_changes_nothing(org, client):
    incident = incident_at(org, Stage.DRAFT)
    before = (incident.title, incident.what_happened, incident.version)
    c = sign_in(client, org.people[LM])
    title = long_text(5014)
    response = c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, title=title, what_happened="Also typed"))
    assert response.status_code == 200
    body = html(response)
    assert_error_beside(body, "title", "Short title must be 150 characters or fewer")
    assert f'value="{title}"' in body and "Also typed" in body
    incident = fresh(incident)
    assert (incident.title, incident.what_happened, incident.version) == before


def test_over_long_what_happened_is_named_and_kept(org, client):
    c = sign_in(client, org.people[LM])
    text = long_text(21000)
    response = c.post("/incidents/new/", case_post(org, what_happened=text))
    body = html(response)
    assert_error_beside(body, "what_happened", "What happened must be 20,000 characters or fewer")
    assert text in body
    assert not Incident.objects.exists()


def test_an_over_long_analysis_is_named_and_kept_and_nothing_is_sent(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    c = sign_in(client, org.people[AD])
    analysis = long_text(25000)
    response = c.post(
        f"/incidents/{incident.pk}/step/ad_analyse/",
        {"version": incident.version, "analysis": analysis, "proposal": "meets_share"},
    )
    assert response.status_code == 200
    body = html(response)
    assert_error_beside(body, "analysis", "Your analysis of the situation must be 20,000 characters or fewer")
    assert analysis in body
    assert "maxlength=" not in body
    incident = fresh(incident)
    assert incident.stage == Stage.WITH_AD
    assert not incident.events.filter(step=Step.AD_ANALYSE).exists()


def test_text_of_exactly_the_limit_is_accepted(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    c = sign_in(client, org.people[AD])
    analysis = long_text(20000)
    response = c.post(
        f"/incidents/{incident.pk}/step/ad_analyse/",
        {"version": incident.version, "analysis": analysis, "proposal": "meets_share"},
    )
    assert response.status_code == 302, html(response)[:3000]
    assert fresh(incident).events.get(step=Step.AD_ANALYSE).text == analysis


# --- 2. impossible dates: "<Label> must be a real date" ------------------------------------------


IMPOSSIBLE = [("31", "2", "2026"), ("1", "13", "2026"), ("31", "11", "2026"), ("x", "1", "2026")]


@pytest.mark.parametrize("day, month, year", IMPOSSIBLE)
def test_an_impossible_date_on_the_incident_form(org, client, day, month, year):
    incident = incident_at(org, Stage.DRAFT)
    before = (incident.incident_date, incident.version)
    c = sign_in(client, org.people[LM])
    response = c.post(
        f"/incidents/{incident.pk}/edit/",
        edit_post(org, incident, what_happened="Kept account", **dates("incident_date", day, month, year)),
    )
    assert response.status_code == 200
    body = html(response)
    assert_error_beside(body, "incident_date", "Date of the incident must be a real date")
    assert "out of range" not in body and "must be in 1..12" not in body
    assert "Kept account" in body and f'name="incident_date_1" value="{month}"' in body
    incident = fresh(incident)
    assert (incident.incident_date, incident.version) == before


def test_a_missing_part_of_a_date_is_named(org, client):
    c = sign_in(client, org.people[LM])
    response = c.post("/incidents/new/", case_post(org, title="Kept title", **dates("aware_date", "3", "", "2026")))
    body = html(response)
    assert_error_beside(body, "aware_date", "Date Cafcass became aware must include a month")
    assert '<a href="#id_aware_date_1">' in body  # the summary goes to the month
    assert "Kept title" in body
    assert not Incident.objects.exists()


@pytest.mark.parametrize("day, month, year", IMPOSSIBLE)
def test_an_impossible_date_on_the_add_action_form(org, client, day, month, year):
    incident = incident_at(org, Stage.ACTIONS)
    actions = incident.actions.count()
    c = sign_in(client, org.people[AD])
    response = c.post(
        f"/incidents/{incident.pk}/actions/new/",
        {
            "version": incident.version,
            "action_description": "Audit three cases",
            "action_owner": org.people[LM].pk,
            **dates("action_due_date", day, month, year),
        },
    )
    assert response.status_code == 200
    body = html(response)
    assert_error_beside(body, "action_due_date", "Due date must be a real date")
    assert "out of range" not in body and "must be in 1..12" not in body
    assert "Audit three cases" in body
    assert fresh(incident).actions.count() == actions


@pytest.mark.parametrize("day, month, year", IMPOSSIBLE)
def test_an_impossible_date_on_a_ceo_decision_with_an_action(org, client, day, month, year):
    incident = incident_at(org, Stage.CASE_REVIEW)
    c = sign_in(client, org.people[CEO])
    response = c.post(
        f"/incidents/{incident.pk}/step/ceo_decision/",
        {
            "version": incident.version,
            "decision": Decision.FURTHER_ACTION,
            "rationale": "My rationale",
            "action_description": "Ask the team for more",
            "action_owner": org.people[AD].pk,
            **dates("action_due_date", day, month, year),
        },
    )
    assert response.status_code == 200
    body = html(response)
    assert_error_beside(body, "action_due_date", "Due date must be a real date")
    assert "out of range" not in body and "must be in 1..12" not in body
    assert "My rationale" in body and "Ask the team for more" in body
    incident = fresh(incident)
    assert not incident.decisions.exists() and not incident.actions.exists()


# --- 3. no "Other" on the non-case form -------------------------------------------------------


def test_the_non_case_form_has_no_other_description(org, client):
    c = sign_in(client, org.people[HOP])
    page = c.get("/incidents/new/?kind=non_case")
    assert page.status_code == 200
    assert "Which kind of incident is it?" in html(page)
    assert 'name="other_description"' not in html(page) and "If &#x27;Other&#x27;" not in html(page)

    draft = incident_at(org, Stage.DRAFT, kind=Kind.NON_CASE)
    page = sign_in(client, org.people[AD]).get(f"/incidents/{draft.pk}/edit/")
    assert page.status_code == 200
    assert 'name="what_happened"' in html(page)
    assert 'name="other_description"' not in html(page)


def test_the_case_form_still_asks_for_and_requires_the_other_description(org, client):
    c = sign_in(client, org.people[LM])
    assert 'name="other_description"' in html(c.get("/incidents/new/"))
    incident = incident_at(org, Stage.DRAFT)
    assert 'name="other_description"' in html(c.get(f"/incidents/{incident.pk}/edit/"))
    data = edit_post(org, incident, criteria=["other"], other_description="", save_and_submit="Save and submit")
    data.pop("save")
    response = c.post(f"/incidents/{incident.pk}/edit/", data)
    assert_error_beside(html(response), "other_description", "Describe the &#x27;Other&#x27; criterion")
    assert fresh(incident).stage == Stage.DRAFT


# --- 4. the final decision does not speak of further action -------------------------------------


def test_the_final_decision_action_is_not_about_further_action(org, client):
    c = sign_in(client, org.people[CEO])
    final = incident_at(org, Stage.FINAL_DECISION)
    page = html(c.get(f"/incidents/{final.pk}/step/ceo_final_decision/"))
    assert "Final comments" in page
    assert "further action" not in page.lower()
    assert "Action (optional)" in page

    first = incident_at(org, Stage.CASE_REVIEW)
    page = html(c.get(f"/incidents/{first.pk}/step/ceo_decision/"))
    assert "Request further action from the local team" in page
    assert "Action requested (optional; required for further action)" in page


def test_a_two_digit_year_is_asked_for_in_full(org, client):
    incident = incident_at(org, Stage.DRAFT)
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    page = client.get(f"/incidents/{incident.pk}/edit/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(
        f"/incidents/{incident.pk}/edit/",
        {
            "version": version,
            "title": "A title",
            "incident_date_0": "3",
            "incident_date_1": "2",
            "incident_date_2": "26",
            "save": "Save draft",
        },
    )
    assert response.status_code == 200
    assert "Date of the incident must include a year with 4 numbers" in response.content.decode()
    incident.refresh_from_db()
    assert incident.incident_date != date(26, 2, 3)


def test_the_decision_page_reports_every_problem_at_once(org, client):
    incident = incident_at(org, Stage.CASE_REVIEW)
    sign_in(client, org.people[Role.CEO])
    url = f"/incidents/{incident.pk}/step/{Step.CEO_DECISION}/"
    response = client.post(url, {"version": incident.version, "decision": Decision.SHARE_BOARD, "rationale": ""})
    page = response.content.decode()
    assert response.status_code == 200
    for message in ("Enter the rationale for the decision", "Enter a title for the briefing", "Enter the briefing to share"):
        assert message in page, message
    response = client.post(url, {"version": incident.version})
    assert (
        "Select a decision" in response.content.decode() and "Enter the rationale for the decision" in response.content.decode()
    )
    assert not incident.decisions.exists()
