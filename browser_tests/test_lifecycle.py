"""The whole life of a case-related SIN, through the browser, with each role in its own browser context.

Local manager drafts and submits; the Assistant Director analyses; the
Operational Director signs off (Core CMT alerted, CR1 commissioned); the CEO
shares a briefing with the Board, which a Board member reads; the NIS reviewer
writes and submits the CR1; the OD signs it off; the CEO records the final
decision; the AD adds an action for the local manager, who records it done with
evidence; the AD closes. Every page reached is checked with axe.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organisation.choices import Role

from .conftest import check_axe, sign_in, sign_out

pytestmark = pytest.mark.browser

CRITERION = (
    "A child has been seriously harmed and abuse or neglect is known or suspected (Child was/is subject to Cafcass application)"
)


class Person:
    """One person at their own browser (their own cookies), signed in through the real pages."""

    def __init__(self, new_page, live_server, user):
        self.user = user
        self.name = user.get_full_name()
        self.base = live_server.url
        self.page = new_page()
        sign_in(self.page, live_server, user)

    def visit(self, path: str, label: str = ""):
        self.page.goto(self.base + path)
        self.checked(label or path)
        return self.page

    def checked(self, label: str):
        """The page has loaded: it is axe-clean (WCAG 2.2 AA)."""
        self.page.wait_for_load_state()
        check_axe(self.page, f"{label} ({self.user.username})")
        return self.page

    def click(self, role: str, name, label: str = "", *, scope=None):
        """Click a link or button by its accessible name (exactly, or a compiled pattern)."""
        options = {"exact": True} if isinstance(name, str) else {}
        (scope or self.page).get_by_role(role, name=name, **options).click()
        return self.checked(label or str(name))

    def open_from_home(self, reference: str, section: str = "Incidents awaiting your action"):
        """From the home page, follow the incident's link in the given section."""
        self.visit("/", "home")
        table = self.page.locator("table", has=self.page.locator("caption", has_text=section))
        expect(table.get_by_role("link", name=reference, exact=True)).to_be_visible()
        return self.click("link", reference, f"{reference} from home", scope=table)


def fill_date(page, legend: str, value):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def expect_stage(page, stage: str):
    expect(page.get_by_test_id("current-stage")).to_contain_text(f"Stage: {stage}")


def expect_timeline(page, *steps: str):
    expect(page.get_by_test_id("timeline").locator("h3")).to_have_text(list(steps))


def expect_success(page, text: str):
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def test_case_related_sin_from_draft_to_closed(live_server, new_page, org):
    today = timezone.localdate()
    lm = Person(new_page, live_server, org.people[Role.LOCAL_MANAGER])
    ad = Person(new_page, live_server, org.people[Role.ASSISTANT_DIRECTOR])
    od = Person(new_page, live_server, org.people[Role.OPERATIONAL_DIRECTOR])
    ceo = Person(new_page, live_server, org.people[Role.CEO])
    nis = Person(new_page, live_server, org.people[Role.NIS_REVIEWER])
    board = Person(new_page, live_server, org.people[Role.BOARD_MEMBER])
    cmt = Person(new_page, live_server, org.people[Role.CMT_MEMBER])

    # --- 1. The local manager drafts the SIN, saves, then saves and submits it.
    page = lm.visit("/", "home")
    expect(page.get_by_test_id("nothing-awaits").first).to_have_text("No incident is waiting for you.")
    page = lm.click("link", "Report an incident", "the new incident form")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a serious incident")
    page.get_by_label("Team", exact=True).select_option(label=str(org.team))
    page.get_by_label(CRITERION, exact=True).check()
    page.get_by_label("Short title").fill("Serious harm to a child in a private law case")
    page.get_by_label("Child or children").fill("A.B., 7")
    page.get_by_label("Cafcass case reference").fill("NE26P00123")
    page.get_by_label("Court", exact=True).fill("Newcastle Family Court")
    fill_date(page, "Date of the incident", today - timedelta(days=10))
    fill_date(page, "Date Cafcass became aware", today - timedelta(days=9))
    page.get_by_label("What happened").fill("The child was admitted to hospital with injuries.")
    page.get_by_label("Cafcass's involvement").fill("Section 7 report in preparation.")
    page.get_by_label("Other agencies involved").fill("Children's social care; police.")
    page.get_by_label("Media or reputational risk").fill("None known.")
    page.get_by_label("Immediate actions taken").fill("Safeguarding referral made the same day.")
    page = lm.click("button", "Save draft", "the draft's detail page")

    expect_success(page, "Draft saved")
    expect_stage(page, "Draft")
    expect_timeline(page, "Draft started")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Serious harm to a child in a private law case")
    detail_path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/incidents/\d+/", detail_path), detail_path

    page = lm.click("link", "Edit the form", "the edit form")
    expect(page.get_by_label(CRITERION, exact=True)).to_be_checked()
    expect(page.get_by_label("Cafcass case reference")).to_have_value("NE26P00123")
    page = lm.click("button", "Save and submit", "the submitted incident")
    expect_success(page, "The incident has been submitted. Its reference is SIN-")
    expect_stage(page, "Awaiting Assistant Director analysis")
    expect_timeline(page, "Draft started", "Submitted to the Assistant Director")
    reference = re.search(r"SIN-\d{4}-\d{4}", page.get_by_role("heading", level=1).inner_text()).group(0)
    # The author may no longer edit it.
    expect(page.get_by_role("link", name="Edit the form")).to_have_count(0)

    page = lm.click("link", "Incidents", "the incident list")
    expect(page.get_by_role("link", name=reference, exact=True)).to_be_visible()
    page = lm.click("link", "Incidents I wrote", "the list of incidents I wrote")
    expect(page.get_by_test_id("result-count")).to_have_text("1 incident")

    # --- 2. The Assistant Director adds the analysis and proposal.
    page = ad.visit("/notifications/", "notifications")
    expect(page.get_by_text("awaits your analysis and proposal")).to_be_visible()
    page = ad.open_from_home(reference)
    expect_stage(page, "Awaiting Assistant Director analysis")
    page = ad.click("link", "Add your analysis and proposal", "the analysis form")
    page.get_by_label("Your analysis of the situation").fill("Serious harm with known abuse: meets criterion 3.")
    page.get_by_label("Meets the criteria: share with Core CMT").check()
    page = ad.click("button", "Send to the Operational Director", "the incident after analysis")
    expect_success(page, "Your analysis and proposal have been sent to the Operational Director.")
    expect_stage(page, "Awaiting Operational Director sign-off")
    expect_timeline(page, "Draft started", "Submitted to the Assistant Director", "Assistant Director analysis and proposal")
    expect(page.get_by_test_id("timeline")).to_contain_text("Proposal: Meets the criteria: share with Core CMT")

    # --- 3. The Operational Director signs off: Core CMT alerted, the CR1 commissioned.
    page = od.visit("/notifications/", "notifications")
    expect(page.get_by_text("awaits your sign-off")).to_be_visible()
    page = od.click("link", reference, "the incident from notifications")
    page = od.click("link", "Sign off and alert Core CMT", "the sign-off form")
    page.get_by_label("Comment").fill("Agreed. CMT to be alerted.")
    page = od.click("button", "Sign off and alert Core CMT", "the signed-off incident")
    expect_stage(page, "Case review (CR1) in progress")
    expect_timeline(
        page,
        "Draft started",
        "Submitted to the Assistant Director",
        "Assistant Director analysis and proposal",
        "Signed off by the Operational Director: Core CMT alerted, case review commissioned",
    )

    # --- 4. The CEO shares a briefing with the Board (the stage does not move).
    page = ceo.visit("/incidents/", "the incident list")
    page = ceo.click("link", reference, "the incident from the list")
    page = ceo.click("link", "Record a decision", "the decision form")
    page.get_by_label("Share with the Board").check()
    page.get_by_label("Rationale").fill("The Board should know of this serious harm.")
    page.get_by_label("Briefing title").fill("Serious harm to a child: briefing for the Board")
    page.get_by_label("Briefing to share").fill("A child known to Cafcass was seriously harmed. A case review is under way.")
    page = ceo.click("button", "Record the decision", "the incident after the decision")
    expect_stage(page, "Case review (CR1) in progress")
    expect(page.locator("table", has=page.locator("caption", has_text="CEO decisions"))).to_contain_text("Share with the Board")
    expect(page.get_by_test_id("timeline").locator("h3").last).to_have_text("CEO decision")

    # --- 5. A Board member reads the briefing, and only the briefing.
    page = board.visit("/", "home")
    expect(page.get_by_role("link", name=reference, exact=True)).to_be_visible()
    page = board.click("link", "Notifications (1 unread)", "notifications")
    expect(page.get_by_text("The CEO has shared a briefing with you")).to_be_visible()
    page = board.click("link", "Briefings", "the briefing list")
    page = board.click("link", "Serious harm to a child: briefing for the Board", "the briefing")
    expect(page.get_by_test_id("briefing-text")).to_have_text(
        "A child known to Cafcass was seriously harmed. A case review is under way."
    )
    expect(page.get_by_text("NE26P00123")).to_have_count(0)
    response = page.goto(live_server.url + detail_path)
    assert response.status in (403, 404), f"a Board member could read the incident record: {response.status}"
    board.checked("the refused incident record")

    # --- 6. The NIS reviewer writes and submits the CR1.
    page = nis.open_from_home(reference)
    page = nis.click("link", "Write the case review (CR1)", "the CR1 form")
    page.get_by_label("Case summary").fill("Private law case; child aged 7.")
    page.get_by_label("Chronology").fill("Day 1: referral. Day 9: Cafcass aware.")
    page.get_by_label("Analysis of practice").fill("Risk was identified but not escalated.")
    page.get_by_label("Findings").fill("Escalation was late.")
    page.get_by_label("Learning identified").fill("Escalate known risk within one working day.")
    page.get_by_label("Recommendations").fill("Refresh the escalation guidance.")
    page = nis.click("button", "Submit for sign-off", "the incident with the submitted CR1")
    expect_success(page, "submitted for sign-off")
    expect_stage(page, "Case review awaiting sign-off")
    expect(page.get_by_test_id("case-review")).to_contain_text("Escalation was late.")
    expect(page.get_by_test_id("timeline").locator("h3").last).to_have_text("Case review (CR1) submitted for sign-off")

    # --- 7. The Operational (Service) Director signs off the CR1.
    page = od.open_from_home(reference)
    page = od.click("link", "Sign off the case review and send it to Core CMT", "the CR1 sign-off form")
    page = od.click("button", "Sign off and send to Core CMT", "the incident with the CR1 signed off")
    expect_stage(page, "Awaiting the CEO's final decision")
    expect(page.get_by_test_id("timeline").locator("h3").last).to_have_text("Case review (CR1) signed off and sent to Core CMT")

    # Core CMT had both alerts: at the initial stage and with the signed-off CR1; they read the record.
    page = cmt.visit("/notifications/", "notifications")
    expect(page.get_by_text("Core CMT alert: initial stage")).to_have_count(1)
    expect(page.get_by_text("Core CMT alert: case review completed")).to_have_count(1)
    page = cmt.click("link", reference, "the incident from notifications", scope=page.locator("main li").first)
    expect_stage(page, "Awaiting the CEO's final decision")
    expect(page.get_by_test_id("case-review")).to_contain_text("Refresh the escalation guidance.")

    # --- 8. The CEO records the final decision.
    page = ceo.open_from_home(reference)
    page = ceo.click("link", "Record the final decision", "the final decision form")
    page.get_by_label("No onward sharing").check()
    page.get_by_label("Rationale").fill("The Board has been briefed already.")
    page.get_by_label("Final comments").fill("Learning to go to the Learning Portal.")
    page = ceo.click("button", "Record the final decision", "the incident after the final decision")
    expect_stage(page, "Actions under way")
    expect(page.get_by_test_id("timeline").locator("h3").last).to_have_text("CEO final comments and decision")

    # --- 9. The Assistant Director adds an action owned by the local manager.
    page = ad.open_from_home(reference)
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    page = ad.click("link", "Add an action", "the action form")
    page.get_by_label("Action", exact=True).fill("Share the escalation learning at the team meeting.")
    page.get_by_label("Owner").select_option(label=lm.name)
    fill_date(page, "Due date", today + timedelta(days=14))
    page = ad.click("button", "Add the action", "the incident with an action")
    expect_success(page, "The action has been added.")
    expect_stage(page, "Actions under way")
    actions = page.locator("table", has=page.locator("caption", has_text="Actions"))
    expect(actions).to_contain_text("Share the escalation learning at the team meeting.")
    expect(actions).to_contain_text(lm.name)
    expect(actions).to_contain_text("Not started")
    expect(page.locator(".govuk-warning-text")).to_contain_text("neither done nor carried")

    # --- 10. The local manager marks the action done, with evidence.
    page = lm.open_from_home(reference, section="Actions you own")
    page = lm.click("link", "Update action 1", "the action update form")
    page.get_by_label("Done", exact=True).check()
    page.get_by_label("Evidence of completion").fill("Discussed at the team meeting on Monday; notes filed.")
    page = lm.click("button", "Save the action", "the incident with the action done")
    expect_success(page, "The action has been updated.")
    expect_stage(page, "Actions under way")
    actions = page.locator("table", has=page.locator("caption", has_text="Actions"))
    expect(actions).to_contain_text("Done")
    expect(actions).to_contain_text("Evidence: Discussed at the team meeting on Monday; notes filed.")

    # --- 11. The Assistant Director closes the incident.
    page = ad.visit(detail_path, "the incident before closing")
    page = ad.click("link", "Close the incident", "the closing confirmation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the incident")
    page = ad.click("button", "Close the incident", "the closed incident")
    expect_stage(page, "Closed")
    expect_timeline(
        page,
        "Draft started",
        "Submitted to the Assistant Director",
        "Assistant Director analysis and proposal",
        "Signed off by the Operational Director: Core CMT alerted, case review commissioned",
        "CEO decision",
        "Case review (CR1) submitted for sign-off",
        "Case review (CR1) signed off and sent to Core CMT",
        "CEO final comments and decision",
        "Action added",
        "Action updated",
        "Closed",
    )
    expect(page.get_by_role("heading", name="What you can do")).to_have_count(0)
    page = ad.visit("/", "home after closing")
    expect(page.get_by_role("link", name=reference, exact=True)).to_have_count(0)

    sign_out(ad.page)
    check_axe(ad.page, "the sign-in page after signing out")


def test_submitting_without_a_criterion_shows_the_error_beside_the_field(live_server, new_page, org):
    today = timezone.localdate()
    lm = Person(new_page, live_server, org.people[Role.LOCAL_MANAGER])
    page = lm.visit("/incidents/new/", "the new incident form")
    page.get_by_label("Team", exact=True).select_option(label=str(org.team))
    page.get_by_label("Short title").fill("No criterion chosen")
    page.get_by_label("Child or children").fill("C.D., 4")
    page.get_by_label("Cafcass case reference").fill("NE26P00999")
    fill_date(page, "Date of the incident", today - timedelta(days=3))
    fill_date(page, "Date Cafcass became aware", today - timedelta(days=2))
    page.get_by_label("What happened").fill("Something happened.")
    page.get_by_label("Cafcass's involvement").fill("Allocated.")
    page.get_by_label("Immediate actions taken").fill("Referral made.")
    page = lm.click("button", "Save draft", "the draft")
    expect_stage(page, "Draft")
    page = lm.click("link", "Edit the form", "the edit form")
    page = lm.click("button", "Save and submit", "the edit form with an error")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link", name="Select at least one criterion")
    expect(link).to_be_visible()
    # The message sits beside the criteria checkboxes, inside their fieldset, which is marked in error.
    criteria = page.locator(".govuk-form-group--error", has=page.get_by_role("group", name=re.compile("Which criteria are met")))
    expect(criteria).to_have_count(1)
    expect(criteria.locator(".govuk-error-message")).to_contain_text("Select at least one criterion")
    expect(page.locator(".govuk-form-group--error")).to_have_count(1)
    expect(page).to_have_title(re.compile(r"\(error\)|^Error: "))
    # The error summary's link leads to the first criterion's checkbox.
    target = link.get_attribute("href")
    assert target and target.startswith("#"), target
    expect(page.locator(target)).to_have_attribute("name", "criteria")

    # Nothing was submitted: still a draft, with what was typed kept.
    page = lm.visit(re.sub(r"edit/$", "", re.sub(r"^https?://[^/]+", "", page.url)), "the draft after the error")
    expect_stage(page, "Draft")
    expect(page.get_by_text("NE26P00999")).to_be_visible()
