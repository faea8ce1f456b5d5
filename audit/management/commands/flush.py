"""`manage.py flush`, which the audit table's triggers refuse unless settings.AUDIT_ALLOW_FLUSH.

The database refuses to empty the audit trail (migrations 0002 and 0005), so
Django's flush fails, as it should on a real database. The test runner empties
the database with flush between transactional tests: under the test settings
(AUDIT_ALLOW_FLUSH), this flush turns the table's triggers off for its own
transaction and on again, which needs the table's owner, as removing the
triggers would.
"""

from django.conf import settings
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

TABLE = "audit_auditevent"
POSTGRES_TRIGGERS = ("audit_event_append_only", "audit_event_no_truncate")


class Command(flush.Command):
    def handle(self, **options):
        if not settings.AUDIT_ALLOW_FLUSH:
            return super().handle(**options)
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for trigger in POSTGRES_TRIGGERS:
                    cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {trigger}")
                super().handle(**options)
                for trigger in POSTGRES_TRIGGERS:
                    cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {trigger}")
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
                triggers = cursor.fetchall()
                for name, _ in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
                super().handle(**options)
                for _, sql in triggers:
                    cursor.execute(sql)
            else:
                super().handle(**options)
