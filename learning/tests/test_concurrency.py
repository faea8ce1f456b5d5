"""Acknowledgements and confirmations pressed at the same moment, from threads with their own connections:
each counts once. PostgreSQL only (the in-memory SQLite test database cannot queue two writers)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from audit.models import AuditEvent
from learning.models.cascade import AlertRecipient, CascadeMethod, TeamMeeting
from learning.services import cascade as services
from organisation.choices import Role
from organisation.tests.factories import Org

from .test_cascade_world import published_item_set_up as published_item

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads queue on PostgreSQL's row locks; run with DATABASE_URL=postgres://...")
    # A transactional test's flush empties the lists the data migration seeded: load them again.
    from incidents.models import Criterion
    from learning.choices import load_lists
    from learning.models import CriterionTheme, LearningOrigin, Theme

    load_lists(LearningOrigin, Theme, CriterionTheme, Criterion)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread raised
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def test_one_person_acknowledging_twice_at_once_counts_once():
    org = Org()
    item = published_item(org)
    lead, lm = org.people[Role.LEARNING_LEAD], org.people[Role.LOCAL_MANAGER]
    services.cascade_decide(actor=lead, item_id=item.pk, methods=[CascadeMethod.KNOWLEDGE_ALERT])
    alert = services.staff_alert_send(actor=lead, item_id=item.pk, kind=CascadeMethod.KNOWLEDGE_ALERT, title="A", text="B")
    results = run_together(*[lambda: services.staff_alert_acknowledge(actor=lm, alert_id=alert.pk)] * 4)
    assert sorted(r[1] for r in results) == [False, False, False, True]
    assert AlertRecipient.objects.filter(alert=alert, person=lm, acknowledged_at__isnull=False).count() == 1
    assert AuditEvent.objects.filter(action="learning.staff_alert_acknowledge").count() == 1


def test_many_people_acknowledging_at_once_are_each_counted():
    org = Org()
    item = published_item(org)
    lead = org.people[Role.LEARNING_LEAD]
    services.cascade_decide(actor=lead, item_id=item.pk, methods=[CascadeMethod.LEGAL_ALERT])
    alert = services.staff_alert_send(actor=lead, item_id=item.pk, kind=CascadeMethod.LEGAL_ALERT, title="A", text="B")
    people = [org.people[r] for r in (Role.LOCAL_MANAGER, Role.ASSISTANT_DIRECTOR, Role.CEO, Role.NIS_REVIEWER, Role.CMT_MEMBER)]
    results = run_together(*[lambda p=p: services.staff_alert_acknowledge(actor=p, alert_id=alert.pk) for p in people])
    assert [r for r in results] == [("ok", True)] * 5
    assert AlertRecipient.objects.filter(alert=alert, acknowledged_at__isnull=False).count() == 6  # and the sender


def test_a_team_meeting_confirmed_twice_at_once_is_recorded_once():
    org = Org()
    item = published_item(org)
    lead, lm = org.people[Role.LEARNING_LEAD], org.people[Role.LOCAL_MANAGER]
    services.cascade_decide(actor=lead, item_id=item.pk, methods=[CascadeMethod.MONTHLY_CASCADE])
    today = timezone.localdate()
    services.cascade_omt_record(actor=lead, item_id=item.pk, omt_date=today - timedelta(days=3))
    results = run_together(
        *[lambda: services.cascade_team_confirm(actor=lm, item_id=item.pk, team=org.team, meeting_date=today)] * 3
    )
    assert [r[0] for r in results].count("ok") == 1
    refusals = [r[1] for r in results if r[0] == "error"]
    assert all(isinstance(e, ValidationError) and "confirmed already" in e.message_dict["team"][0] for e in refusals)
    assert TeamMeeting.objects.filter(team=org.team).count() == 1
