"""Tamper evidence that the database's owner cannot defeat (docs/decisions/0011).

Each bypass an owner has (turning the triggers off, `session_replication_role
= replica`, dropping SQLite's triggers) lets them change rows; what they cannot
do without the key held outside the database is seal the result. What they
can do without it, cutting events off the end, the anchors outside the
database find.
"""

import hashlib
import importlib
import json
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.anchors import anchors_read
from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, current_audit_key_id
from audit.services import audit_record
from audit.tests.test_audit import tampering, verify, verify_fails
from organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "var" / "audit-anchors.jsonl"
    return settings.AUDIT_ANCHOR_FILE


@pytest.fixture
def chain():
    user = UserFactory(username="alice")
    return [
        audit_record(actor=user, action="sign_in", obj=user),
        audit_record(actor=user, action="incident.ceo_decide", obj=user, changes={"decision": "share_board"}),
        audit_record(actor=user, action="viewed", obj=user),
        audit_record(actor=user, action="sign_out", obj=user),
    ]


def unkeyed_seal(event: AuditEvent) -> str:
    """What someone without the key can compute: SHA-256 of the same content."""
    canonical = json.dumps(event.payload(), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def rewrite_chain(seal, *, drop_key_id: bool = False) -> None:
    """Renumber and reseal every event and the head, as an owner rewriting history would."""
    previous = GENESIS_HASH
    for number, event in enumerate(AuditEvent.objects.order_by("sequence"), start=1):
        event.sequence, event.previous_hash = number, previous
        if drop_key_id:
            event.key_id = ""
        event.hash = seal(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            sequence=event.sequence, previous_hash=event.previous_hash, hash=event.hash, key_id=event.key_id
        )
        previous = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_sequence=AuditEvent.objects.count(), last_hash=previous)


def change_the_decision():
    AuditEvent.objects.filter(sequence=2).update(changes={"decision": "no_further_action"})


def delete_the_decision():
    AuditEvent.objects.filter(sequence=2).delete()


class replica_role:
    """`SET session_replication_role = replica`: ordinary triggers do not fire for this session."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET session_replication_role = replica")

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


BYPASSES = [pytest.param(tampering, id="triggers disabled or dropped")]
if connection.vendor == "postgresql":
    BYPASSES.append(pytest.param(replica_role, id="session_replication_role=replica"))


# --- an owner past the triggers, without the key --------------------------------------------


@pytest.mark.parametrize("bypass", BYPASSES)
@pytest.mark.parametrize("change", [change_the_decision, delete_the_decision], ids=["changed", "deleted"])
@pytest.mark.parametrize("drop_key_id", [False, True], ids=["key id kept", "key id removed"])
def test_a_rewritten_chain_resealed_without_the_key_is_found(chain, bypass, change, drop_key_id):
    with bypass():
        change()
        rewrite_chain(unkeyed_seal, drop_key_id=drop_key_id)
    _, problems = verify_fails()
    # The chain links and the head agree again; every seal, made without the key, does not.
    assert "does not link" not in problems and "chain head" not in problems
    expected = "sealed without a key" if drop_key_id else "its content does not match its seal"
    assert all(expected in line for line in problems.splitlines()), problems
    assert f"event 1: {expected}" in problems


@pytest.mark.parametrize("bypass", BYPASSES)
def test_the_same_rewrite_with_the_key_passes_so_the_key_is_what_protects(chain, bypass):
    """The control for the test above: the rewrite itself is competent; only the key is missing."""
    with bypass():
        change_the_decision()
        rewrite_chain(lambda event: event.compute_hash())
    verify()


# --- anchors outside the database ---------------------------------------------------------------


def anchor() -> str:
    out = StringIO()
    call_command("audit_anchor", stdout=out)
    return out.getvalue()


def test_audit_anchor_appends_the_head_to_a_file_outside_the_database(chain, anchor_file):
    assert "Anchored event 4" in anchor()
    audit_record(actor=None, action="later")
    anchor()
    anchors, bad = anchors_read()
    assert bad == []
    assert [(a.sequence, a.hash) for a in anchors] == [(4, chain[-1].hash), (5, AuditEvent.objects.get(sequence=5).hash)]
    assert anchors[0].event_id == chain[-1].pk and anchors[0].key_id == current_audit_key_id()
    assert len(anchor_file.read_text().splitlines()) == 2  # appended, one line each
    assert "2 anchor(s)" in verify()


def test_events_cut_off_the_end_before_an_anchor_are_found(chain):
    anchor()
    with tampering():
        # No key is needed for this: the remaining events keep their valid seals.
        AuditEvent.objects.filter(sequence__gte=3).delete()
        AuditChainHead.objects.filter(pk=1).update(last_sequence=2, last_hash=chain[1].hash)
    _, problems = verify_fails()
    assert "event 4: is missing, but the anchor of" in problems
    assert "the last event now is 2" in problems


def test_without_an_anchor_the_same_cut_goes_unseen(chain):
    """Why anchors are needed: the cut-down chain is valid on its own."""
    with tampering():
        AuditEvent.objects.filter(sequence__gte=3).delete()
        AuditChainHead.objects.filter(pk=1).update(last_sequence=2, last_hash=chain[1].hash)
    assert "intact" in verify()


def test_history_rewritten_before_an_anchor_is_found_even_by_someone_holding_the_key(chain):
    anchor()
    with tampering():
        change_the_decision()
        rewrite_chain(lambda event: event.compute_hash())
    _, problems = verify_fails()
    assert "event 4: does not match the anchor of" in problems


def test_audit_anchor_refuses_to_anchor_a_broken_chain(chain, anchor_file):
    with tampering():
        change_the_decision()
    with pytest.raises(CommandError, match="Not anchored"):
        call_command("audit_anchor", stdout=StringIO(), stderr=StringIO())
    assert not anchor_file.exists()


def test_audit_anchor_if_due_anchors_once_a_day(chain, anchor_file):
    from audit.tasks import anchor_audit_chain

    out = StringIO()
    call_command("audit_anchor", "--if-due", stdout=out)
    assert "Anchored" in out.getvalue()
    assert "nothing to do" in anchor_audit_chain.call()
    assert len(anchors_read()[0]) == 1


def test_a_damaged_anchor_file_is_reported(chain, anchor_file):
    anchor()
    with anchor_file.open("a") as handle:
        handle.write("not json\n")
    _, problems = verify_fails()
    assert "is not an anchor" in problems


def test_an_empty_trail_can_be_anchored_and_verified(anchor_file):
    anchor()
    assert anchors_read()[0][0].sequence == 0
    audit_record(actor=None, action="first")
    assert "intact" in verify()


# --- keys -------------------------------------------------------------------------------------


def test_keys_rotate_old_events_still_verify_with_their_own_key(chain, settings):
    settings.AUDIT_HMAC_KEYS = {**settings.AUDIT_HMAC_KEYS, "2027-01": "the next key, held outside the database too"}
    settings.AUDIT_HMAC_KEY_ID = "2027-01"
    later = audit_record(actor=None, action="after rotation")
    assert later.key_id == "2027-01" and chain[0].key_id != "2027-01"
    assert "intact: 5 events" in verify()
    # A key removed (or a forged key id) is reported, not silently accepted.
    settings.AUDIT_HMAC_KEYS = {"2027-01": "the next key, held outside the database too"}
    _, problems = verify_fails()
    assert f"sealed with key {chain[0].key_id!r}, which is not in AUDIT_HMAC_KEYS" in problems


def test_a_seal_depends_on_the_key(chain, settings):
    settings.AUDIT_HMAC_KEYS = {current_audit_key_id(): "a different secret altogether, same key id"}
    _, problems = verify_fails()
    assert "event 1: its content does not match its seal" in problems


# --- the database refuses ---------------------------------------------------------------------------


@postgres_only
@pytest.mark.parametrize("statement", ["TRUNCATE audit_auditevent", "TRUNCATE accounts_user CASCADE"])
def test_postgresql_refuses_truncate(chain, statement):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts are checked first, as at a commit
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 4


@sqlite_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'changed' WHERE sequence = 2",
        "DELETE FROM audit_auditevent WHERE sequence = 2",
        "DELETE FROM audit_auditevent",
    ],
)
def test_sqlite_refuses_update_and_delete(chain, statement):
    verb = statement.split()[0]
    with pytest.raises(DatabaseError, match=f"append-only: {verb} refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 4
    verify()


@sqlite_only
def test_sqlite_refuses_the_orm_too(chain):
    for attempt in (lambda: AuditEvent.objects.filter(sequence=2).update(action="x"), lambda: AuditEvent.objects.all().delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()


def test_manage_flush_is_refused_outside_the_test_settings(chain, settings):
    settings.AUDIT_ALLOW_FLUSH = False
    with pytest.raises(CommandError), transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_the_test_runners_flush_still_empties_the_trail_and_leaves_the_triggers():
    """A transactional test's events are flushed at its end (that teardown would fail otherwise); the triggers stay."""
    audit_record(actor=None, action="committed for real")
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    event = audit_record(actor=None, action="again")
    assert event.sequence == 1 or AuditChainHead.objects.get(pk=1).last_sequence == event.sequence
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")


# --- upgrading a trail sealed without a key ---------------------------------------------------------


def _legacy_chain(user, *, broken=False):
    """Events as they were written before keyed seals: key id empty, plain SHA-256."""
    previous = GENESIS_HASH
    with tampering():
        AuditEvent.objects.all().delete()
        for n, action in enumerate(["sign_in", "viewed", "sign_out"], start=1):
            event = AuditEvent(
                sequence=n,
                at=user.date_joined,
                actor=user,
                actor_name=user.username,
                action=action,
                previous_hash=previous,
                key_id="",
            )
            payload = event.payload()
            del payload["key_id"]
            event.hash = hashlib.sha256(
                json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
            ).hexdigest()
            event.save()
            previous = event.hash
        AuditChainHead.objects.update_or_create(pk=1, defaults={"last_sequence": 3, "last_hash": previous})
        if broken:
            AuditEvent.objects.filter(sequence=2).update(action="altered before the upgrade")


def _run_migration_0004():
    """As `migrate` runs it: before migration 0005's triggers (so past them here), with the model as it is now."""
    migration = importlib.import_module("audit.migrations.0004_seal_with_a_key")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    with tampering():
        migration.seal_with_a_key(django_apps, editor)


def test_the_upgrade_seals_an_intact_unkeyed_trail_with_the_key():
    user = UserFactory()
    _legacy_chain(user)
    _, problems = verify_fails()
    assert "sealed without a key" in problems
    _run_migration_0004()
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {current_audit_key_id()}
    assert "intact: 3 events" in verify()


def test_the_upgrade_leaves_a_broken_unkeyed_trail_as_it_is_for_verify_to_report(capsys):
    user = UserFactory()
    _legacy_chain(user, broken=True)
    _run_migration_0004()
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {""}
    assert "already broken" in capsys.readouterr().out
    verify_fails()


# --- production needs a key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "key_id", "message"),
    [
        (None, None, "Set AUDIT_HMAC_KEYS"),
        ('{"2026-12": "short"}', None, "at least 32 characters"),
        ('{"development": "insecure-development-audit-key-not-for-production"}', None, "at least 32 characters"),
        (
            '{"2026-12": "a-test-audit-key-of-more-than-thirty-two-characters"}',
            "2025-01",
            "AUDIT_HMAC_KEY_ID must name one of the keys",
        ),
        ("not json", None, "AUDIT_HMAC_KEYS must be a JSON object"),
    ],
)
def test_production_refuses_to_start_without_a_proper_audit_key(keys, key_id, message):
    from core.tests.test_pages import _production_check

    result = _production_check(AUDIT_HMAC_KEYS=keys, AUDIT_HMAC_KEY_ID=key_id)
    assert result.returncode != 0
    assert message in result.stderr
