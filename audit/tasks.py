"""Background work of the audit trail, run by `manage.py db_worker`."""

from django_tasks import task


@task()
def anchor_audit_chain() -> str:
    """Anchor the chain head outside the database, once a day (queued by `manage.py alerts_scheduler`)."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("audit_anchor", "--if-due", stdout=out)
    return out.getvalue().strip()
