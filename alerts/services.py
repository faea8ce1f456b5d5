"""Creating notifications and their emails, and delivering the emails.

`notify` runs inside the transaction of the step that causes it: the
notification rows, the email delivery rows and the queued delivery tasks
commit with the step or not at all (django-tasks' database backend writes the
task row in the same transaction).
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from .emails import compose
from .models import AlertConfiguration, EmailDelivery, Notification

logger = logging.getLogger(__name__)

CMT_REASONS = frozenset({Notification.Reason.CMT_INITIAL, Notification.Reason.CMT_REVIEW})
NO_ADDRESS = "No email address on record for this person: add one to their account, then send again"


def _message_id(key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<sin-alert-{key}@{domain}>"


def notify(
    *, recipients: Iterable, subject, reason: str, message: str, exclude=None, link: str = "", email_message: str = ""
) -> list[Notification]:
    """One in-app notification and one email for each distinct recipient (less `exclude`, usually the actor).

    `subject` is what the alert is about (a SIN, an action...: see alerts.models).
    A Core CMT alert also sends a copy to the serious incident mailbox. An email
    says `email_message` when given: a message quoting what someone wrote (an
    action's description, which may name a child) stays in the service.
    """
    seen, rows = set(), []
    for user in recipients:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        # Where it leads is kept with it: the subject's page, or the link given (a briefing, say).
        row = Notification(recipient=user, reason=reason, message=message[:300], link=link or subject.get_absolute_url())
        row.set_about(subject)
        rows.append(row)
    notifications = Notification.objects.bulk_create(rows)
    config = AlertConfiguration.current()
    email_text = email_message or message
    content = compose(subject=subject, reason=reason, message=email_text, config=config, link=link)
    deliveries = []
    for n in notifications:
        delivery = EmailDelivery(
            notification=n, reason=reason, to_address=n.recipient.email, message_id=_message_id(f"n{n.pk}"), **content
        )
        delivery.set_about(subject)
        deliveries.append(delivery)
    if reason in CMT_REASONS and config.mailbox:
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        mailbox_content = content
        if _carries_case_review(reason, config):
            mailbox_content = compose(
                subject=subject, reason=reason, message=email_text, config=config, link=link, with_case_review=True
            )
        copy = EmailDelivery(
            reason=reason,
            to_address=config.mailbox,
            is_mailbox_copy=True,
            message_id=_message_id(f"m{subject.pk}-{reason}-{stamp}"),
            **mailbox_content,
        )
        copy.set_about(subject)
        deliveries.append(copy)
    for delivery in deliveries:
        if not delivery.to_address:
            # Nothing to send to: recorded as failed at once, for an administrator to see and resend once an address is added.
            delivery.status = EmailDelivery.Status.FAILED
            delivery.last_error = NO_ADDRESS
    for delivery in EmailDelivery.objects.bulk_create(deliveries):
        if delivery.status == EmailDelivery.Status.PENDING:
            _enqueue(delivery)
    return notifications


def _enqueue(delivery: EmailDelivery, run_after=None) -> None:
    from .tasks import deliver_email

    task = deliver_email.using(run_after=run_after) if run_after else deliver_email
    task.enqueue(delivery.pk)


def _claim(delivery_id: int) -> EmailDelivery | None:
    """Take the delivery for sending, unless it was sent already or another worker is sending it now."""
    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status in (EmailDelivery.Status.SENT, EmailDelivery.Status.FAILED):
            return None
        now = timezone.now()
        stuck_after = timedelta(seconds=settings.EMAIL_STUCK_AFTER_SECONDS)
        if delivery.status == EmailDelivery.Status.SENDING and delivery.claimed_at and now - delivery.claimed_at < stuck_after:
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.status = EmailDelivery.Status.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])
        return delivery


def _carries_case_review(reason: str, config: AlertConfiguration) -> bool:
    return reason == Notification.Reason.CMT_REVIEW and config.attach_case_review


def _attachments(delivery: EmailDelivery) -> list[tuple[str, bytes, str]]:
    """The SIN with its CR1 as a PDF: only to the serious incident mailbox, and only when an
    administrator left that on because the mailbox is secure. People's own inboxes never get it."""
    if not delivery.is_mailbox_copy or not _carries_case_review(delivery.reason, AlertConfiguration.current()):
        return []
    paper = delivery.about.alert_case_review_pdf()
    return [(f"{delivery.reference}-CR1.pdf", paper, "application/pdf")] if paper else []


def delivery_send(*, delivery_id: int) -> str:
    """Send one email; record success, or the error and when to try again. Returns the resulting status."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    try:
        email = EmailMultiAlternatives(
            subject=delivery.subject,
            body=delivery.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.to_address],
            headers={"Message-ID": delivery.message_id},
            connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
        )
        email.attach_alternative(delivery.body_html, "text/html")
        for name, content, mimetype in _attachments(delivery):
            email.attach(name, content, mimetype)
        email.send(fail_silently=False)
    except Exception as error:  # any failure of the mail server or the address: record it, retry later
        return _record_failure(delivery, error)
    with transaction.atomic():
        EmailDelivery.objects.filter(pk=delivery.pk, status=EmailDelivery.Status.SENDING).update(
            status=EmailDelivery.Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
        )
    return EmailDelivery.Status.SENT


def _record_failure(delivery: EmailDelivery, error: Exception) -> str:
    retries = settings.EMAIL_RETRY_MINUTES
    message = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("Email %s to %s failed (attempt %s): %s", delivery.pk, delivery.to_address, delivery.attempts, message)
    # Only the claim this worker holds: a row another worker has since sent or taken keeps its state.
    ours = EmailDelivery.objects.filter(pk=delivery.pk, status=EmailDelivery.Status.SENDING, claimed_at=delivery.claimed_at)
    with transaction.atomic():
        if delivery.attempts > len(retries):
            ours.update(status=EmailDelivery.Status.FAILED, last_error=message, next_attempt_at=None)
            return EmailDelivery.Status.FAILED
        next_attempt = timezone.now() + timedelta(minutes=retries[delivery.attempts - 1])
        if ours.update(status=EmailDelivery.Status.PENDING, last_error=message, next_attempt_at=next_attempt):
            _enqueue(delivery, run_after=next_attempt)
    return EmailDelivery.Status.PENDING


def delivery_resend(*, actor, delivery_id: int) -> bool:
    """An administrator sends a failed delivery again (after fixing an address, say); returns whether it was queued.

    Only a failed delivery, or one a worker stopped while sending, is sent again:
    a sent one, or one being sent now, is left alone, so that nobody receives the
    same alert twice. A person's delivery takes their current address, and is
    not sent to someone who has left (a deactivated account); a mailbox copy
    goes to the mailbox configured now.
    """
    from audit.services import audit_record

    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().get(
            pk=delivery_id
        )  # the recipient is read after: FOR UPDATE takes no outer join
        stuck = (
            delivery.status == EmailDelivery.Status.SENDING
            and delivery.claimed_at is not None
            and timezone.now() - delivery.claimed_at >= timedelta(seconds=settings.EMAIL_STUCK_AFTER_SECONDS)
        )
        if delivery.status != EmailDelivery.Status.FAILED and not stuck:
            return False
        changes = {}
        if delivery.notification_id:
            recipient = delivery.notification.recipient
            if not recipient.is_active:
                return False
            current = recipient.email
        else:
            current = AlertConfiguration.current().mailbox if delivery.is_mailbox_copy else delivery.to_address
        if current != delivery.to_address:
            changes["to"] = [delivery.to_address, current]
            delivery.to_address = current
        if not delivery.to_address:
            return False
        delivery.status = EmailDelivery.Status.PENDING
        delivery.next_attempt_at = None
        delivery.claimed_at = None
        delivery.attempts = 0
        delivery.save(update_fields=["status", "next_attempt_at", "claimed_at", "attempts", "to_address"])
        audit_record(actor=actor, action="email.resend", obj=delivery, changes=changes or {"to": delivery.to_address})
        _enqueue(delivery)
    return True


def deliveries_recover() -> int:
    """Queue again every delivery that waits with no live task: its retry time has passed,
    or a worker stopped while sending it. Sending checks the row, so a queued twin does nothing."""
    now = timezone.now()
    stuck = now - timedelta(seconds=settings.EMAIL_STUCK_AFTER_SECONDS)
    waiting = EmailDelivery.objects.filter(status=EmailDelivery.Status.PENDING, next_attempt_at__lte=now - timedelta(minutes=1))
    waiting |= EmailDelivery.objects.filter(
        status=EmailDelivery.Status.PENDING, next_attempt_at__isnull=True, created_at__lte=stuck
    )
    waiting |= EmailDelivery.objects.filter(status=EmailDelivery.Status.SENDING, claimed_at__lte=stuck)
    count = 0
    with transaction.atomic():
        for delivery in waiting:
            _enqueue(delivery)
            count += 1
    return count


def notification_mark_read(*, user, notification_id: int) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, user) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
