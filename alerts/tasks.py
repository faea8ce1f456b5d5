"""Background work, run by `manage.py db_worker`."""

from django_tasks import task


@task()
def deliver_email(delivery_id: int) -> str:
    from .services import delivery_send

    return delivery_send(delivery_id=delivery_id)


@task()
def send_reminders() -> int:
    from .reminders import reminders_send

    return reminders_send()


@task()
def recover_deliveries() -> int:
    from .services import deliveries_recover

    return deliveries_recover()
