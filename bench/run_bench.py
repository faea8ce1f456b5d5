"""Benchmark: list, detail, create and home pages with 20,000 incidents.

Loads a separate SQLite database (var/bench.sqlite3) with N incidents of about
three timeline entries each, serves the app with gunicorn (DEBUG off), signs
in as a local manager (who sees all N, the worst case) and as a Core CMT
member, and reports median and p95 latency per page, plus the number of
database queries each page makes (measured in-process with the test client).

Run with `make bench`; not part of `make test`. Numbers go in docs/performance.md.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench.sqlite3"
N = int(os.environ.get("BENCH_INCIDENTS", "20000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402


def load():
    from incidents.choices import Stage, Step
    from incidents.models import Criterion, Incident, IncidentEvent
    from organisation.choices import Role
    from organisation.tests.factories import Org

    DB.parent.mkdir(exist_ok=True)
    if DB.exists():
        DB.unlink()
    call_command("migrate", verbosity=0)
    org = Org()
    manager = org.people[Role.LOCAL_MANAGER]
    criterion = Criterion.objects.get(code="child_seriously_harmed")
    now = timezone.now()
    stages = [Stage.WITH_AD, Stage.WITH_OD, Stage.CASE_REVIEW, Stage.FINAL_DECISION, Stage.ACTIONS, Stage.CLOSED]
    batch = 2000
    with transaction.atomic():
        for start in range(0, N, batch):
            incidents = []
            for i in range(start, min(start + batch, N)):
                stage = stages[i % len(stages)]
                notified = stage not in (Stage.WITH_AD, Stage.WITH_OD)
                incidents.append(
                    Incident(
                        reference=f"SIN-2026-{i + 1:05d}",
                        stage=stage,
                        team=org.team,
                        service_area=org.area,
                        region=org.region,
                        author=manager,
                        title=f"Benchmark incident {i + 1}",
                        children="A, 7",
                        case_reference=f"BEN{i:06d}",
                        what_happened="Fictional benchmark text.",
                        submitted_at=now,
                        notified_at=now if notified else None,
                        review_commissioned_at=now if notified else None,
                    )
                )
            created = Incident.objects.bulk_create(incidents)
            Incident.criteria.through.objects.bulk_create(
                [Incident.criteria.through(incident_id=inc.pk, criterion_id=criterion.pk) for inc in created]
            )
            events = []
            for inc in created:
                events.append(IncidentEvent(incident=inc, step=Step.CREATE, actor=manager, to_stage=Stage.DRAFT))
                events.append(
                    IncidentEvent(incident=inc, step=Step.SUBMIT, actor=manager, from_stage=Stage.DRAFT, to_stage=Stage.WITH_AD)
                )
                events.append(
                    IncidentEvent(
                        incident=inc,
                        step=Step.AD_ANALYSE,
                        actor=org.people[Role.ASSISTANT_DIRECTOR],
                        from_stage=Stage.WITH_AD,
                        to_stage=Stage.WITH_OD,
                        text="Analysis.",
                        proposal="meets_share",
                    )
                )
            IncidentEvent.objects.bulk_create(events)
    return org


def session_cookie(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def _opener(cookie: str):
    import http.cookiejar
    import urllib.request

    jar = http.cookiejar.CookieJar()
    jar.set_cookie(
        http.cookiejar.Cookie(
            0, "sessionid", cookie, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {}
        )
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect()), jar


def _fetch(opener, url: str, data: bytes | None = None, headers=None) -> int:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{url}", data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def measure(url: str, cookie: str, method: str = "GET", data=None) -> list[float]:
    import urllib.parse

    opener, jar = _opener(cookie)
    timings = []
    for _ in range(REQUESTS):
        if method == "GET":
            started = time.perf_counter()
            status = _fetch(opener, url)
        else:
            _fetch(opener, url)
            token = next(c.value for c in jar if c.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
            started = time.perf_counter()
            status = _fetch(opener, url, body, {"Referer": f"http://127.0.0.1:{PORT}{url}"})
        timings.append((time.perf_counter() - started) * 1000)
        if status != (200 if method == "GET" else 302):
            raise SystemExit(f"{method} {url} answered {status}")
    return timings


def queries(user, url: str) -> int:
    from conftest import sign_in

    client = sign_in(Client(), user)
    client.get(url)  # the first request of a session records its start; measure the steady state
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def main():
    from incidents.models import Incident
    from organisation.choices import Role

    started = time.perf_counter()
    org = load()
    load_seconds = time.perf_counter() - started
    detail = Incident.objects.filter(notified_at__isnull=False).order_by("-pk").first()
    people = {"local manager": org.people[Role.LOCAL_MANAGER], "CMT member": org.people[Role.CMT_MEMBER]}
    pages = {
        "list": "/incidents/",
        "list (page 50, filtered by stage)": "/incidents/?stage=case_review&page=50",
        "detail": f"/incidents/{detail.pk}/",
        "home": "/",
        "create (form)": "/incidents/new/",
    }
    env = {**os.environ, "DEBUG": "0"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/sign-in/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        for who, user in people.items():
            cookie = session_cookie(user)
            for name, url in pages.items():
                if name.startswith("create") and who != "local manager":
                    continue
                timings = measure(url, cookie)
                rows.append((who, name, statistics.median(timings), statistics.quantiles(timings, n=20)[18], queries(user, url)))
            if who == "local manager":
                day = timezone.localdate()
                form = {
                    "kind": "case",
                    "place": f"team:{org.team.pk}",
                    "title": "Bench draft",
                    "version": "",
                    "incident_date_0": day.day,
                    "incident_date_1": day.month,
                    "incident_date_2": day.year,
                    "save": "Save draft",
                }
                timings = measure("/incidents/new/", cookie, method="POST", data=form)
                rows.append(
                    (who, "create (save draft)", statistics.median(timings), statistics.quantiles(timings, n=20)[18], None)
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"\n{N} incidents, {N * 3} timeline entries loaded in {load_seconds:.1f} s; {REQUESTS} requests per page; gunicorn, 2 workers, DEBUG off, SQLite\n"
    )
    print("| signed in as | page | median ms | p95 ms | queries |")
    print("|---|---|---|---|---|")
    for who, name, median, p95, count in rows:
        print(f"| {who} | {name} | {median:.0f} | {p95:.0f} | {count if count is not None else '-'} |")


if __name__ == "__main__":
    main()
