"""The SIN form through the pages: creating and editing a draft, submitting it, and the errors shown beside the fields."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import sign_in
from incidents.choices import Kind, Stage
from incidents.models import Incident
from incidents.tests.factories import incident_at
from incidents.tests.helpers import CMT, HOP, LM, as_user, assert_error_page, date_fields, edit_post, form_post, fresh, html
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_create_a_draft_through_the_form_and_see_it_on_mine(org, client):
    manager = org.people[LM]
    c = as_user(client, manager)
    page = c.get("/incidents/new/")
    assert page.status_code == 200
    for name in ("incident_date_0", "incident_date_1", "incident_date_2", "aware_date_2", 'name="place"'):
        assert name in html(page)

    response = c.post("/incidents/new/", form_post(org))
    assert response.status_code == 302, html(response)[:3000]
    incident = Incident.objects.get()
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.stage == Stage.DRAFT
    assert incident.reference is None
    assert incident.author == manager
    assert incident.team == org.team and incident.region == org.region
    assert incident.incident_date == timezone.localdate() - timedelta(days=3)
    assert list(incident.criteria.values_list("code", flat=True)) == ["child_seriously_harmed"]

    mine = c.get("/incidents/mine/")
    assert mine.status_code == 200
    assert f"Draft {incident.pk}" in html(mine)
    assert "Harm to a child in placement" in html(mine)
    # Someone else's draft is not "mine".
    assert "1 incident<" in html(mine).replace("</p>", "<")


def test_create_a_non_case_draft(org, client):
    c = as_user(client, org.people[HOP])
    page = c.get("/incidents/new/?kind=non_case")
    assert page.status_code == 200
    assert "Which kind of incident is it?" in html(page)
    data = {
        "kind": "non_case",
        "place": f"function:{org.function.pk}",
        "criteria": ["health_safety"],
        "title": "Office fire",
        "what_happened": "A fire.",
        "immediate_actions": "Evacuated.",
        **date_fields("incident_date", timezone.localdate()),
        **date_fields("aware_date", timezone.localdate()),
        "save": "Save draft",
    }
    response = c.post("/incidents/new/?kind=non_case", data)
    assert response.status_code == 302, html(response)[:3000]
    incident = Incident.objects.get()
    assert incident.kind == Kind.NON_CASE and incident.function == org.function


def test_create_page_refuses_people_who_cannot_write_and_unknown_kinds(org, client):
    assert as_user(client, org.people[CMT]).get("/incidents/new/").status_code == 403
    assert as_user(client, org.people[LM]).get("/incidents/new/?kind=nonsense").status_code == 404
    # A local manager writes no non-case SIN.
    assert as_user(client, org.people[LM]).get("/incidents/new/?kind=non_case").status_code == 403


def test_create_cannot_pick_another_region_team(org, client):
    c = as_user(client, org.people[LM])
    response = c.post("/incidents/new/", form_post(org, place=f"team:{org.other_team.pk}"))
    assert response.status_code == 200
    assert "govuk-error-summary" in html(response)
    assert not Incident.objects.exists()


def test_create_with_a_future_date_shows_the_error_beside_the_field_and_keeps_the_text(org, client):
    c = as_user(client, org.people[LM])
    future = timezone.localdate() + timedelta(days=5)
    response = c.post(
        "/incidents/new/", form_post(org, what_happened="Typed words stay here", **date_fields("incident_date", future))
    )
    assert_error_page(
        response, "The date of the incident must be today or in the past", "Typed words stay here", field="incident_date"
    )
    # The date typed is kept too.
    assert f'value="{future.year}"' in html(response)
    assert not Incident.objects.exists()


def test_create_with_aware_date_before_incident_date(org, client):
    c = as_user(client, org.people[LM])
    today = timezone.localdate()
    response = c.post(
        "/incidents/new/",
        form_post(
            org,
            title="Kept title",
            **date_fields("incident_date", today - timedelta(days=1)),
            **date_fields("aware_date", today - timedelta(days=10)),
        ),
    )
    assert_error_page(
        response,
        "The date Cafcass became aware must be the same as or after the date of the incident",
        "Kept title",
        field="aware_date",
    )
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "day, month, year",
    [("31", "2", "2025"), ("x", "1", "2025"), ("1", "13", "2025"), ("1", "1", "99999999999999999999"), ("1", "", "2025")],
)
def test_create_with_an_impossible_date_is_an_error_not_a_crash(org, client, day, month, year):
    c = as_user(client, org.people[LM])
    data = form_post(org, title="Still here", incident_date_0=day, incident_date_1=month, incident_date_2=year)
    response = c.post("/incidents/new/", data)
    assert response.status_code in (200, 400)
    assert "govuk-error-summary" in html(response)
    assert "Still here" in html(response)
    assert not Incident.objects.exists()


def test_save_and_submit_without_criterion_shows_the_error_and_keeps_the_text(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    assert c.get(f"/incidents/{incident.pk}/edit/").status_code == 200
    data = edit_post(org, incident, criteria=None, what_happened="My careful account", save_and_submit="Save and submit")
    data.pop("save")
    response = c.post(f"/incidents/{incident.pk}/edit/", data)
    assert_error_page(response, "Select at least one criterion", "My careful account", field="criteria")
    incident = fresh(incident)
    assert incident.stage == Stage.DRAFT and incident.reference is None
    # The draft itself was saved, and the form now carries the saved version, so sending again works.
    assert incident.what_happened == "My careful account"
    assert f'name="version" value="{incident.version}"' in html(response)


def test_save_and_submit_other_without_description(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    data = edit_post(org, incident, criteria=["other"], other_description="", title="Other kind", save_and_submit="1")
    data.pop("save")
    response = c.post(f"/incidents/{incident.pk}/edit/", data)
    assert_error_page(response, "Describe the &#x27;Other&#x27; criterion", "Other kind", field="other_description")
    assert fresh(incident).stage == Stage.DRAFT


def test_edit_with_future_aware_date(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    future = timezone.localdate() + timedelta(days=1)
    response = c.post(
        f"/incidents/{incident.pk}/edit/", edit_post(org, incident, court="Kept court", **date_fields("aware_date", future))
    )
    assert_error_page(response, "The date Cafcass became aware must be today or in the past", "Kept court", field="aware_date")
    assert fresh(incident).aware_date != future


def test_save_and_submit_assigns_a_reference(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    data = edit_post(org, incident, save_and_submit="Save and submit")
    data.pop("save")
    response = c.post(f"/incidents/{incident.pk}/edit/", data, follow=True)
    assert response.status_code == 200
    incident = fresh(incident)
    assert re.fullmatch(rf"SIN-{timezone.localdate().year}-\d{{4}}", incident.reference)
    assert incident.stage == Stage.WITH_AD
    assert incident.reference in html(response)
    # A second one takes the next number.
    second = incident_at(org, Stage.WITH_AD)
    assert int(second.reference[-4:]) == int(incident.reference[-4:]) + 1


def test_submit_button_on_the_detail_page(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    response = c.post(f"/incidents/{incident.pk}/submit/", {"version": incident.version})
    assert response.status_code == 302
    assert fresh(incident).stage == Stage.WITH_AD


@pytest.mark.parametrize("version", ["abc", "", "99999999999999999999999", "1.5"])
def test_submit_button_with_a_bad_version_is_not_a_crash(org, client, version):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    response = c.post(f"/incidents/{incident.pk}/submit/", {"version": version})
    assert response.status_code in (302, 400)
    assert fresh(incident).stage == Stage.DRAFT


def test_submit_an_incomplete_draft_from_the_detail_page_goes_back_to_the_form(org, client):
    from incidents.tests.factories import case_form

    incident = incident_at(org, Stage.DRAFT, data=case_form(criteria=[]))
    c = as_user(client, org.people[LM])
    response = c.post(f"/incidents/{incident.pk}/submit/", {"version": incident.version}, follow=True)
    assert response.status_code == 200
    assert "Select at least one criterion" in html(response)
    assert fresh(incident).stage == Stage.DRAFT


def test_non_case_place_error_names_what_to_select(org, client):
    c = as_user(client, org.people[HOP])
    response = c.post("/incidents/new/?kind=non_case", {"kind": "non_case", "place": "", "title": "x", "save": "1"})
    assert response.status_code == 200
    assert "Select the service area or corporate function" in html(response)


def test_the_author_answers_the_ads_questions_with_them_beside_the_form(org, client):
    incident = incident_at(org, Stage.RETURNED)
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    page = client.get(f"/incidents/{incident.pk}/edit/").content.decode()
    returned = page[page.index('data-testid="returned-with"') :]
    assert "Which child?" in returned[:1000]
    draft = incident_at(org, Stage.DRAFT)
    assert 'data-testid="returned-with"' not in client.get(f"/incidents/{draft.pk}/edit/").content.decode()


def test_a_refused_submission_says_the_changes_were_saved_as_a_draft(org, client):
    incident = incident_at(org, Stage.DRAFT)
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    response = client.post(
        f"/incidents/{incident.pk}/edit/",
        {
            "version": incident.version,
            "title": "A new title",
            "save_and_submit": "Save and submit",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your changes are saved as a draft." in page
    assert "govuk-error-summary" in page
    incident.refresh_from_db()
    assert (incident.title, incident.stage) == ("A new title", Stage.DRAFT)
