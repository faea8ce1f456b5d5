"""Fixtures for the browser tests: one Chromium per session, a fresh context per page, axe and sign-in helpers.

Playwright drives the system's Chromium (Debian package `chromium`); set
CHROMIUM_PATH to use another binary. Playwright's own browser download is not
used (it does not work offline).
"""

import os
import time

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# WCAG 2.2 AA and everything below it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM_PATH):
        pytest.skip(f"No Chromium at {CHROMIUM_PATH}; set CHROMIUM_PATH")
    # Playwright's sync API runs an event loop in this thread, so Django refuses the
    # tests' own database calls (SynchronousOnlyOperation) unless told they are safe:
    # they are, the live server runs in another thread. Set only once a browser test runs.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser):
    """Make pages in separate browser contexts (separate cookies: one per person); all closed at the end."""
    contexts = []
    axe_script = _axe_script()

    def _new_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(script=axe_script)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def _axe_script() -> str:
    # axe-core as bundled by axe-playwright-python.
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def check_axe(page, label: str = "") -> None:
    """Run axe (WCAG 2.2 AA) on the page as it is now; fail listing every violation.

    Pages from `new_page` have axe loaded by an init script (cheaper than sending
    the script again for every check); any other page gets it injected here.
    """
    if not page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(_axe_script())
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    response = page.evaluate("options => window.axe.run(document, options)", options)
    violations = response["violations"]
    if violations:
        lines = []
        for violation in violations:
            targets = ", ".join(
                " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                for node in violation["nodes"]
            )
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
        pytest.fail(f"axe found {len(violations)} violation(s) on {label or page.url}:\n" + "\n".join(lines), pytrace=False)


def totp_code(user) -> str:
    """The code the person's authenticator app shows now; the next time step's if this one was used already.

    The site refuses a code used before (django-otp records the last time step)
    and accepts one step of clock drift, so a second sign-in within 30 seconds
    uses the next step's code, as a slightly fast phone would show.
    """
    from django_otp.oath import TOTP, hotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for _ in range(70):
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
        for t in range(now, now + device.tolerance + 1):
            if t > device.last_t:
                return f"{hotp(device.bin_key, t, digits=device.digits):0{device.digits}d}"
        time.sleep(1)
    raise AssertionError(f"no unused TOTP code for {user}")


def sign_in(page, live_server, user, *, axe: bool = False) -> None:
    """Sign in through the real pages: username and password, then the TOTP code."""
    from organisation.tests.factories import PASSWORD

    page.goto(f"{live_server.url}/sign-in/")
    if axe:
        check_axe(page, "the sign-in page")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/code/")
    if axe:
        check_axe(page, "the security code page")
    page.get_by_label("Security code").fill(totp_code(user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/sign-in" not in page.url, f"still on {page.url} after entering the code"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")
