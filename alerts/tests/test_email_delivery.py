"""Alerts by email through a real SMTP server: right people, never lost, never doubled."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alerts.models import AlertConfiguration, EmailDelivery, Notification
from alerts.services import deliveries_recover, delivery_send
from incidents import services
from incidents.choices import Stage
from incidents.tests.factories import incident_at
from organisation.choices import Role

from .conftest import run_worker

pytestmark = pytest.mark.django_db


def _at(org, stage):
    """An incident at `stage` whose earlier alerts have all been delivered already."""
    incident = incident_at(org, stage)
    run_worker()
    return incident


def _emails(org, *roles, other=False):
    people = org.other if other else org.people
    return sorted(people[role].email for role in roles)


def test_sign_off_alerts_core_cmt_ceo_nis_and_the_mailbox_and_no_one_else(org, smtp):
    incident = _at(org, Stage.WITH_OD)
    EmailDelivery.objects.all().delete()
    smtp.messages.clear()
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    expected = _emails(org, Role.CMT_MEMBER, Role.CEO, Role.NIS_REVIEWER) + [AlertConfiguration.current().mailbox]
    assert smtp.recipients() == sorted(expected)
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {EmailDelivery.Status.SENT}


def test_cr1_sign_off_sends_the_second_cmt_alert(org, smtp):
    incident = _at(org, Stage.CR1_SIGN_OFF)
    smtp.messages.clear()
    EmailDelivery.objects.all().delete()
    services.case_review_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    subjects = {m["message"]["Subject"] for m in smtp.messages}
    assert subjects == {f"[{incident.reference}] Core CMT alert: case review (CR1) completed"}
    assert smtp.recipients() == sorted(_emails(org, Role.CMT_MEMBER, Role.CEO) + [AlertConfiguration.current().mailbox])


def test_an_email_carries_reference_stage_and_link_but_no_child_details(org, smtp):
    incident = _at(org, Stage.WITH_OD)
    smtp.messages.clear()
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    message = smtp.messages[0]["message"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert incident.reference in body
        assert f"/incidents/{incident.pk}/" in body
        assert incident.children not in body
        assert incident.what_happened not in body
        assert incident.case_reference not in body


def test_a_rolled_back_step_sends_nothing(org, smtp):
    incident = _at(org, Stage.WITH_OD)
    before = (EmailDelivery.objects.count(), DBTaskResult.objects.count(), Notification.objects.count())
    smtp.messages.clear()

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        services.incident_od_sign_off(
            actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
        )
        raise Abandon
    run_worker()
    assert (EmailDelivery.objects.count(), DBTaskResult.objects.count(), Notification.objects.count()) == before
    assert smtp.messages == []


def test_with_the_smtp_server_down_every_alert_is_delivered_once_when_it_returns(org, smtp, settings):
    incident = _at(org, Stage.WITH_OD)
    smtp.messages.clear()
    port = smtp.port
    smtp.stop()
    last = EmailDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    waiting = EmailDelivery.objects.filter(incident=incident, pk__gt=last)
    assert waiting.count() == 4  # Core CMT member, CEO, NIS reviewer, the mailbox
    assert set(waiting.values_list("status", flat=True)) == {EmailDelivery.Status.PENDING}
    assert all("Connection" in error or "refused" in error.lower() for error in waiting.values_list("last_error", flat=True))
    # The server comes back; the retries fall due.
    from alerts.mail_sink import MailSink

    back = MailSink(port=port).start()
    try:
        waiting.update(next_attempt_at=timezone.now() - timedelta(minutes=2))
        DBTaskResult.objects.filter(run_after__isnull=False).update(run_after=timezone.now() - timedelta(minutes=2))
        run_worker()
        deliveries_recover()
        run_worker()
        assert set(waiting.values_list("status", flat=True)) == {EmailDelivery.Status.SENT}
        addresses = back.recipients()
        assert len(addresses) == len(set(addresses)) == waiting.count()
    finally:
        back.stop()


def test_a_refused_address_is_failed_visibly_and_the_others_still_arrive(org, smtp, settings):
    settings.EMAIL_RETRY_MINUTES = []  # no retries: fail at once, for the test
    cmt = org.people[Role.CMT_MEMBER]
    smtp.refuse.add(cmt.email)
    incident = _at(org, Stage.WITH_OD)
    smtp.messages.clear()
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    refused = EmailDelivery.objects.get(incident=incident, to_address=cmt.email)
    assert refused.status == EmailDelivery.Status.FAILED
    assert "550" in refused.last_error
    assert org.people[Role.CEO].email in smtp.recipients()
    assert cmt.email not in smtp.recipients()


def test_a_sent_alert_is_never_sent_twice_however_often_its_task_runs(org, smtp):
    incident = _at(org, Stage.WITH_OD)
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    smtp.messages.clear()
    for delivery in EmailDelivery.objects.filter(incident=incident):
        assert delivery_send(delivery_id=delivery.pk) == "skipped"
    deliveries_recover()
    run_worker()
    assert smtp.messages == []


def test_a_worker_stopped_mid_send_is_recovered_with_the_same_message_id(org, smtp, settings):
    incident = _at(org, Stage.WITH_OD)
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    delivery = EmailDelivery.objects.filter(incident=incident, reason=Notification.Reason.CMT_INITIAL).first()
    # A worker claimed it and stopped before recording anything.
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(seconds=settings.EMAIL_STUCK_AFTER_SECONDS + 1),
    )
    DBTaskResult.objects.all().delete()  # its task is gone with the worker
    smtp.messages.clear()
    assert deliveries_recover() >= 1
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT
    sent = [m for m in smtp.messages if delivery.to_address in m["to"]]
    assert len(sent) == 1
    assert sent[0]["message"]["Message-ID"] == delivery.message_id


def test_a_delivery_being_sent_by_another_worker_is_left_alone(org, smtp):
    incident = _at(org, Stage.WITH_OD)
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    delivery = EmailDelivery.objects.filter(incident=incident, reason=Notification.Reason.CMT_INITIAL).first()
    EmailDelivery.objects.filter(pk=delivery.pk).update(status=EmailDelivery.Status.SENDING, claimed_at=timezone.now())
    smtp.messages.clear()
    assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert smtp.messages == []


def test_an_administrator_can_see_failures_and_resend(org, smtp, settings, client):
    from conftest import sign_in

    settings.EMAIL_RETRY_MINUTES = []
    incident = _at(org, Stage.WITH_OD)
    smtp.refuse.add(org.people[Role.CEO].email)
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    failed = EmailDelivery.objects.get(status=EmailDelivery.Status.FAILED)
    admin = org.people[Role.ADMINISTRATOR]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    sign_in(client, admin)
    page = client.get("/admin/alerts/emaildelivery/?status__exact=failed")
    assert page.status_code == 200
    assert failed.to_address in page.content.decode()
    smtp.refuse.clear()
    smtp.messages.clear()
    response = client.post("/admin/alerts/emaildelivery/", {"action": "resend", "_selected_action": [failed.pk]})
    assert response.status_code == 302
    run_worker()
    failed.refresh_from_db()
    assert failed.status == EmailDelivery.Status.SENT
    assert smtp.recipients() == [failed.to_address]


def test_a_person_without_an_email_address_shows_as_a_failed_delivery_until_one_is_added(org, smtp):
    from alerts.services import NO_ADDRESS, delivery_resend

    cmt = org.people[Role.CMT_MEMBER]
    cmt.email = ""
    cmt.save()
    incident = _at(org, Stage.WITH_OD)
    smtp.messages.clear()
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    missing = EmailDelivery.objects.get(incident=incident, notification__recipient=cmt)
    assert (missing.status, missing.last_error, missing.attempts) == (EmailDelivery.Status.FAILED, NO_ADDRESS, 0)
    admin = org.people[Role.ADMINISTRATOR]
    assert delivery_resend(actor=admin, delivery_id=missing.pk) is False
    cmt.email = "cmt.member.new@example.org"
    cmt.save()
    assert delivery_resend(actor=admin, delivery_id=missing.pk) is True
    smtp.messages.clear()
    run_worker()
    missing.refresh_from_db()
    assert (missing.status, missing.to_address) == (EmailDelivery.Status.SENT, "cmt.member.new@example.org")
    assert smtp.recipients() == ["cmt.member.new@example.org"]


@pytest.mark.parametrize("status", [EmailDelivery.Status.SENT, EmailDelivery.Status.SENDING, EmailDelivery.Status.PENDING])
def test_resend_leaves_alone_an_email_sent_or_on_its_way(org, smtp, status):
    from alerts.services import delivery_resend

    incident = _at(org, Stage.WITH_OD)
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    delivery = EmailDelivery.objects.filter(incident=incident, reason=Notification.Reason.CMT_INITIAL).first()
    EmailDelivery.objects.filter(pk=delivery.pk).update(status=status, claimed_at=timezone.now())
    smtp.messages.clear()
    assert delivery_resend(actor=org.people[Role.ADMINISTRATOR], delivery_id=delivery.pk) is False
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == status
    assert delivery.to_address not in smtp.recipients()


def test_resend_takes_up_an_email_a_stopped_worker_left_half_sent(org, smtp, settings):
    from alerts.services import delivery_resend

    incident = _at(org, Stage.WITH_OD)
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    delivery = EmailDelivery.objects.filter(incident=incident, reason=Notification.Reason.CMT_INITIAL).first()
    stopped = timezone.now() - timedelta(seconds=settings.EMAIL_STUCK_AFTER_SECONDS + 1)
    EmailDelivery.objects.filter(pk=delivery.pk).update(status=EmailDelivery.Status.SENDING, claimed_at=stopped)
    smtp.messages.clear()
    assert delivery_resend(actor=org.people[Role.ADMINISTRATOR], delivery_id=delivery.pk) is True
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT
    assert smtp.recipients() == [delivery.to_address]


def test_a_briefing_email_leads_to_the_briefing_and_tells_nothing_of_the_record(org, smtp):
    from incidents.choices import Decision
    from incidents.models import Briefing

    AlertConfiguration.current()
    AlertConfiguration.objects.update(include_details=True)
    incident = _at(org, Stage.CASE_REVIEW)
    smtp.messages.clear()
    services.incident_ceo_decide(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.SHARE_CHAIR,
        rationale="The Chair should know.",
        briefing_title="For the Chair",
        briefing_text="A short briefing.",
    )
    run_worker()
    briefing = Briefing.objects.get(incident=incident)
    assert smtp.recipients() == [org.people[Role.CHAIR].email]
    text = smtp.messages[0]["message"].get_body(("plain",)).get_content()
    assert briefing.get_absolute_url() in text
    assert f"/incidents/{incident.pk}/" not in text
    assert "Stage:" not in text and incident.title not in text


def test_the_second_cmt_alert_carries_the_cr1_as_a_pdf_to_the_mailbox_only_when_switched_on(org, smtp):
    AlertConfiguration.current()
    AlertConfiguration.objects.update(attach_case_review=True)
    mailbox = AlertConfiguration.current().mailbox
    incident = _at(org, Stage.CR1_SIGN_OFF)
    smtp.messages.clear()
    services.case_review_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    alerts = [m for m in smtp.messages if "Core CMT alert" in m["message"]["Subject"]]
    assert len(alerts) == len(_emails(org, Role.CMT_MEMBER, Role.CEO)) + 1  # and the mailbox
    to_mailbox = [m for m in alerts if m["to"] == [mailbox]]
    assert len(to_mailbox) == 1
    attachments = list(to_mailbox[0]["message"].iter_attachments())
    assert [a.get_filename() for a in attachments] == [f"{incident.reference}-CR1.pdf"]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content().startswith(b"%PDF")
    assert "keep it in the secure mailbox" in to_mailbox[0]["message"].get_body(("plain",)).get_content()
    # People's own inboxes get the link, never the paper.
    for sent in smtp.messages:
        if sent is not to_mailbox[0]:
            assert list(sent["message"].iter_attachments()) == []
            assert "holds no details of the child" in sent["message"].get_body(("plain",)).get_content()
    assert set(EmailDelivery.objects.filter(incident=incident).values_list("status", flat=True)) == {EmailDelivery.Status.SENT}


def test_with_the_setting_off_no_email_carries_the_cr1(org, smtp):
    AlertConfiguration.current()
    AlertConfiguration.objects.update(attach_case_review=False)
    incident = _at(org, Stage.CR1_SIGN_OFF)
    smtp.messages.clear()
    services.case_review_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    assert smtp.messages
    assert all(list(sent["message"].iter_attachments()) == [] for sent in smtp.messages)


def test_an_action_email_does_not_quote_the_action_which_may_name_a_child(org, smtp):
    from alerts.reminders import reminders_send
    from incidents.tests.factories import requested_action

    incident = _at(org, Stage.ACTIONS)
    owner = org.people[Role.LOCAL_MANAGER]
    smtp.messages.clear()
    action = services.action_add(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        action=requested_action(owner, description="Visit J.W. weekly at the foster home"),
    )
    tuesday = date(2026, 12, 1)
    type(action).objects.filter(pk=action.pk).update(due_date=tuesday)
    assert reminders_send(today=tuesday) == 1  # "due today", to the owner
    run_worker()
    assert smtp.recipients() == [owner.email, owner.email]  # the new action, then the reminder
    for sent in smtp.messages:
        for part in ("plain", "html"):
            assert "J.W." not in sent["message"].get_body((part,)).get_content()
    assert "J.W." in Notification.objects.filter(recipient=owner).earliest("created_at").message


def test_resend_skips_someone_who_has_left_and_sends_a_mailbox_copy_to_the_mailbox_of_now(org, smtp, settings):
    from alerts.services import delivery_resend

    settings.EMAIL_RETRY_MINUTES = []
    cmt = org.people[Role.CMT_MEMBER]
    old_mailbox = AlertConfiguration.current().mailbox
    smtp.refuse.update({cmt.email, old_mailbox})
    incident = _at(org, Stage.WITH_OD)
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    to_cmt = EmailDelivery.objects.get(incident=incident, to_address=cmt.email)
    to_mailbox = EmailDelivery.objects.get(incident=incident, is_mailbox_copy=True)
    assert {to_cmt.status, to_mailbox.status} == {EmailDelivery.Status.FAILED}
    smtp.refuse.clear()
    smtp.messages.clear()
    cmt.is_active = False
    cmt.save()
    AlertConfiguration.objects.update(mailbox="secure.sin@example.org")
    admin = org.people[Role.ADMINISTRATOR]
    assert delivery_resend(actor=admin, delivery_id=to_cmt.pk) is False
    assert delivery_resend(actor=admin, delivery_id=to_mailbox.pk) is True
    run_worker()
    assert smtp.recipients() == ["secure.sin@example.org"]


def test_a_late_failure_of_a_stale_worker_does_not_undo_a_sent_email(org, smtp):
    from alerts.services import _claim, _record_failure

    incident = _at(org, Stage.WITH_OD)
    services.incident_od_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    delivery = EmailDelivery.objects.filter(incident=incident, reason=Notification.Reason.CMT_INITIAL).first()
    stale = _claim(delivery.pk)  # a worker takes it, then stalls
    EmailDelivery.objects.filter(pk=delivery.pk).update(status=EmailDelivery.Status.SENT)  # another sent it meanwhile
    _record_failure(stale, OSError("connection reset"))
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT and delivery.last_error == ""


def test_a_briefing_email_carries_the_reference_and_a_link_and_nothing_of_the_briefing(org, smtp):
    """Its title may describe the family; the footer promises no details, and now keeps the promise."""
    from incidents.choices import Decision

    incident = _at(org, Stage.CASE_REVIEW)
    smtp.messages.clear()
    services.incident_ceo_decide(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.SHARE_BOARD,
        rationale="The Board should know.",
        briefing_title="The Smith children and their father",
        briefing_text="Briefing text for the Board.",
    )
    run_worker()
    assert smtp.messages
    for sent in smtp.messages:
        message = sent["message"]
        for part in (message["Subject"], message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()):
            assert "Smith" not in part and "Briefing text for the Board" not in part
        assert incident.reference in message["Subject"]
    # In the service, the Board reads the title beside the notification.
    assert Notification.objects.filter(reason=Notification.Reason.BRIEFING, message__contains="Smith").exists()


def test_by_default_the_second_cmt_alert_carries_the_completed_cr1(org, smtp):
    """2.1: "following the review, with a copy of the completed SIN Case Review Form (CR1)": as a PDF to
    the serious incident mailbox, as a link to the CR1 on the record to each Core CMT member."""
    config = AlertConfiguration.current()
    assert config.attach_case_review is True
    assert "2.1" in AlertConfiguration._meta.get_field("attach_case_review").help_text
    incident = _at(org, Stage.CR1_SIGN_OFF)
    smtp.messages.clear()
    services.case_review_sign_off(
        actor=org.people[Role.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    run_worker()
    to_mailbox = [m for m in smtp.messages if m["to"] == [config.mailbox]]
    assert [a.get_filename() for a in to_mailbox[0]["message"].iter_attachments()] == [f"{incident.reference}-CR1.pdf"]
    members = [m for m in smtp.messages if m["to"] != [config.mailbox]]
    assert sorted(m["to"][0] for m in members) == _emails(org, Role.CMT_MEMBER, Role.CEO)
    for sent in members:
        text = sent["message"].get_body(("plain",)).get_content()
        assert f"/incidents/{incident.pk}/#case-review" in text
        assert "Read the completed case review (CR1)" in text
        assert list(sent["message"].iter_attachments()) == []
