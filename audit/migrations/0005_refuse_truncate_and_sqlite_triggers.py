"""The database refuses to change or remove audit events: UPDATE, DELETE and TRUNCATE.

On PostgreSQL, migration 0002's trigger refuses UPDATE and DELETE row by row;
this adds a statement trigger refusing TRUNCATE (also when another table's
TRUNCATE ... CASCADE reaches this one). On SQLite, triggers refuse UPDATE and
DELETE (SQLite has no TRUNCATE: its "DELETE FROM" fires them).

The test runner empties the database between transactional tests; it does so
through `manage.py flush`, which audit/management/commands/flush.py lets past
these triggers only under settings.AUDIT_ALLOW_FLUSH (the test settings).

On SQLite, a later migration that remakes the audit table (most field changes
do) drops its triggers: such a migration must create them again, as here
(the tests of audit/tests/test_tamper_evidence.py fail otherwise).
"""

from django.db import migrations

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""
POSTGRES_DROP = "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;"

SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, params=None)  # no parameters: "%" in the SQL is literal
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_seal_with_a_key")]
    operations = [migrations.RunPython(forwards, backwards)]
