"""The cascade and checks through the API: the same rules and answers as the pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from learning.models.cascade import AlertRecipient, CascadeMethod
from learning.models.checks import EmbeddingCheck
from learning.selectors_cascade import area_key
from learning.services import cascade as services
from organisation.choices import Role
from organisation.tests.factories import person

from .test_cascade_world import published_item

pytestmark = pytest.mark.django_db


def test_alerts_are_listed_and_acknowledged_once_through_the_api(client, org):
    item = published_item(org)
    lead, lm = org.people[Role.LEARNING_LEAD], org.people[Role.LOCAL_MANAGER]
    services.cascade_decide(actor=lead, item_id=item.pk, methods=[CascadeMethod.LEGAL_ALERT])
    alert = services.staff_alert_send(
        actor=lead, item_id=item.pk, kind=CascadeMethod.LEGAL_ALERT, title="A judgment", text="Read it."
    )
    sign_in(client, lm)
    listed = client.get(reverse("api-learning-alerts")).json()
    assert [row["id"] for row in listed["results"]] == [alert.pk]
    assert client.post(reverse("api-learning-alert-acknowledge", args=[alert.pk])).status_code == 200
    assert client.post(reverse("api-learning-alert-acknowledge", args=[alert.pk])).status_code == 200
    assert client.get(reverse("api-learning-alerts")).json()["results"] == []
    assert AlertRecipient.objects.filter(alert=alert, acknowledged_at__isnull=False).count() == 2  # hers and the sender's
    client.logout()
    sign_in(client, org.people[Role.BOARD_MEMBER])  # reads no learning at all
    assert client.post(reverse("api-learning-alert-acknowledge", args=[alert.pk])).status_code == 404
    client.logout()
    newcomer = person(Role.PRACTITIONER, place=org.team)  # joined after the alert was sent: it did not go to them
    sign_in(client, newcomer)
    response = client.post(reverse("api-learning-alert-acknowledge", args=[alert.pk]))
    assert response.status_code == 403 and "not sent to you" in response.json()["detail"]


def test_the_cascade_is_agreed_and_a_check_refused_without_evidence_through_the_api(client, org):
    item = published_item(org)
    sign_in(client, org.people[Role.LEARNING_LEAD])
    url = reverse("api-learning-cascade", args=[item.pk])
    assert client.post(url, {"methods": []}, content_type="application/json").json() == {
        "methods": ["Select at least one method of cascading the learning"]
    }
    response = client.post(url, {"methods": [CascadeMethod.MONTHLY_CASCADE]}, content_type="application/json")
    assert response.status_code == 201 and response.json()["teams"] == 2
    assert client.post(url, {"methods": [CascadeMethod.LD_BULLETIN]}, content_type="application/json").status_code == 409
    client.logout()
    sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
    checks = reverse("api-learning-checks", args=[item.pk])
    data = {
        "forum": "aqr",
        "area": area_key(org.area),
        "checked_on": timezone.localdate().isoformat(),
        "finding": "embedded",
        "evidence": "",
    }
    response = client.post(checks, data, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"evidence": ["Enter the evidence for the finding"]}
    assert client.post(checks, {**data, "evidence": "Audits."}, content_type="application/json").status_code == 201
    assert EmbeddingCheck.objects.count() == 1 and len(client.get(checks).json()) == 1
