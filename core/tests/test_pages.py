"""The layout, the home page, the error pages and the security headers every page carries."""

import os
import secrets
import string
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from conftest import sign_in
from core import views as core_views
from incidents import services
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def submitted_incident(org):
    """A case-related SIN written by the local manager and submitted: it now awaits the AD."""
    author = org.people[Role.LOCAL_MANAGER]
    data = services.FormData(
        criteria=["child_seriously_harmed"],
        values=dict(
            title="Fall at contact centre",
            children="A, 4",
            case_reference="ABC123",
            what_happened="x",
            cafcass_involvement="y",
            immediate_actions="z",
            incident_date=date(2026, 11, 2),
            aware_date=date(2026, 11, 3),
        ),
    )
    incident = services.incident_create(actor=author, team=org.team, data=data)
    return services.incident_submit(actor=author, incident_id=incident.pk, expected_version=incident.version)


class PageParser(HTMLParser):
    """Collects what the security checks look at: scripts, inline handlers, inline styles, links."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.inline_script_text: list[str] = []
        self.handlers: list[str] = []
        self.style_elements = 0
        self.nav_links: list[str] = []
        self._in_script_without_src = False
        self._in_nav = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
            self._in_script_without_src = not attrs.get("src")
        if tag == "style":
            self.style_elements += 1
        if tag == "nav":
            self._in_nav = True
        self.handlers.extend(f"<{tag} {name}>" for name in attrs if name.startswith("on"))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script_without_src = False
        if tag == "nav":
            self._in_nav = False

    def handle_data(self, data):
        if self._in_script_without_src and data.strip():
            self.inline_script_text.append(data.strip())
        if self._in_nav and data.strip():
            self.nav_links.append(data.strip())


def parse(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


# --- home ---------------------------------------------------------------------------


def test_home_lists_the_incident_awaiting_the_person(org, client):
    incident = submitted_incident(org)
    sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "What needs your action" in page
    assert "Incidents awaiting your action" in page
    assert incident.reference in page
    assert f'href="{incident.get_absolute_url()}"' in page
    assert "Add the Assistant Director&#x27;s analysis and proposal" in page
    assert "No incident is waiting for you." not in page


def test_home_says_so_when_nothing_awaits(org, client):
    incident = submitted_incident(org)
    # The author has handed it on; the AD of the other area never sees it.
    for person in (org.people[Role.LOCAL_MANAGER], org.other[Role.ASSISTANT_DIRECTOR]):
        sign_in(client, person)
        page = client.get("/").content.decode()
        assert "No incident is waiting for you." in page
        assert incident.reference not in page


def test_home_lists_a_draft_to_its_author(org, client):
    author = org.people[Role.LOCAL_MANAGER]
    draft = services.incident_create(
        actor=author, team=org.team, data=services.FormData(criteria=[], values={"title": "Half written"})
    )
    sign_in(client, author)
    page = client.get("/").content.decode()
    assert "Complete and submit the SIN form" in page
    assert draft.get_absolute_url() in page


# --- error pages -----------------------------------------------------------------------


@pytest.mark.parametrize("signed_in_as", [None, Role.LOCAL_MANAGER])
def test_unknown_address_shows_the_govuk_page_not_found(org, client, signed_in_as):
    if signed_in_as:
        sign_in(client, org.people[signed_in_as])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "govuk-template" in page
    assert "If you typed the web address, check it is correct." in page


def test_a_record_out_of_sight_is_page_not_found(org, client):
    incident = submitted_incident(org)
    sign_in(client, org.other[Role.LOCAL_MANAGER])
    response = client.get(incident.get_absolute_url())
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert incident.title not in page


def test_500_handler_renders_the_govuk_page():
    request = RequestFactory().get("/")
    response = core_views.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Nothing you saved before this page has been lost." in page


def test_an_error_in_a_page_shows_the_500_page_without_a_traceback(org, monkeypatch):
    def broken(user):
        raise RuntimeError("a secret detail of the failure")

    monkeypatch.setattr(core_views, "home_sections", broken)
    client = Client(raise_request_exception=False)
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    response = client.get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Traceback" not in page
    assert "a secret detail" not in page


def test_403_page_is_the_govuk_one(org, client):
    sign_in(client, org.people[Role.BOARD_MEMBER])
    response = client.get("/incidents/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot do this" in page
    assert "govuk-template" in page


def test_accessibility_statement_is_public(client):
    response = client.get("/accessibility/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Accessibility statement for Serious incident notifications" in page
    assert "WCAG" in page


def test_footer_links_to_the_accessibility_statement(client):
    page = client.get("/sign-in/").content.decode()
    assert 'href="/accessibility/"' in page


# --- security headers and the layout -----------------------------------------------------


@pytest.mark.parametrize("url", ["/sign-in/", "/accessibility/", "/no-such-page/", "/"])
def test_content_security_policy_allows_only_this_sites_scripts(org, client, url):
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["/", "/sign-in/", "/accessibility/", "/no-such-page/", "/incidents/", "/incidents/new/"])
def test_layout_has_no_inline_script(org, client, url):
    if url != "/sign-in/":
        sign_in(client, org.people[Role.LOCAL_MANAGER])
    parsed = parse(client.get(url))
    sources = [script.get("src") for script in parsed.scripts]
    assert sources, "the layout loads its scripts"
    assert all(sources), f"a <script> without src on {url}"
    assert parsed.inline_script_text == []
    assert parsed.handlers == [], f"inline event handlers on {url}: {parsed.handlers}"
    assert parsed.style_elements == 0
    assert all(src.startswith("/static/") for src in sources)


def test_inline_script_check_can_fail():
    class Fake:
        content = b'<html><body><script src="/static/a.js"></script><script>alert(1)</script><a onclick="x()">x</a></body></html>'

    parsed = parse(Fake())
    assert parsed.inline_script_text == ["alert(1)"]
    assert parsed.handlers == ["<a onclick>"]


PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://sin@db.example.org:5432/sin",
    "ALLOWED_HOSTS": "sin.example.org",
    "SITE_URL": "https://sin.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DEFAULT_FROM_EMAIL": "serious-incidents@example.org",
    "SERIOUS_INCIDENT_MAILBOX": "serious.incidents@example.org",
    "EMAIL_USE_TLS": "1",
    "AUDIT_HMAC_KEYS": '{"2026-12": "a-test-audit-key-of-more-than-thirty-two-characters"}',
    "CLAMD_SOCKET": "/run/clamav/clamd.ctl",
    "FIELD_ENCRYPTION_KEYS": '{"2026-12": "sh6gwkioPEA5t71sZ9MpImPK9c7ipU0NQsvykq8WHNM="}',
}


def test_manage_check_deploy_reports_no_issues():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(60)),
        **PRODUCTION_ENV,
    }
    env.pop("DEBUG", None)
    # `make test` sets it for the browser tests; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def _production_check(**overrides) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k" * 60,
        **PRODUCTION_ENV,
        **overrides,
    }
    for name in [name for name, value in env.items() if value is None]:
        env.pop(name)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_a_short_secret_key():
    result = _production_check(SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("missing", ["DATABASE_URL", "SITE_URL", "EMAIL_HOST", "SERIOUS_INCIDENT_MAILBOX"])
def test_production_refuses_to_start_on_the_laptop_defaults(missing):
    result = _production_check(**{missing: None})
    assert result.returncode != 0
    assert f"Set {missing} in the environment" in result.stderr


def test_production_does_not_run_on_sqlite():
    result = _production_check(DATABASE_URL="sqlite:////srv/sin/db.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


def test_production_links_in_emails_are_https():
    result = _production_check(SITE_URL="http://sin.example.org")
    assert result.returncode != 0
    assert "SITE_URL must be the https:// address" in result.stderr


# --- navigation by role ------------------------------------------------------------------


def nav_for(client, user) -> list[str]:
    sign_in(client, user)
    return parse(client.get("/")).nav_links


def test_navigation_offers_report_an_incident_to_a_local_manager(org, client):
    links = nav_for(client, org.people[Role.LOCAL_MANAGER])
    assert "Report an incident" in links
    assert "Incidents" in links
    assert "Briefings" not in links
    assert "Administration" not in links


def test_navigation_does_not_offer_report_an_incident_to_a_board_member(org, client):
    links = nav_for(client, org.people[Role.BOARD_MEMBER])
    assert "Report an incident" not in links
    assert "Incidents" not in links
    assert "Briefings" in links
    assert "Home" in links


def test_navigation_marks_the_current_page(org, client):
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    page = client.get("/incidents/").content.decode()
    assert 'href="/incidents/" aria-current="page"' in page


def test_report_an_incident_opens_the_form_each_writer_may_write(org, client):
    """A Head of Profession writes only non-case SINs: the navigation's link opens that form, not a refusal."""
    for role, caption in (
        (Role.HEAD_OF_PROFESSION, "Non-case serious incident"),
        (Role.LOCAL_MANAGER, "Case-related serious incident"),
        (Role.ASSISTANT_DIRECTOR, "Case-related serious incident"),
    ):
        sign_in(client, org.people[role])
        assert "Report an incident" in nav_for(client, org.people[role])
        response = client.get("/incidents/new/")
        assert response.status_code == 200, role
        assert caption in response.content.decode(), role


# --- an action given to someone who reads no incident ---------------------------------------


def test_a_learning_lead_sees_and_updates_the_action_they_own(org, client):
    from datetime import timedelta

    from django.utils import timezone

    from incidents.choices import ActionStatus

    incident = submitted_incident(org)
    incident = services.incident_ad_analyse(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="a",
        proposal="meets_share",
    )
    incident = services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    lead = org.people[Role.LEARNING_LEAD]
    action = services.action_add(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        action=services.RequestedAction("Write the training material", lead, timezone.localdate() + timedelta(days=30)),
    )
    sign_in(client, lead)
    home = client.get("/").content.decode()
    assert "Write the training material" in home
    assert f'href="/actions/{action.pk}/"' in home
    # The action, not the record: the incident stays out of sight.
    assert client.get(incident.get_absolute_url()).status_code == 404
    page = client.get(f"/actions/{action.pk}/")
    assert page.status_code == 200
    response = client.post(
        f"/actions/{action.pk}/",
        {
            "version": action.version,
            "status": ActionStatus.DONE,
            "evidence": "Published on the Learning Portal.",
        },
        follow=True,
    )
    assert response.redirect_chain == [("/", 302)]
    assert "The action has been updated." in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.evidence == "Published on the Learning Portal."
    assert "Write the training material" not in client.get("/").content.decode()
