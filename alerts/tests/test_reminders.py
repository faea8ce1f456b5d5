"""Reminders a working day before and on the due date; escalation when overdue; each sent once only."""

import threading
from datetime import date

import pytest
from django.db import connection

from alerts.models import Notification, Reminder
from alerts.reminders import reminders_send
from core.working_days import add_working_days
from incidents import services
from incidents.choices import Stage
from incidents.models import Incident
from incidents.tests.factories import incident_at, requested_action
from organisation.choices import Role

TODAY = date(2026, 12, 1)  # a Tuesday


def _due(incident, due):
    Incident.objects.filter(pk=incident.pk).update(stage_due=due)


def _told(user, kind_words):
    return Notification.objects.filter(recipient=user, message__icontains=kind_words)


@pytest.mark.django_db
def test_the_person_who_must_act_is_reminded_the_working_day_before_and_on_the_day(org):
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    incident = incident_at(org, Stage.WITH_AD)
    _due(incident, add_working_days(TODAY, 1))
    assert reminders_send(today=TODAY) == 1
    assert _told(ad, "Reminder").count() == 1
    assert reminders_send(today=add_working_days(TODAY, 1)) == 1
    assert _told(ad, "due today").count() == 1
    assert not _told(org.people[Role.OPERATIONAL_DIRECTOR], "Escalated").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "next_level"),
    [
        (Stage.RETURNED, Role.ASSISTANT_DIRECTOR),  # local manager > AD
        (Stage.WITH_AD, Role.OPERATIONAL_DIRECTOR),  # AD > OD
        (Stage.WITH_OD, Role.CMT_MEMBER),  # OD > CMT
        (Stage.FINAL_DECISION, Role.CMT_MEMBER),
    ],
)
def test_an_overdue_step_is_escalated_to_the_next_level(org, stage, next_level):
    incident = incident_at(org, stage)
    _due(incident, date(2026, 11, 27))
    assert reminders_send(today=TODAY) == 1
    assert _told(org.people[next_level], "Escalated").count() == 1
    assert not _told(org.other[Role.OPERATIONAL_DIRECTOR], "Escalated").exists()


@pytest.mark.django_db
def test_repeated_runs_send_each_reminder_once(org):
    incident = incident_at(org, Stage.WITH_OD)
    _due(incident, date(2026, 11, 27))
    runs = [reminders_send(today=TODAY) for _ in range(5)]
    assert runs == [1, 0, 0, 0, 0]
    assert Reminder.objects.count() == 1
    assert _told(org.people[Role.CMT_MEMBER], "Escalated").count() == 1


@pytest.mark.django_db
def test_no_reminders_on_a_bank_holiday_or_for_closed_incidents(org):
    incident = incident_at(org, Stage.WITH_AD)
    _due(incident, date(2026, 12, 24))
    assert reminders_send(today=date(2026, 12, 25)) == 0  # Christmas Day
    Incident.objects.filter(pk=incident.pk).update(stage=Stage.CLOSED)
    assert reminders_send(today=date(2026, 12, 29)) == 0


@pytest.mark.django_db
def test_an_action_owner_is_reminded_and_an_overdue_action_goes_to_the_accountable_ad(org):
    incident = incident_at(org, Stage.ACTIONS)
    owner = org.people[Role.LOCAL_MANAGER]
    action = services.action_add(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=Incident.objects.get(pk=incident.pk).version,
        action=requested_action(owner),
    )
    Incident.objects.filter(pk=incident.pk).update(stage_due=None)
    type(action).objects.filter(pk=action.pk).update(due_date=TODAY)
    assert reminders_send(today=TODAY) == 1
    assert _told(owner, "due today").count() == 1
    assert reminders_send(today=add_working_days(TODAY, 1)) == 1
    assert _told(org.people[Role.ASSISTANT_DIRECTOR], "action is overdue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_reminder_once(org):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL; SQLite serialises them anyway.")
    incidents = [incident_at(org, Stage.WITH_OD) for _ in range(3)]
    for incident in incidents:
        _due(incident, date(2026, 11, 27))
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(reminders_send(today=TODAY))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 3
    assert Reminder.objects.count() == 3
    assert _told(org.people[Role.CMT_MEMBER], "Escalated").count() == 3


@pytest.mark.django_db
def test_an_action_owner_who_cannot_read_the_record_is_led_to_the_action(org, client):
    from conftest import sign_in

    incident = incident_at(org, Stage.ACTIONS)
    lead = org.people[Role.LEARNING_LEAD]
    action = services.action_add(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=Incident.objects.get(pk=incident.pk).version,
        action=requested_action(lead),
    )
    notification = Notification.objects.get(recipient=lead)
    assert notification.link == f"/actions/{action.pk}/"
    sign_in(client, lead)
    assert f'href="/actions/{action.pk}/"' in client.get("/notifications/").content.decode()
    assert client.get(notification.link).status_code == 200
    assert client.get(f"/incidents/{incident.pk}/").status_code == 404


def _action(org, incident, owner, due):
    action = services.action_add(
        actor=org.people[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=Incident.objects.get(pk=incident.pk).version,
        action=requested_action(owner),
    )
    Incident.objects.filter(pk=incident.pk).update(stage_due=None)
    type(action).objects.filter(pk=action.pk).update(due_date=due)
    return action


@pytest.mark.django_db
def test_an_action_due_on_a_saturday_is_reminded_on_the_working_days_before_it(org):
    incident = incident_at(org, Stage.ACTIONS)
    owner = org.people[Role.LOCAL_MANAGER]
    _action(org, incident, owner, date(2026, 12, 5))  # a Saturday
    assert reminders_send(today=date(2026, 12, 2)) == 0  # Wednesday: too early
    assert reminders_send(today=date(2026, 12, 3)) == 1  # Thursday: due soon
    assert _told(owner, "Reminder: your action is due 05 December 2026").count() == 1
    assert reminders_send(today=date(2026, 12, 4)) == 1  # Friday: the last working day before it
    assert _told(owner, "due today").count() == 1
    assert reminders_send(today=date(2026, 12, 7)) == 1  # Monday: overdue
    assert _told(org.people[Role.ASSISTANT_DIRECTOR], "action is overdue").count() == 1


@pytest.mark.django_db
def test_an_overdue_action_owned_by_the_ad_goes_to_the_od(org):
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    incident = incident_at(org, Stage.ACTIONS)
    _action(org, incident, ad, date(2026, 11, 27))
    assert reminders_send(today=TODAY) == 1
    assert not _told(ad, "action is overdue").exists()
    assert _told(org.people[Role.OPERATIONAL_DIRECTOR], "action is overdue").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "vacant", "reached"),
    [
        (Stage.RETURNED, [Role.ASSISTANT_DIRECTOR], Role.OPERATIONAL_DIRECTOR),
        (Stage.RETURNED, [Role.ASSISTANT_DIRECTOR, Role.OPERATIONAL_DIRECTOR], Role.CMT_MEMBER),
        (Stage.WITH_AD, [Role.OPERATIONAL_DIRECTOR], Role.CMT_MEMBER),
    ],
)
def test_a_level_with_nobody_in_post_passes_the_escalation_up(org, stage, vacant, reached):
    from organisation.models import RoleAssignment

    incident = incident_at(org, stage)
    for role in vacant:
        RoleAssignment.objects.filter(role=role, user=org.people[role]).delete()
    _due(incident, date(2026, 11, 27))
    assert reminders_send(today=TODAY) == 1
    assert _told(org.people[reached], "Escalated").count() == 1


@pytest.mark.django_db
def test_the_detail_page_counts_an_open_actions_due_date_in_working_days(org, client):
    from django.utils import timezone

    from conftest import sign_in
    from core.templatetags.working_days import due_label

    incident = incident_at(org, Stage.ACTIONS)
    due = add_working_days(timezone.localdate(), 2)
    action = _action(org, incident, org.people[Role.LOCAL_MANAGER], due)
    sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert due_label(due) == "due in 2 working days"
    assert "due in 2 working days" in page
    type(action).objects.filter(pk=action.pk).update(status="done")
    assert "due in 2 working days" not in client.get(f"/incidents/{incident.pk}/").content.decode()
