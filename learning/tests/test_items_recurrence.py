"""A new SIN sharing a theme with learning verified in practice tells the item's owner, once."""

import pytest

from alerts.models import Notification
from incidents.choices import Stage
from incidents.tests.factories import case_form, incident_at
from learning.choices import ItemStep, Rung
from learning.models import Recurrence, Theme
from learning.reminders import due_items, recurrences_record
from learning.services.items import learning_item_move
from learning.tests.test_items_services import draft, publish
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_a_new_sin_sharing_a_theme_tells_the_owner_of_verified_learning_once(org):
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    verified = publish(org, draft(org, title="Risk assessment", themes=[Theme.objects.get(code="risk-assessment")]))
    learning_item_move(item=verified, to_rung=Rung.VERIFIED, actor=ad, text="AQR.")
    unrelated = publish(org, draft(org, title="Court work", themes=[Theme.objects.get(code="court-work")]))
    learning_item_move(item=unrelated, to_rung=Rung.VERIFIED, actor=ad, text="AQR.")
    not_verified = publish(org, draft(org, title="Also risk", themes=[Theme.objects.get(code="risk-assessment")]))
    incident = incident_at(org, Stage.CASE_REVIEW, data=case_form(criteria=["child_seriously_harmed"]))
    list(due_items(None))
    assert set(Recurrence.objects.values_list("item_id", "incident_id")) == {(verified.pk, incident.pk)}
    assert verified.events.filter(step=ItemStep.RECURRENCE, text__contains=incident.reference).exists()
    assert Notification.objects.filter(recipient=ad, learning_item=verified, message__contains="shares a theme").count() == 1
    assert recurrences_record() == 0  # told once
    assert not not_verified.recurrences.exists() and not unrelated.recurrences.exists()
