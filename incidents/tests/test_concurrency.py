"""Two people taking the same step at the same moment, from two threads with their own connections.

The row lock (SELECT ... FOR UPDATE on PostgreSQL; on SQLite an IMMEDIATE
transaction takes the write lock at BEGIN) and the version check must let
exactly one of them through; the other is told the record changed. Reference
numbers handed out at the same moment must still be distinct and consecutive.

These tests commit for real (transaction=True); the root conftest loads the
criteria again after the flush that emptied them.
"""

import threading

import pytest
from django.db import connection, connections

from alerts.models import Notification
from audit.models import AuditEvent
from core.exceptions import StaleRecord, WrongStage
from incidents import services
from incidents.choices import Stage, Step
from incidents.models import CaseReview, Incident, IncidentEvent
from incidents.tests.factories import incident_at
from organisation.choices import Role as R
from organisation.tests.factories import Org, person

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Run each call in its own thread, released at the same moment; return ("ok", result) or ("error", exception)."""
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


def _skip_unless_threads_share_the_database():
    """Skip on the in-memory SQLite test database; run on PostgreSQL and on a file SQLite database.

    The in-memory database is shared between threads through SQLite's shared
    cache, whose table locks fail at once ("database table is locked") instead
    of waiting for the busy timeout, so two writers cannot queue there as they
    do on a real database file (IMMEDIATE transactions, WAL, timeout).
    """
    if connection.vendor == "postgresql":
        return
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "the in-memory SQLite test database cannot queue two writers; run with PostgreSQL or a file SQLite test database"
        )


def test_two_ods_sign_off_the_same_incident_at_the_same_moment():
    _skip_unless_threads_share_the_database()
    org = Org()
    second_od = person(R.OPERATIONAL_DIRECTOR, place=org.region, username="second_od")
    second_cmt = person(R.CMT_MEMBER, username="second_cmt")
    incident = incident_at(org, Stage.WITH_OD)
    audits_before = AuditEvent.objects.count()

    def sign_off(actor):
        return lambda: services.incident_od_sign_off(actor=actor, incident_id=incident.pk, expected_version=incident.version)

    results = run_together(sign_off(org.people[R.OPERATIONAL_DIRECTOR]), sign_off(second_od))

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, (StaleRecord, WrongStage)), repr(error)

    incident.refresh_from_db()
    assert incident.stage == Stage.CASE_REVIEW and incident.version == 4  # create 1, submit 2, analyse 3, sign-off 4
    assert IncidentEvent.objects.filter(incident=incident, step=Step.OD_SIGN_OFF).count() == 1
    assert CaseReview.objects.filter(incident=incident).count() == 1
    assert AuditEvent.objects.count() == audits_before + 1
    cmt = Notification.objects.filter(incident=incident, reason=Notification.Reason.CMT_INITIAL)
    assert sorted(cmt.values_list("recipient__username", flat=True)) == sorted(
        [org.people[R.CMT_MEMBER].username, second_cmt.username, org.people[R.CEO].username]
    )
    assert (
        Notification.objects.filter(
            incident=incident, reason=Notification.Reason.ACT, recipient=org.people[R.NIS_REVIEWER]
        ).count()
        == 1
    )


def test_two_drafts_submitted_at_the_same_moment_get_distinct_consecutive_references():
    _skip_unless_threads_share_the_database()
    org = Org()
    first = incident_at(org, Stage.DRAFT)
    second = incident_at(org, Stage.DRAFT, author=org.people[R.ASSISTANT_DIRECTOR])

    def submit(incident):
        return lambda: services.incident_submit(actor=incident.author, incident_id=incident.pk, expected_version=incident.version)

    results = run_together(submit(first), submit(second))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    references = sorted(Incident.objects.values_list("reference", flat=True))
    year = first.created_at.year
    assert references == [f"SIN-{year}-0001", f"SIN-{year}-0002"]
    assert set(Incident.objects.values_list("stage", flat=True)) == {Stage.WITH_AD}


def test_the_same_author_submitting_twice_at_once_submits_once():
    _skip_unless_threads_share_the_database()
    org = Org()
    incident = incident_at(org, Stage.DRAFT)

    def submit():
        return services.incident_submit(
            actor=org.people[R.LOCAL_MANAGER], incident_id=incident.pk, expected_version=incident.version
        )

    results = run_together(submit, submit)
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, (StaleRecord, WrongStage)), repr(error)
    assert IncidentEvent.objects.filter(incident=incident, step=Step.SUBMIT).count() == 1
    incident.refresh_from_db()
    assert incident.reference.endswith("-0001")
    assert Notification.objects.filter(incident=incident, recipient=org.people[R.ASSISTANT_DIRECTOR]).count() == 1
