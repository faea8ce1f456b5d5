"""Background work for documents, run by `manage.py db_worker`."""

from django_tasks import task


@task()
def rescan_attachment(attachment_id: int, attempt: int) -> str:
    """Scan a file held unscanned again; queued when it was held, and again while the scanner is still down."""
    from .services import attachment_rescan

    return attachment_rescan(attachment_id=attachment_id, attempt=attempt)
