"""A person's notifications: newest first, marked read one by one or all at once, and nobody else's."""

import pytest

from alerts.models import Notification
from conftest import sign_in
from incidents.choices import Stage
from incidents.tests.factories import incident_at
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_marking_someone_elses_notification_read_answers_404_and_changes_nothing(org, client):
    incident_at(org, Stage.WITH_OD)
    theirs = Notification.objects.filter(recipient=org.people[Role.OPERATIONAL_DIRECTOR], read_at__isnull=True).first()
    assert theirs is not None
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_person_marks_their_own_notification_read_and_the_header_count_falls(org, client):
    incident_at(org, Stage.WITH_OD)
    od = org.people[Role.OPERATIONAL_DIRECTOR]
    mine = list(Notification.objects.filter(recipient=od, read_at__isnull=True))
    assert mine
    sign_in(client, od)
    assert f"Notifications ({len(mine)} unread)" in client.get("/").content.decode()
    response = client.post(f"/notifications/{mine[0].pk}/read/")
    assert response.status_code == 302
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    page = client.get("/").content.decode()
    assert (f"Notifications ({len(mine) - 1} unread)" in page) if len(mine) > 1 else ("unread)" not in page)
