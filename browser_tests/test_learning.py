"""Learning through the browser, each person in their own browser context, every page checked with axe.

The Assistant Director carries the learning of a signed-off CR1 into the
Learning Portal; the L&D lead, who owns its cascade action, agrees the cascade
and sends a knowledge alert to all staff; a practitioner acknowledges it from
their home page; the Operational AD records an AQR check that finds the learning
embedded, and the item is verified in practice.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.choices import Stage
from incidents.tests.factories import incident_at
from learning.choices import Rung
from learning.models import LearningItem
from learning.tests.test_cascade_world import HEADINGS
from organisation.choices import Role
from organisation.tests.factories import person

from .test_lifecycle import Person, expect_success, fill_date

pytestmark = pytest.mark.browser


def carry_learning(ad: Person, org):
    """The item's step (L1's pages): the AD carries the learning of a signed-off CR1 into the portal and publishes it."""
    incident = incident_at(org, Stage.ACTIONS)
    ad.visit(incident.get_absolute_url(), "the SIN whose CR1 is signed off")
    ad.click("link", "Carry the learning into the Learning Portal", "the carry form")
    ad.click("button", "Carry the learning into the portal", "the draft learning item")
    item = LearningItem.objects.order_by("-pk").first()
    ad.visit(f"/learning/{item.pk}/", "the draft learning item")
    # Publication through the item's service (its publish page's own journey is the item's browser test).
    from learning.models import Theme
    from learning.services import items

    items.learning_item_edit(
        actor=ad.user,
        item_id=item.pk,
        expected_version=item.version,
        data=items.ItemData(
            title="Checking findings before recommending contact",
            origin=item.origin,
            headings=dict(HEADINGS),
            service_area=org.area,
            responsible=ad.user,
            themes=[Theme.objects.get(code="voice-of-the-child")],
            covered_by_guidance=False,
        ),
    )
    item.refresh_from_db()
    items.learning_item_publish(
        actor=ad.user,
        item_id=item.pk,
        expected_version=item.version,
        confirm_no_identifiers=True,
        all_weaker_reason="Training and guidance reach every team first.",
    )
    item.refresh_from_db()
    return item


def test_learning_from_a_cr1_cascaded_acknowledged_and_verified_in_practice(live_server, new_page, org):
    today = timezone.localdate()
    practitioner_user = person(
        Role.PRACTITIONER, place=org.team, username="pat.practitioner", first_name="Pat", last_name="Okoro"
    )
    ad = Person(new_page, live_server, org.people[Role.ASSISTANT_DIRECTOR])
    lead = Person(new_page, live_server, org.people[Role.LEARNING_LEAD])
    practitioner = Person(new_page, live_server, practitioner_user)

    # --- 1. The AD carries the learning into the portal (its three actions are created, the cascade one the lead's).
    item = carry_learning(ad, org)
    assert item.rung == Rung.ACTIONS_AGREED

    # --- 2. The L&D lead agrees the cascade: the monthly cascade and a knowledge alert.
    page = lead.visit(f"/learning/{item.pk}/cascade/", "the item's cascade")
    expect(page.get_by_test_id("no-decision")).to_be_visible()
    page = lead.click("link", "Agree the cascade", "the cascade decision form")
    page = lead.click("button", "Agree the cascade", "the decision with no method")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one method of cascading the learning")
    page.get_by_label("The monthly cascade from OMT to SAM to team meeting").check()
    page.get_by_label("An all user 'knowledge alert'").check()
    page = lead.click("button", "Agree the cascade", "the cascade agreed")
    expect_success(page, "The cascade has been agreed.")
    expect(page.get_by_test_id("methods")).to_contain_text("An all user 'knowledge alert'")
    expect(page.get_by_test_id("reach")).to_contain_text("0 of 2 teams confirmed")

    page = lead.click("link", "Record the OMT", "the OMT form")
    fill_date(page, "Date of the OMT meeting", today)
    page = lead.click("button", "Record the OMT", "the OMT recorded")
    page = lead.click("link", "Send an all user alert", "the alert form")
    page.get_by_label("Title").fill("Read the finding before recommending contact")
    page.get_by_label("What the alert says").fill(
        "Before recommending contact, read any finding of fact and say how it shaped the plan."
    )
    page = lead.click("button", "Send the alert to all staff", "the alert sent")
    expect_success(page, "The alert has been sent to every member of staff.")
    expect(page.get_by_test_id("alert-knowledge_alert")).to_contain_text("acknowledged by 1 of")

    # --- 3. A practitioner finds it on their home page and acknowledges it.
    page = practitioner.visit("/", "the practitioner's home")
    table = page.locator("table", has=page.locator("caption", has_text="Alerts to acknowledge"))
    page = practitioner.click("link", re.compile(r"KA-\d+"), "the knowledge alert", scope=table)
    expect(page.get_by_test_id("alert-text")).to_contain_text("read any finding of fact")
    page = practitioner.click("button", "I have read and understood this alert", "the alert acknowledged")
    expect_success(page, "you have acknowledged the alert")
    expect(page.get_by_test_id("acknowledged")).to_be_visible()

    page = lead.visit(page.url.replace(live_server.url, ""), "the alert, as the lead sees it")
    expect(page.get_by_test_id("have-acknowledged")).to_contain_text("Pat Okoro")

    # --- The training and policy reviews are done: the ladder is climbed one rung at a time, so learning is
    # verified in practice only once its actions are done (their owners, through the action's service).
    from actions.choices import FINISHED_ACTION_STATUSES, ActionStatus
    from actions.services import action_update

    for action in item.actions.exclude(status__in=FINISHED_ACTION_STATUSES):
        action_update(
            actor=action.owner,
            action_id=action.pk,
            expected_version=action.version,
            status=ActionStatus.DONE,
            evidence="Training material and guidance updated.",
        )

    # --- 4. The Operational AD records an AQR check that finds the learning embedded.
    record_aqr_check(ad, item, today)


def record_aqr_check(ad: Person, item, today):
    """The Operational AD records an AQR check: refused without evidence, then the item is verified in practice."""
    page = ad.visit(f"/learning/{item.pk}/checks/", "the item's checks")
    page = ad.click("link", "Record a check", "the check form")
    page.get_by_label("AQRs", exact=True).check()
    fill_date(page, "Date of the check", today)
    page.get_by_label("Embedded", exact=True).check()
    page = ad.click("button", "Record the check", "the check without evidence")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the evidence for the finding")
    expect(page.get_by_label("Embedded", exact=True)).to_be_checked()
    page.get_by_label("Evidence", exact=True).fill(
        "Eight of the ten cases audited recorded the finding and how it shaped the plan."
    )
    page = ad.click("button", "Record the check", "the check recorded")
    expect_success(page, "The check has been recorded.")
    expect(page.get_by_test_id("rung")).to_have_text("Verified in practice")
    expect(page.get_by_test_id("rechecks")).to_contain_text("not yet done")

    page = ad.visit("/learning/agenda/?forum=performance_board", "the Performance Board's agenda")
    expect(page.get_by_test_id("agenda")).to_contain_text("Checking findings before recommending contact")
    page = ad.visit("/learning/checks/due/", "what is due in the AD's area")
