import pytest

from alerts.mail_sink import MailSink


@pytest.fixture
def smtp(settings):
    """A real SMTP server for the test; the settings point Django's SMTP backend at it."""
    sink = MailSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


def run_worker() -> None:
    """Run every queued task that is due with the real worker (`manage.py db_worker --batch`).

    The worker closes stale connections between tasks, which would close the
    test's own connection inside its transaction; in tests that check is off.
    """
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
