"""Benchmark: time from an OD sign-off's commit to its Core CMT email being accepted by the SMTP server.

With the real worker (`manage.py db_worker`) running in its own process and a
real SMTP server (aiosmtpd), signs off BENCH_ALERTS incidents one after another
and reports the median and p95 of commit-to-acceptance for the Core CMT
member's email. Run with `make bench`.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench_alerts.sqlite3"
ALERTS = int(os.environ.get("BENCH_ALERTS", "200"))
INTERVAL = os.environ.get("BENCH_WORKER_INTERVAL", "0.1")
# Seconds between sign-offs: far more often than real sign-offs happen, but with room for the 4 emails each causes.
PACE = float(os.environ.get("BENCH_PACE", "0.5"))

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
sys.path.insert(0, str(ROOT))


def _start_timed_server(sink, arrivals: dict[str, float]) -> None:
    """Start the real SMTP server (aiosmtpd) on the sink's port, noting when each email (by subject and recipients) is accepted."""
    from aiosmtpd.controller import Controller

    from alerts.mail_sink import _Handler

    class TimedHandler(_Handler):
        async def handle_DATA(self, server, session, envelope):
            arrivals_key = (
                envelope.content.split(b"Subject: ", 1)[1].split(b"\r\n", 1)[0].decode() + "|" + ",".join(envelope.rcpt_tos)
            )
            arrivals[arrivals_key] = time.time()
            return "250 Message accepted for delivery"

    sink.controller = Controller(TimedHandler(sink), hostname="127.0.0.1", port=sink.port)
    sink.controller.start()


def _fresh_database_with_incidents():
    """A new SQLite database with an organisation and ALERTS incidents waiting for the OD's sign-off."""
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from alerts.models import EmailDelivery
    from incidents.choices import Stage
    from incidents.tests.factories import incident_at
    from organisation.tests.factories import Org

    DB.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    org = Org()
    incidents = [incident_at(org, Stage.WITH_OD) for _ in range(ALERTS)]
    # The alerts of the steps that led here are not measured: drop them.
    DBTaskResult.objects.all().delete()
    EmailDelivery.objects.all().delete()
    connection.close()
    return org, incidents


def _sign_off_all(org, incidents, arrivals: dict[str, float]) -> dict[str, float]:
    """Sign each incident off at PACE; when each committed, keyed as its Core CMT email will arrive. Waits up to 120 s."""
    from incidents import services
    from organisation.choices import Role

    od = org.people[Role.OPERATIONAL_DIRECTOR]
    cmt_email = org.people[Role.CMT_MEMBER].email
    committed: dict[str, float] = {}
    time.sleep(1.0)
    for incident in incidents:
        incident.refresh_from_db()
        services.incident_od_sign_off(actor=od, incident_id=incident.pk, expected_version=incident.version)
        committed[f"[{incident.reference}] Core CMT alert: initial stage|{cmt_email}"] = time.time()
        time.sleep(PACE)
    deadline = time.time() + 120
    while time.time() < deadline and not all(key in arrivals for key in committed):
        time.sleep(0.2)
    return committed


def _report(committed: dict[str, float], arrivals: dict[str, float]) -> None:
    latencies = [(arrivals[key] - committed[key]) * 1000 for key in committed if key in arrivals]
    missing = len(committed) - len(latencies)
    print(
        f"\n{len(committed)} sign-offs, one every {PACE} s (4 emails each); worker polling every {INTERVAL} s; SQLite; real SMTP server (aiosmtpd)"
    )
    print(
        f"commit to SMTP acceptance of the Core CMT email: median {statistics.median(latencies):.0f} ms, "
        f"p95 {statistics.quantiles(latencies, n=20)[18]:.0f} ms, max {max(latencies):.0f} ms; not delivered: {missing}"
    )
    if missing:
        raise SystemExit(1)


def main():
    from alerts.mail_sink import MailSink

    arrivals: dict[str, float] = {}
    sink = MailSink()
    os.environ["EMAIL_HOST"] = "127.0.0.1"
    os.environ["EMAIL_PORT"] = str(sink.port)

    import django

    django.setup()

    org, incidents = _fresh_database_with_incidents()
    _start_timed_server(sink, arrivals)
    env = {**os.environ}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", INTERVAL, "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        committed = _sign_off_all(org, incidents, arrivals)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        sink.stop()
    _report(committed, arrivals)


if __name__ == "__main__":
    main()
