"""What the cascade and checks tests share: an item whose actions are agreed, its cascade action owned
by the L&D lead, and people at every place. No test lives here."""

from datetime import timedelta

from django.utils import timezone

from actions.choices import ActionKind
from actions.models import Action
from learning.choices import Rung
from learning.models import LearningItem
from organisation.choices import Role
from organisation.tests.factories import TeamFactory, person


def published_item(org, *, title="Contact arrangements after a finding of domestic abuse", rung=Rung.ACTIONS_AGREED):
    """A learning item of the North East, its AD responsible, with the three actions of 3.3-3.5."""
    ad, lead = org.people[Role.ASSISTANT_DIRECTOR], org.people[Role.LEARNING_LEAD]
    item = LearningItem.objects.create(title=title, rung=rung, service_area=org.area, responsible=ad)
    due = timezone.localdate() + timedelta(days=30)
    for kind in (ActionKind.TRAINING_REVIEW, ActionKind.POLICY_REVIEW, ActionKind.CASCADE):
        Action.objects.create(learning_item=item, kind=kind, description=kind.label, owner=lead, due_date=due, created_by=ad)
    return item


def practitioners(org, count: int, team=None):
    return [person(None, username=f"practitioner{n}") for n in range(count)]


def more_teams(org, count: int):
    return [TeamFactory(service_area=org.area) for _ in range(count)]
