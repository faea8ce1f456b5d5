"""A non-case SIN pushed in by another system and completed in the browser; a "Chair only" briefing read by the Chair.

1. Health and Safety reporting pushes a non-case incident through the real
   intake endpoint (bearer token) without its dates or immediate actions; the
   Head of Profession it is routed to finds the draft, is told what is missing,
   completes it and submits it; Core CMT is alerted (Notification rows, and the
   CMT member's notifications page in the browser) and reads the record.
2. The CEO shares a briefing on a case-related SIN with the Chair only; the
   Chair reads the briefing and nothing else: no child details, and the record
   answers 404. A Board member does not get the Chair-only briefing.

Every page reached is checked with axe (WCAG 2.2 AA).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alerts.models import EmailDelivery, Notification
from incidents.choices import Audience, Kind, Stage
from incidents.models import Briefing, Incident
from incidents.tests.factories import case_form, incident_at
from intake.models import SourceSystem
from intake.services import source_token_issue
from organisation.choices import Role

from .conftest import check_axe
from .test_lifecycle import Person, expect_stage, expect_success, expect_timeline, fill_date

pytestmark = pytest.mark.browser

INTAKE_URL = "/api/intake/incidents/"
SOURCE = "Health and Safety reporting"
SOURCE_REFERENCE = "HS-2026-0415"
TITLE = "Fire alarm and evacuation at the Leeds office"
WHAT_HAPPENED = "A fire in the kitchen; the office was evacuated and two staff were treated for smoke inhalation."
WHO_IS_AFFECTED = "Two members of staff; the office is closed for a week."
IMMEDIATE_ACTIONS = "Staff moved to the Bradford office; occupational health referral offered."


def push_incident(playwright_instance, live_server, token: str, payload: dict) -> tuple[int, dict]:
    """POST the payload to the intake endpoint as the source system would: JSON with a bearer token."""
    api = playwright_instance.request.new_context(base_url=live_server.url)
    try:
        response = api.post(INTAKE_URL, data=payload, headers={"Authorization": f"Bearer {token}"})
        return response.status, response.json()
    finally:
        api.dispose()


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_head_of_profession_completes_a_pushed_in_non_case_incident_and_core_cmt_is_alerted(
    live_server, new_page, org, playwright_instance
):
    today = timezone.localdate()
    hop_user = org.people[Role.HEAD_OF_PROFESSION]
    cmt_user = org.people[Role.CMT_MEMBER]
    ceo_user = org.people[Role.CEO]
    source = SourceSystem.objects.create(name=SOURCE, function=org.function, author=hop_user)
    _, token = source_token_issue(actor=org.people[Role.ADMINISTRATOR], source_system=source)

    # --- 1. The source system pushes the incident in: no dates, no immediate actions yet.
    status, body = push_incident(
        playwright_instance,
        live_server,
        token,
        {
            "category": "health_safety",
            "source_reference": SOURCE_REFERENCE,
            "title": TITLE,
            "what_happened": WHAT_HAPPENED,
            "who_is_affected": WHO_IS_AFFECTED,
            "other_agencies": "West Yorkshire Fire and Rescue Service.",
        },
    )
    assert status == 201, body
    assert body["created"] is True and body["stage"] == Stage.DRAFT and body["reference"] is None, body
    incident = Incident.objects.get(pk=body["id"])
    detail_path = f"/incidents/{incident.pk}/"
    assert body["url"].endswith(detail_path), body
    assert (incident.kind, incident.stage, incident.author, incident.function) == (
        Kind.NON_CASE,
        Stage.DRAFT,
        hop_user,
        org.function,
    )
    assert incident.incident_date is None and incident.immediate_actions == ""
    # Only the Head of Profession is told, and asked to act; Core CMT hears nothing of a draft.
    assert list(Notification.objects.filter(incident=incident).values_list("recipient", "reason")) == [
        (hop_user.pk, Notification.Reason.ACT)
    ]

    # --- 2. The Head of Profession finds the draft: in their notifications and on their home page.
    hop = Person(new_page, live_server, hop_user)
    page = hop.visit("/notifications/", "notifications")
    expect(page.locator("main li").first).to_contain_text(
        f"{SOURCE} sent a non-case incident ({SOURCE_REFERENCE}): complete the SIN form and submit it."
    )
    draft = f"Draft {incident.pk}"
    page = hop.open_from_home(draft)
    assert path_of(page.url) == detail_path, page.url
    expect_stage(page, "Draft")
    expect(page.locator(".govuk-caption-l").first).to_have_text("Non-case serious incident")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{draft}: {TITLE}")
    received = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text="Received from"))
    expect(received.locator("dd")).to_have_text(f"{SOURCE} ({SOURCE_REFERENCE})")
    expect_timeline(page, "Draft started")

    # What the source sent is in the form; the dates and immediate actions are empty.
    page = hop.click("link", "Edit the form", "the edit form")
    expect(page.get_by_role("heading", level=1)).to_have_text("Serious incident notification form")
    expect(page.get_by_label("Health and safety", exact=True)).to_be_checked()
    expect(page.get_by_label("Short title")).to_have_value(TITLE)
    expect(page.get_by_label("What happened")).to_have_value(WHAT_HAPPENED)
    expect(page.get_by_label("Who and what is affected")).to_have_value(WHO_IS_AFFECTED)
    expect(page.get_by_role("group", name="Date of the incident").get_by_label("Day")).to_have_value("")
    expect(page.get_by_label("Immediate actions taken")).to_have_value("")
    # A non-case form asks nothing about a child or a case.
    expect(page.get_by_label("Child or children")).to_have_count(0)
    expect(page.get_by_label("Cafcass case reference")).to_have_count(0)

    # Submitting it as received says what is missing, beside each field; nothing is sent.
    page = hop.click("button", "Save and submit", "the edit form with errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    for message in ("Enter the date of the incident", "Enter the date Cafcass became aware", "Enter the immediate actions taken"):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator(".govuk-form-group--error")).to_have_count(3)
    incident.refresh_from_db()
    assert incident.stage == Stage.DRAFT and not incident.reference
    assert not Notification.objects.filter(recipient=cmt_user).exists()

    # --- 3. The Head of Profession completes the missing fields and submits: Core CMT is alerted.
    fill_date(page, "Date of the incident", today - timedelta(days=2))
    fill_date(page, "Date Cafcass became aware", today - timedelta(days=1))
    page.get_by_label("Immediate actions taken").fill(IMMEDIATE_ACTIONS)
    page = hop.click("button", "Save and submit", "the submitted incident")
    assert path_of(page.url) == detail_path, page.url
    expect_success(page, "The incident has been submitted. Its reference is SIN-NC-")
    expect_stage(page, "Notified to CMT: awaiting the CEO's decision")
    expect_timeline(page, "Draft started", "Submitted and Core CMT alerted")
    expect(page.get_by_role("link", name="Edit the form")).to_have_count(0)
    reference = re.search(r"SIN-NC-\d{4}-\d{4}", page.get_by_role("heading", level=1).inner_text()).group(0)
    assert reference == f"SIN-NC-{today.year}-0001"

    incident.refresh_from_db()
    assert (incident.stage, incident.reference) == (Stage.NOTIFIED, reference)
    assert incident.notified_at is not None and incident.submitted_at is not None
    assert (incident.incident_date, incident.aware_date) == (today - timedelta(days=2), today - timedelta(days=1))
    assert incident.immediate_actions == IMMEDIATE_ACTIONS
    # Exactly one Core CMT alert for the CMT member (and the CEO); none for the author who submitted it.
    alerts = Notification.objects.filter(incident=incident, reason=Notification.Reason.CMT_INITIAL)
    assert sorted(alerts.values_list("recipient", flat=True)) == sorted([cmt_user.pk, ceo_user.pk])
    cmt_alert = alerts.get(recipient=cmt_user)
    assert cmt_alert.message == f"Non-case serious incident {reference}: Core CMT alert."
    assert cmt_alert.read_at is None
    assert EmailDelivery.objects.filter(notification=cmt_alert, to_address=cmt_user.email).exists()

    # --- 4. The CMT member sees the alert in the app and reads the whole record.
    cmt = Person(new_page, live_server, cmt_user)
    page = cmt.visit("/", "home")
    page = cmt.click("link", "Notifications (1 unread)", "notifications")
    item = page.locator("main li", has=page.get_by_role("link", name=reference, exact=True))
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"{reference}: Non-case serious incident {reference}: Core CMT alert.")
    expect(item).to_contain_text("Core CMT alert: initial stage")
    expect(item.locator(".govuk-tag")).to_have_text("New")
    page = cmt.click("link", reference, "the incident from notifications", scope=item)
    assert path_of(page.url) == detail_path, page.url
    expect_stage(page, "Notified to CMT: awaiting the CEO's decision")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference}: {TITLE}")
    record = page.locator("dl.govuk-summary-list").first
    for text in (WHAT_HAPPENED, WHO_IS_AFFECTED, IMMEDIATE_ACTIONS, "Health and safety", f"{SOURCE} ({SOURCE_REFERENCE})"):
        expect(record).to_contain_text(text)
    expect(record).to_contain_text(f"{(today - timedelta(days=2)):%-d %B %Y}")
    # CMT reads; only the CEO decides.
    expect(page.get_by_role("heading", name="What you can do")).to_have_count(0)

    page = cmt.visit("/incidents/", "the incident list")
    expect(page.get_by_role("link", name=reference, exact=True)).to_be_visible()


CHILD = "J.K., 9"
CASE_REFERENCE = "LS26P00777"
COURT = "Leeds Family Court"
CASE_WHAT_HAPPENED = "The child was taken to hospital after an assault at home."
CASE_TITLE = "Assault at home during a private law case"
BRIEFING_TITLE = "Serious harm to a child: briefing for the Chair"
BRIEFING_TEXT = "A child known to Cafcass was seriously harmed. A case review has been commissioned."


def test_the_chair_reads_a_chair_only_briefing_and_nothing_of_the_record(live_server, new_page, org):
    chair_user = org.people[Role.CHAIR]
    board_user = org.people[Role.BOARD_MEMBER]
    incident = incident_at(
        org,
        Stage.CASE_REVIEW,
        data=case_form(
            title=CASE_TITLE,
            children=CHILD,
            case_reference=CASE_REFERENCE,
            court=COURT,
            what_happened=CASE_WHAT_HAPPENED,
        ),
    )
    reference = incident.reference
    detail_path = incident.get_absolute_url()

    # --- 1. The CEO shares a briefing with the Chair only.
    ceo = Person(new_page, live_server, org.people[Role.CEO])
    page = ceo.visit(detail_path, "the incident")
    expect(page.get_by_text(CHILD)).to_be_visible()
    page = ceo.click("link", "Record a decision", "the decision form")
    page.get_by_label("Share with the Chair only").check()
    page.get_by_label("Rationale").fill("The Chair should know; the Board will hear after the review.")
    page.get_by_label("Briefing title").fill(BRIEFING_TITLE)
    page.get_by_label("Briefing to share").fill(BRIEFING_TEXT)
    page = ceo.click("button", "Record the decision", "the incident after the decision")
    expect_stage(page, "Case review (CR1) in progress")
    decisions = page.locator("table", has=page.locator("caption", has_text="CEO decisions"))
    expect(decisions).to_contain_text("Share with the Chair only")

    briefing = Briefing.objects.get(incident=incident)
    assert (briefing.audience, briefing.title, briefing.text) == (Audience.CHAIR, BRIEFING_TITLE, BRIEFING_TEXT)
    # The Chair is told; no Board member is.
    told = Notification.objects.filter(incident=incident, reason=Notification.Reason.BRIEFING)
    assert list(told.values_list("recipient", flat=True)) == [chair_user.pk]
    assert told.get().message == f"The CEO has shared a briefing with you: {BRIEFING_TITLE}"
    assert told.get().link == briefing.get_absolute_url()
    assert not Notification.objects.filter(recipient=board_user).exists()

    # --- 2. The Chair finds the briefing from their home page and reads it.
    chair = Person(new_page, live_server, chair_user)
    page = chair.open_from_home(reference, section="Briefings shared with you")
    assert path_of(page.url) == briefing.get_absolute_url(), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(BRIEFING_TITLE)
    expect(page.get_by_test_id("briefing-text")).to_have_text(BRIEFING_TEXT)
    expect(page.locator(".govuk-caption-l")).to_contain_text(f"{reference}: shared with the chair only")
    main = page.locator("main")
    for detail in (CHILD, CASE_REFERENCE, COURT, CASE_WHAT_HAPPENED, CASE_TITLE):
        expect(main).not_to_contain_text(detail)

    page = chair.click("link", "Briefings", "the briefing list")
    expect(page.get_by_role("link", name=BRIEFING_TITLE, exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("The Chair only")
    # The Chair has no way into incident records.
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Briefings", exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Incidents", exact=True)).to_have_count(0)

    # --- 3. The record itself, and its documents, answer 404 for the Chair.
    response = page.goto(live_server.url + detail_path)
    assert response.status == 404, f"the Chair could open the incident record: {response.status}"
    chair.checked("the refused incident record")
    expect(page.locator("main")).not_to_contain_text(CHILD)
    for path in (f"/documents/incidents/{incident.pk}/pdf/", f"/documents/incidents/{incident.pk}/word/"):
        assert page.request.get(live_server.url + path).status == 404, f"the Chair could download {path}"

    # --- 4. The notification leads the Chair to the briefing, not to the record.
    page = chair.click("link", re.compile(r"^Notifications"), "notifications")
    item = page.locator("main li", has_text=f"The CEO has shared a briefing with you: {BRIEFING_TITLE}")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("A briefing shared with you")
    expect(item).not_to_contain_text(CASE_TITLE)
    page = chair.click("link", reference, "the briefing from notifications", scope=item)
    assert path_of(page.url) == briefing.get_absolute_url(), page.url
    expect(page.get_by_test_id("briefing-text")).to_have_text(BRIEFING_TEXT)

    # --- 5. A Board member does not get the Chair-only briefing.
    board = Person(new_page, live_server, board_user)
    page = board.visit("/incidents/briefings/", "the briefing list")
    expect(page.get_by_role("link", name=BRIEFING_TITLE)).to_have_count(0)
    expect(page.locator("main")).to_contain_text("No briefing has been shared with you.")
    response = page.goto(live_server.url + briefing.get_absolute_url())
    assert response.status == 404, f"a Board member could read the Chair-only briefing: {response.status}"
    check_axe(page, "the refused briefing (board member)")
