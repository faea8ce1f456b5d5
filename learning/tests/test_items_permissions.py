"""Every POST of the item's pages, as the wrong people: refused (403, or 404 outside their reading), nothing changed."""

import pytest
from django.urls import reverse

from conftest import sign_in
from incidents.choices import Stage
from incidents.tests.factories import incident_at
from learning.models import ItemEvent, LearningItem
from learning.tests.test_items_services import draft, publish
from organisation.choices import Role

pytestmark = pytest.mark.django_db
R = Role


def _posts(org):
    item_draft = draft(org)
    item = publish(org, draft(org, title="Published"))
    incident = incident_at(org, Stage.ACTIONS)
    return [
        ("learning:create", {}, (R.PRACTITIONER, R.LOCAL_MANAGER, R.CEO, R.CMT_MEMBER, R.BOARD_MEMBER, R.ADMINISTRATOR)),
        (
            "learning:edit",
            {"pk": item_draft.pk},
            (R.PRACTITIONER, R.CEO, R.CMT_MEMBER, R.OPERATIONAL_DIRECTOR, R.LOCAL_MANAGER, R.BOARD_MEMBER),
        ),
        ("learning:publish", {"pk": item_draft.pk}, (R.PRACTITIONER, R.CEO, R.CMT_MEMBER, R.LOCAL_MANAGER, R.BOARD_MEMBER)),
        (
            "learning:action_add",
            {"pk": item.pk},
            (R.PRACTITIONER, R.LEARNING_LEAD, R.POLICY_LEAD, R.CEO, R.NIS_REVIEWER, R.BOARD_MEMBER),
        ),
        (
            "learning:close",
            {"pk": item.pk},
            (R.PRACTITIONER, R.LEARNING_LEAD, R.CEO, R.NIS_REVIEWER, R.OPERATIONAL_DIRECTOR, R.BOARD_MEMBER),
        ),
        (
            "learning:carry",
            {"incident_pk": incident.pk},
            (R.LOCAL_MANAGER, R.OPERATIONAL_DIRECTOR, R.CEO, R.NIS_REVIEWER, R.PRACTITIONER, R.LEARNING_LEAD),
        ),
    ]


def test_every_post_is_refused_to_the_wrong_people(org, client):
    posts = _posts(org)
    before = (
        LearningItem.objects.count(),
        ItemEvent.objects.count(),
        list(LearningItem.objects.values_list("version", "status", "rung")),
    )
    body = {
        "version": 1,
        "title": "Changed",
        "rationale": "Because",
        "confirm_no_identifiers": "on",
        "action_description": "x",
        "action_strength": "stronger",
        "all_weaker_reason": "x",
    }
    for name, kwargs, people in posts:
        for role in people:
            sign_in(client, org.people[role])
            response = client.post(reverse(name, kwargs=kwargs), body)
            assert response.status_code in (403, 404), (name, role, response.status_code)
    sign_in(client, org.other[R.ASSISTANT_DIRECTOR])
    for name, kwargs, _ in posts[1:]:
        assert client.post(reverse(name, kwargs=kwargs), body).status_code in (403, 404), name
    after = (
        LearningItem.objects.count(),
        ItemEvent.objects.count(),
        list(LearningItem.objects.values_list("version", "status", "rung")),
    )
    assert after == before
