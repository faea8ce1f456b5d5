"""Query counts of the portal list, the item page and search: constant in the number of items."""

import pytest
from django.urls import reverse

from actions.choices import ActionStatus
from actions.services import action_update
from conftest import sign_in
from learning.tests.test_items_services import draft, publish
from organisation.choices import Role

pytestmark = pytest.mark.django_db
LIST_MAX, DETAIL_MAX = 14, 16


def _items(org, count):
    made = [publish(org, draft(org, title=f"Seeing children alone {n}")) for n in range(count)]
    for action in made[0].actions.all():
        action_update(
            actor=action.owner, action_id=action.pk, expected_version=action.version, status=ActionStatus.DONE, evidence="e"
        )
    return made


@pytest.mark.parametrize("count", [2, 4])
def test_list_and_search_do_not_grow_with_items(org, client, django_assert_max_num_queries, count):
    _items(org, count)
    sign_in(client, org.people[Role.PRACTITIONER])
    for query in ({}, {"q": "children alone"}, {"overdue": "on", "source": "E"}):
        with django_assert_max_num_queries(LIST_MAX):
            response = client.get(reverse("learning:list"), query)
        assert response.status_code == 200
    assert response.content.decode().count("Seeing children alone") == 0  # none is overdue
    assert client.get(reverse("learning:list"), {"q": "children alone"}).content.decode().count("Seeing children alone") == count


@pytest.mark.parametrize("count", [2, 4])
def test_the_item_page_does_not_grow_with_its_timeline(org, client, django_assert_max_num_queries, count):
    item = _items(org, count)[0]
    for n in range(count):
        item.refresh_from_db()
        from learning.services.items import learning_item_move

        learning_item_move(
            item=item,
            to_rung="verified" if n % 2 == 0 else "actions_done",
            actor=org.people[Role.ASSISTANT_DIRECTOR],
            text=f"{n}",
        )
    sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
    with django_assert_max_num_queries(DETAIL_MAX):
        assert client.get(reverse("learning:detail", args=[item.pk])).status_code == 200
