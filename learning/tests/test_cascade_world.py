"""What the cascade and checks tests share: an item published through the item's services (its three
actions of 3.3-3.5, the cascade one the L&D lead's), and more people and teams. No test lives here."""

from django.contrib.auth import get_user_model

from learning.choices import Rung
from learning.models import LearningOrigin, Theme
from learning.services import items
from organisation.choices import Role
from organisation.tests.factories import TeamFactory, person

HEADINGS = {
    "impact_on_child": "The child's wishes were not set out in the report.",
    "what_cafcass_did": "The report recommended contact without reading the finding of fact.",
    "learning_identified": "Read any finding of fact before recommending contact.",
    "how_addressed": "Immediate: team briefing. Longer term: practice guidance.",
}


def published_item(org, *, title="Contact arrangements after a finding of domestic abuse", rung=Rung.ACTIONS_AGREED):
    """A published item of the North East (Org's area), its AD responsible, at `rung` (IDENTIFIED: a draft)."""
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    item = items.learning_item_create(
        actor=ad,
        data=items.ItemData(
            title=title,
            origin=LearningOrigin.objects.get(code="judgement"),
            headings=dict(HEADINGS),
            service_area=org.area,
            responsible=ad,
            themes=[Theme.objects.get(code="voice-of-the-child")],
            covered_by_guidance=False,
        ),
    )
    if rung == Rung.IDENTIFIED:
        return item
    item = items.learning_item_publish(
        actor=ad,
        item_id=item.pk,
        expected_version=item.version,
        confirm_no_identifiers=True,
        all_weaker_reason="Training and guidance reach every team first.",
    )
    if rung != item.rung:
        items.learning_item_move(item=item, to_rung=rung, actor=ad, text="Set up for the test.")
    item.refresh_from_db()
    return item


def published_item_set_up(org, *, title="Learning pressed at once"):
    """As published_item, the publication written directly: on PostgreSQL learning.services.items._lock
    (select_for_update with select_related over nullable keys) is refused at the time of writing."""
    from django.utils import timezone

    from actions.choices import ActionKind
    from actions.models import Action
    from learning.choices import ItemStatus

    item = published_item(org, title=title, rung=Rung.IDENTIFIED)
    item.status, item.rung = ItemStatus.PUBLISHED, Rung.ACTIONS_AGREED
    item.save()
    lead, due = org.people[Role.LEARNING_LEAD], timezone.localdate()
    Action.objects.create(
        learning_item=item,
        kind=ActionKind.CASCADE,
        description="Cascade",
        owner=lead,
        due_date=due,
        created_by=org.people[Role.ASSISTANT_DIRECTOR],
    )
    return item


def practitioners(org, count: int, team=None):
    return [person(Role.PRACTITIONER, place=team or org.team) for _ in range(count)]


def more_teams(org, count: int):
    return [TeamFactory(service_area=org.area) for _ in range(count)]


def users():
    return get_user_model().objects
