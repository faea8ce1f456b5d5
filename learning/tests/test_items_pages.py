"""The portal's pages: the list with its filters and search, the item page with its ladder, and each step
refused beside the field with nothing lost."""

import pytest
from django.urls import reverse

from conftest import sign_in
from incidents.choices import Stage
from incidents.tests.factories import case_form, incident_at
from learning.choices import ItemStatus, Rung
from learning.models import LearningItem, LearningOrigin, Theme
from learning.tests.test_items_services import HEADINGS, draft, publish
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_the_portal_lists_published_learning_to_a_practitioner_and_hides_drafts(org, client):
    published = publish(org, draft(org, title="Seeing children alone"))
    hidden = draft(org, title="A draft nobody else reads")
    sign_in(client, org.people[Role.PRACTITIONER])
    page = client.get(reverse("learning:list")).content.decode()
    assert published.title in page and hidden.title not in page
    assert client.get(reverse("learning:detail", args=[hidden.pk])).status_code == 404
    detail = client.get(reverse("learning:detail", args=[published.pk])).content.decode()
    assert 'aria-current="step"' in detail and "Actions agreed" in detail
    assert "Review and update of relevant training material" in detail


def test_filters_and_search_narrow_the_list(org, client):
    theme = Theme.objects.get(code="domestic-abuse")
    one = publish(
        org,
        draft(
            org,
            title="Findings of fact before contact",
            themes=[theme],
            origin=LearningOrigin.objects.get(code="serious-case-review"),
        ),
    )
    two = publish(org, draft(org, title="Seeing children alone"))
    sign_in(client, org.people[Role.CEO])
    by_source = client.get(reverse("learning:list"), {"source": "B"}).content.decode()
    assert one.title in by_source and two.title not in by_source
    by_theme = client.get(reverse("learning:list"), {"theme": theme.pk}).content.decode()
    assert one.title in by_theme and two.title not in by_theme
    by_search = client.get(reverse("learning:list"), {"q": "children alone"}).content.decode()
    assert two.title in by_search and one.title not in by_search
    by_rung = client.get(reverse("learning:list"), {"rung": Rung.VERIFIED}).content.decode()
    assert one.title not in by_rung and two.title not in by_rung


def test_publishing_with_an_identifier_left_is_refused_beside_the_heading_and_the_text_is_kept(org, client):
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    incident = incident_at(org, Stage.ACTIONS, data=case_form(children="Jamie Smith, 9", case_reference="ZC24P01234"))
    sign_in(client, ad)
    response = client.post(reverse("learning:carry", args=[incident.pk]), {})
    item = LearningItem.objects.get(incident=incident)
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    form = {
        "version": item.version,
        "title": "Seeing children alone",
        "origin": item.origin_id,
        **HEADINGS,
        "learning_identified": "Jamie was not seen alone (case ZC24 P01234).",
        "area": f"sa-{org.area.pk}",
        "themes": [Theme.objects.first().pk],
        "covered_by_guidance": "no",
        "all_weaker_reason": "Training first.",
        "confirm_no_identifiers": "on",
    }
    page = client.post(reverse("learning:publish", args=[item.pk]), form).content.decode()
    assert "identifies a child or their case (Jamie, ZC24P01234)" in page
    assert 'id="learning_identified-error"' in page or "govuk-error-message" in page
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT and item.learning_identified.startswith("Jamie was not seen")
    form.update(version=item.version, learning_identified=HEADINGS["learning_identified"])
    assert client.post(reverse("learning:publish", args=[item.pk]), form).status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.actions.count() == 3


def test_closing_below_sustained_without_a_rationale_is_refused_beside_the_field(org, client):
    item = publish(org, draft(org))
    sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
    page = client.post(reverse("learning:close", args=[item.pk]), {"version": item.version, "rationale": ""}).content.decode()
    assert "Enter why the item closes" in page
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED


def test_an_action_due_in_the_past_is_refused_beside_the_date(org, client):
    item = publish(org, draft(org))
    sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
    page = client.post(
        reverse("learning:action_add", args=[item.pk]),
        {
            "version": item.version,
            "action_description": "A checklist",
            "action_owner": org.people[Role.LOCAL_MANAGER].pk,
            "action_due_date_0": "1",
            "action_due_date_1": "1",
            "action_due_date_2": "2020",
            "action_strength": "intermediate",
        },
    ).content.decode()
    assert "The due date must be today or in the future" in page
    assert "A checklist" in page
