"""A person's API token (docs/decisions/0008): the person's own reach, and nothing once they are deactivated."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.choices import Stage
from incidents.tests.factories import incident_at
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_a_token_reads_with_its_persons_visibility(org):
    incident = incident_at(org, Stage.WITH_AD)
    assert _api(org.people[Role.ASSISTANT_DIRECTOR]).get(f"/api/incidents/{incident.pk}/").status_code == 200
    assert _api(org.other[Role.ASSISTANT_DIRECTOR]).get(f"/api/incidents/{incident.pk}/").status_code == 404


def test_a_deactivated_persons_token_is_refused(org):
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    api = _api(ad)
    assert api.get("/api/incidents/").status_code == 200
    ad.is_active = False
    ad.save()
    assert api.get("/api/incidents/").status_code in (401, 403)
