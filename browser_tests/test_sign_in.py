"""Signing in with a password and a TOTP code, and signing out, in a real browser; each page axe-clean."""

import re

import pytest
from playwright.sync_api import expect

from organisation.choices import Role

from .conftest import check_axe, sign_in, sign_out, totp_code

pytestmark = pytest.mark.browser


def test_sign_in_with_password_and_code_then_sign_out(live_server, page, org):
    manager = org.people[Role.LOCAL_MANAGER]

    sign_in(page, live_server, manager, axe=True)

    assert page.url == f"{live_server.url}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs your action")
    expect(page.get_by_test_id("signed-in-user")).to_have_text(manager.get_full_name())
    check_axe(page, "the home page")

    sign_out(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_test_id("signed-in-user")).to_have_count(0)
    check_axe(page, "the sign-in page after signing out")

    # Signed out means signed out: the home page sends the person back to sign in.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))


def test_a_wrong_code_shows_the_error_summary(live_server, page, org):
    from organisation.tests.factories import PASSWORD

    manager = org.people[Role.LOCAL_MANAGER]
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/code/")

    right = totp_code(manager)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    page.get_by_label("Security code").fill(wrong)
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name=re.compile("security code is not right"))).to_be_visible()
    # The same message beside the field, and the field marked in error.
    expect(page.locator(".govuk-form-group--error .govuk-error-message")).to_contain_text("The security code is not right")
    expect(page.get_by_label("Security code")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title(re.compile(r"^Error: |\(error\)"))
    expect(page).to_have_url(re.compile(r"/sign-in/code/$"))
    check_axe(page, "the security code page with an error")

    # Still not signed in.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))


def test_a_wrong_password_shows_the_error_summary(live_server, page, org):
    manager = org.people[Role.LOCAL_MANAGER]
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Continue").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    check_axe(page, "the sign-in page with an error")
