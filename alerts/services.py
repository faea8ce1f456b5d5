"""Creating and reading notifications. Call `notify` inside the step's transaction."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(*, recipients: Iterable, incident, reason: str, message: str, exclude=None) -> list[Notification]:
    """One notification for each distinct recipient (less `exclude`, usually the actor)."""
    seen, rows = set(), []
    for user in recipients:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, incident=incident, reason=reason, message=message[:300]))
    return Notification.objects.bulk_create(rows)


def notification_mark_read(*, user, notification_id: int) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, user) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
