"""The alerts' admin pages: an administrator sees who was told, why, when and what became of it; never the words.

DESIGN.md, "Who may do what": an administrator does not read incident content by virtue of that role.
"""

import pytest

from alerts.models import AlertConfiguration, EmailDelivery, Notification, Reminder
from conftest import sign_in
from incidents import services
from incidents.choices import Decision, Stage
from incidents.models import Action
from incidents.tests.factories import case_form, incident_at, requested_action
from organisation.choices import Role
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db

CHILD = "Visit J.W. weekly"
TITLE = "Harm to J.W. at the contact centre"
BRIEFING_TITLE = "J.W.: what the Chair should know"


@pytest.fixture
def administrator():
    return person(Role.ADMINISTRATOR, username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def staff(client, administrator):
    return sign_in(client, administrator)


@pytest.fixture
def content(org):
    """An action naming a child, a briefing for the Chair only, an incident titled after the child; every email detailed."""
    config = AlertConfiguration.current()
    config.include_details = True
    config.save()
    incident = incident_at(org, Stage.ACTIONS, data=case_form(title=TITLE))
    services.action_add(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        action=requested_action(org.people[Role.LOCAL_MANAGER], description=CHILD),
    )
    other = incident_at(org, Stage.FINAL_DECISION, data=case_form(title=TITLE))
    services.incident_ceo_final_decide(
        actor=org.people[Role.CEO],
        incident_id=other.pk,
        expected_version=other.version,
        decision=Decision.SHARE_CHAIR,
        rationale="The Chair must know.",
        briefing_title=BRIEFING_TITLE,
        briefing_text="What happened.",
    )
    action = Action.objects.get(description=CHILD)
    reminder = Reminder(stage="action", due_date=action.due_date, kind=Reminder.Kind.DUE_SOON)
    reminder.set_about(action)
    reminder.save()
    incident.refresh_from_db()
    return incident


def _words_in(page: str) -> list[str]:
    return [words for words in (CHILD, TITLE, BRIEFING_TITLE, "You own a new action", "shared a briefing") if words in page]


def test_the_content_is_really_there_to_be_hidden(content):
    """Without this, the tests below would pass for want of anything to hide."""
    messages = " ".join(Notification.objects.values_list("message", flat=True))
    assert CHILD in messages and BRIEFING_TITLE in messages
    assert any(TITLE in body for body in EmailDelivery.objects.values_list("body_text", flat=True))


@pytest.mark.parametrize("model", [Notification, EmailDelivery, Reminder])
def test_lists_and_pages_show_no_content(staff, content, model):
    changelist = f"/admin/alerts/{model._meta.model_name}/"
    page = staff.get(changelist)
    assert page.status_code == 200
    text = page.content.decode()
    assert content.reference in text
    assert _words_in(text) == []
    for pk in model.objects.values_list("pk", flat=True):
        for view in ("change", "history"):
            response = staff.get(f"{changelist}{pk}/{view}/")
            assert response.status_code == 200, (view, pk)
            assert _words_in(response.content.decode()) == [], (view, pk)


def test_notification_page_says_who_why_and_when(staff, content, org):
    notification = Notification.objects.get(message__contains=CHILD)
    page = staff.get(f"/admin/alerts/notification/{notification.pk}/change/").content.decode()
    assert str(org.people[Role.LOCAL_MANAGER]) in page
    assert content.reference in page
    assert notification.get_reason_display() in page
    assert "Save" not in page  # viewed, never edited


def test_email_page_shows_status_attempts_and_error(staff, content):
    delivery = EmailDelivery.objects.filter(incident=content).first()
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.FAILED, attempts=3, last_error="SMTPRecipientsRefused: mailbox unavailable"
    )
    page = staff.get(f"/admin/alerts/emaildelivery/{delivery.pk}/change/").content.decode()
    for shown in (
        delivery.to_address,
        content.reference,
        "Failed: needs attention",
        "SMTPRecipientsRefused: mailbox unavailable",
    ):
        assert shown in page
    assert _words_in(page) == []


@pytest.mark.parametrize("model", [Notification, EmailDelivery])
@pytest.mark.parametrize("words", ["J.W.", "own a new action", "what the Chair should know", "contact centre"])
def test_content_is_not_searchable(staff, content, model, words):
    assert model.objects.count() > 0
    page = staff.get(f"/admin/alerts/{model._meta.model_name}/", {"q": words})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 0


def test_a_search_by_reference_or_address_still_finds(staff, content):
    page = staff.get("/admin/alerts/emaildelivery/", {"q": content.reference})
    # An action's alerts carry its SIN's reference too.
    assert page.context["cl"].result_count == EmailDelivery.objects.filter(reference=content.reference).count()
    assert (
        EmailDelivery.objects.filter(reference=content.reference).count() > EmailDelivery.objects.filter(incident=content).count()
    )
    page = staff.get("/admin/alerts/notification/", {"q": content.reference})
    assert page.context["cl"].result_count == Notification.objects.filter(reference=content.reference).count()


def test_a_failed_email_can_still_be_resent(staff, content):
    delivery = EmailDelivery.objects.filter(incident=content).first()
    EmailDelivery.objects.filter(pk=delivery.pk).update(status=EmailDelivery.Status.FAILED)
    response = staff.post("/admin/alerts/emaildelivery/", {"action": "resend", "_selected_action": [delivery.pk]})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.PENDING
