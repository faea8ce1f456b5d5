"""A random walk over a learning item's ladder (DESIGN.md, Learning Portal): actions done, checks of
embedding found embedded or not (3.6), closure, by the right people and the wrong ones, in any order.

Whatever the order, the rules hold: the item climbs only one rung at a time (identified > actions agreed >
actions done > verified in practice > sustained) or falls back to "actions done" when a check finds it not
embedded; "verified" needs an embedded check and "sustained" a second one; a closed item is sustained or has
a rationale; a refused step changes nothing; the timeline only grows.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from actions.choices import FINISHED_ACTION_STATUSES, ActionStatus
from actions.services import action_update
from core.exceptions import BusinessRuleError
from learning.choices import RUNG_ORDER, ItemStatus, Rung
from learning.models import ItemEvent, LearningItem
from learning.models.checks import EmbeddingCheck, Finding, Forum
from learning.services import checks, items
from organisation.choices import Role
from organisation.tests.factories import Org

from .test_cascade_world import published_item

pytestmark = pytest.mark.django_db

# The moves the ladder allows: one rung up, or back to "actions done" from a rung a check had reached.
ALLOWED = {(a, b) for a, b in zip(Rung.values, Rung.values[1:], strict=False)} | {
    (Rung.VERIFIED, Rung.ACTIONS_DONE),
    (Rung.SUSTAINED, Rung.ACTIONS_DONE),
}
PEOPLE = ["responsible", "lead", "other_ad", "cmt", "nobody"]


class LadderMachine(RuleBasedStateMachine):
    org = None

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        p = self.org.people
        self.people = {
            "responsible": p[Role.ASSISTANT_DIRECTOR],
            "lead": p[Role.LEARNING_LEAD],
            "other_ad": self.org.other[Role.ASSISTANT_DIRECTOR],
            "cmt": p[Role.CMT_MEMBER],
            "nobody": self.org.nobody,
        }
        self.item = published_item(self.org, title=f"Learning {timezone.now().timestamp()}")
        self.rung = self.item.rung
        self.events = ItemEvent.objects.filter(item=self.item).count()

    def teardown(self):
        event(f"rung at the end: {LearningItem.objects.get(pk=self.item.pk).rung}")
        transaction.savepoint_rollback(self.savepoint)

    def _version(self) -> int:
        return LearningItem.objects.values_list("version", flat=True).get(pk=self.item.pk)

    def _attempt(self, call) -> bool:
        """Take a step; a refusal must leave the item as it was."""
        before = (self._version(), ItemEvent.objects.filter(item=self.item).count())
        try:
            with transaction.atomic():
                call()
        except (ValidationError, BusinessRuleError):
            assert (self._version(), ItemEvent.objects.filter(item=self.item).count()) == before
            return False
        return True

    @rule(who=st.sampled_from(PEOPLE), which=st.integers(0, 2))
    def finish_an_action(self, who, which):
        open_actions = list(self.item.actions.exclude(status__in=FINISHED_ACTION_STATUSES).order_by("pk"))
        if not open_actions:
            return
        action = open_actions[which % len(open_actions)]
        person = self.people[who] if who != "lead" else action.owner
        self._attempt(
            lambda: action_update(
                actor=person, action_id=action.pk, expected_version=action.version, status=ActionStatus.DONE, evidence="Done."
            )
        )

    @rule(
        who=st.sampled_from(PEOPLE),
        finding=st.sampled_from(Finding.values),
        forum=st.sampled_from(Forum.values),
        evidence=st.sampled_from(["", "Audit of ten cases."]),
    )
    def check(self, who, finding, forum, evidence):
        data = checks.CheckInput(
            forum=forum, area=self.org.area, checked_on=timezone.localdate(), finding=finding, evidence=evidence
        )
        self._attempt(lambda: checks.check_record(actor=self.people[who], item_id=self.item.pk, data=data))

    @rule(who=st.sampled_from(PEOPLE), rationale=st.sampled_from(["", "Superseded by the new practice guidance."]))
    def close(self, who, rationale):
        self._attempt(
            lambda: items.learning_item_close(
                actor=self.people[who], item_id=self.item.pk, expected_version=self._version(), rationale=rationale
            )
        )

    @invariant()
    def the_ladder_holds(self):
        item = LearningItem.objects.get(pk=self.item.pk)
        if item.rung != self.rung:
            assert (self.rung, item.rung) in ALLOWED, (self.rung, item.rung)
            self.rung = item.rung
        embedded = EmbeddingCheck.objects.filter(item=item, finding=Finding.EMBEDDED).count()
        if RUNG_ORDER[item.rung] >= RUNG_ORDER[Rung.VERIFIED]:
            assert embedded >= 1
        if item.rung == Rung.SUSTAINED:
            assert embedded >= 2
        if RUNG_ORDER[item.rung] >= RUNG_ORDER[Rung.ACTIONS_DONE]:
            assert not item.actions.exclude(status__in=FINISHED_ACTION_STATUSES).exists()
        if item.status == ItemStatus.CLOSED:
            assert item.rung == Rung.SUSTAINED or item.closure_rationale.strip()
        events = ItemEvent.objects.filter(item=item).count()
        assert events >= self.events
        self.events = events


def test_random_walks_up_and_down_the_ladder_keep_its_rules(db, settings_media):
    LadderMachine.org = Org()
    run_state_machine_as_test(
        LadderMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@pytest.fixture
def settings_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
