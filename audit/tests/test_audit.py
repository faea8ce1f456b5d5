"""The audit trail: a keyed hash chain that `manage.py audit_verify` checks; see also test_tamper_evidence."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.test_sign_in import code_for
from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, current_audit_key_id
from audit.services import audit_record
from audit.verify import audit_chain_problems
from organisation.tests.factories import PASSWORD, UserFactory, person

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="these triggers are PostgreSQL's")


@contextmanager
def tampering():
    """Let a test change rows as an intruder who owns the database would: past the append-only triggers."""
    # Deferred foreign-key checks from the test's own inserts are run first: PostgreSQL
    # does not alter a table with pending trigger events.
    sqlite_triggers = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'")
            sqlite_triggers = cursor.fetchall()
            for name, _ in sqlite_triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for _, sql in sqlite_triggers:
                cursor.execute(sql)


@pytest.fixture
def chain():
    """Three events, as a sign-in, a view and a sign-out would leave them."""
    user = UserFactory(username="alice")
    return [
        audit_record(actor=user, action="sign_in", obj=user, changes={"second_factor": True}),
        audit_record(actor=user, action="viewed", obj=user),
        audit_record(actor=user, action="sign_out", obj=user),
    ]


def verify() -> str:
    """Run `manage.py audit_verify`; return what it printed."""
    out = StringIO()
    call_command("audit_verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def verify_fails() -> tuple[str, str]:
    """Run `manage.py audit_verify` expecting it to fail; return its error and the problems it listed."""
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    return str(failure.value), err.getvalue()


# --- building the chain --------------------------------------------------------------


def test_audit_record_builds_a_linked_sealed_chain(chain):
    first, second, third = chain
    assert [event.sequence for event in chain] == [1, 2, 3]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    for event in AuditEvent.objects.all():
        assert event.hash == event.compute_hash()
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_sequence, head.last_hash) == (3, third.hash)
    assert first.actor_name == "alice"
    assert first.object_type == "accounts.user"
    assert first.changes == {"second_factor": True}


def test_verify_passes_on_an_intact_chain(chain):
    assert "The audit trail is intact: 3 events checked." in verify()
    assert audit_chain_problems() == []


def test_verify_passes_on_an_empty_trail():
    assert "0 events checked" in verify()


def test_events_from_a_request_record_the_address(client):
    user = person(None)
    client.post("/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.7")
    client.post("/sign-in/code/", {"token": code_for(TOTPDevice.objects.get(user=user))}, REMOTE_ADDR="192.0.2.7")
    event = AuditEvent.objects.get(action="sign_in")
    assert event.ip_address == "192.0.2.7"
    assert event.actor == user
    verify()


# --- tampering, found by audit_verify ----------------------------------------------------


def test_an_altered_row_is_found(chain):
    with tampering():
        AuditEvent.objects.filter(sequence=2).update(action="nothing to see")
    message, problems = verify_fails()
    assert "1 problem" in message
    assert "event 2: its content does not match its seal (altered row)" in problems


def test_an_altered_row_resealed_breaks_the_link_to_the_next(chain):
    with tampering():
        event = AuditEvent.objects.get(sequence=2)
        event.actor_name = "mallory"
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="mallory", hash=event.compute_hash())
    _, problems = verify_fails()
    assert "event 3: does not link to the event before it" in problems
    assert "event 2" not in problems  # its own seal was forged to match


def test_an_altered_row_found_by_raw_sql(chain):
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = %s WHERE sequence = %s", ["999", 1])
    _, problems = verify_fails()
    assert "event 1: its content does not match its seal (altered row)" in problems


def test_a_deleted_row_is_found(chain):
    with tampering():
        AuditEvent.objects.filter(sequence=2).delete()
    message, problems = verify_fails()
    assert "event 3: expected event 2 here: events are missing (deleted)" in problems
    assert "event 3: does not link to the event before it" in problems
    assert "problem(s)" in message


def test_deleting_the_last_row_is_found_by_the_chain_head(chain):
    with tampering():
        AuditEvent.objects.filter(sequence=3).delete()
    _, problems = verify_fails()
    assert "the chain head names event 3, the last event is 2" in problems


def test_an_inserted_row_with_a_forged_hash_is_found(chain):
    last = chain[-1]
    AuditEvent.objects.create(
        sequence=4,
        at=last.at,
        actor_name="mallory",
        action="sign_in",
        previous_hash=last.hash,
        hash="f" * 64,
        key_id=current_audit_key_id(),
    )
    _, problems = verify_fails()
    assert "event 4: its content does not match its seal (altered row)" in problems
    assert "the chain head names event 3, the last event is 4" in problems


def test_a_perfectly_forged_row_at_the_end_is_found_by_the_chain_head(chain):
    last = chain[-1]
    # Forged by someone holding the key: only the chain head shows it.
    forged = AuditEvent(
        sequence=4, at=last.at, actor_name="mallory", action="sign_in", previous_hash=last.hash, key_id=current_audit_key_id()
    )
    forged.hash = forged.compute_hash()
    forged.save()
    _, problems = verify_fails()
    assert problems.strip() == "chain: the chain head names event 3, the last event is 4 (deleted or inserted at the end)"


def test_a_row_slipped_into_the_middle_is_found(chain):
    first, second, _ = chain
    with tampering():
        # Make room after event 1 and slip a sealed row in, as someone rewriting history would.
        AuditEvent.objects.filter(sequence__gte=2).update(sequence=F("sequence") + 10)
        forged = AuditEvent(
            sequence=2,
            at=first.at,
            actor_name="mallory",
            action="viewed",
            previous_hash=first.hash,
            key_id=current_audit_key_id(),
        )
        forged.hash = forged.compute_hash()
        forged.save()
    _, problems = verify_fails()
    assert "event 12: expected event 3 here" in problems
    assert "event 12: does not link to the event before it" in problems
    assert "event 12: its content does not match its seal" in problems  # its sequence is sealed too


# --- the database refuses changes (PostgreSQL) -----------------------------------------------


@postgres_only
def test_postgresql_refuses_update_of_an_audit_event(chain):
    for attempt in (
        lambda: AuditEvent.objects.filter(sequence=2).update(action="changed"),
        lambda: connection.cursor().execute("UPDATE audit_auditevent SET action = 'changed'"),
    ):
        with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get(sequence=2).action == "viewed"
    verify()


@postgres_only
def test_postgresql_refuses_delete_of_an_audit_event(chain):
    for attempt in (
        lambda: AuditEvent.objects.filter(sequence=2).delete(),
        lambda: connection.cursor().execute("DELETE FROM audit_auditevent"),
    ):
        with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.count() == 3
    verify()


@postgres_only
def test_postgresql_trigger_is_back_after_tampering(chain):
    with tampering():
        AuditEvent.objects.filter(sequence=1).update(action="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(sequence=2).update(action="changed")


# --- the same transaction as the change ---------------------------------------------------


def test_a_rolled_back_change_leaves_no_event(chain):
    with pytest.raises(RuntimeError), transaction.atomic():
        user = UserFactory(username="temporary")
        audit_record(actor=None, action="user_created", obj=user)
        raise RuntimeError("the change failed after it was audited")
    assert not AuditEvent.objects.filter(action="user_created").exists()
    assert not UserFactory._meta.model.objects.filter(username="temporary").exists()
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_sequence == 3
    # The next event follows on from the last committed one.
    event = audit_record(actor=None, action="after")
    assert event.sequence == 4
    assert event.previous_hash == chain[-1].hash
    verify()


def test_a_step_that_fails_after_auditing_leaves_no_event(org, monkeypatch):
    """Submitting a SIN audits the step, then alerts the AD; if alerting fails, neither the step nor its event remains."""
    from datetime import date

    from incidents import services
    from incidents.choices import Stage
    from organisation.choices import Role

    author = org.people[Role.LOCAL_MANAGER]
    data = services.FormData(
        criteria=["child_seriously_harmed"],
        values=dict(
            title="Fall",
            children="A, 4",
            case_reference="ABC",
            what_happened="x",
            cafcass_involvement="y",
            immediate_actions="z",
            incident_date=date(2026, 11, 1),
            aware_date=date(2026, 11, 2),
        ),
    )
    incident = services.incident_create(actor=author, team=org.team, data=data)
    events_before = AuditEvent.objects.count()

    def broken_notify(**kwargs):
        assert AuditEvent.objects.filter(action="incident.submit").exists()  # written, not yet committed
        raise DatabaseError("the notification could not be written")

    from incidents.services import sin

    monkeypatch.setattr(sin, "notify", broken_notify)
    with pytest.raises(DatabaseError):
        services.incident_submit(actor=author, incident_id=incident.pk, expected_version=incident.version)
    assert not AuditEvent.objects.filter(action="incident.submit").exists()
    assert AuditEvent.objects.count() == events_before
    incident.refresh_from_db()
    assert incident.stage == Stage.DRAFT
    verify()
