"""The address an audit event records: the person's, also behind the production proxies."""

import pytest
from django.test import RequestFactory

from audit.context import client_address


def _request(remote="10.0.0.5", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(forwarded="203.0.113.9")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # a client-written entry on the left is not believed
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "10.0.0.5"),
        (2, "203.0.113.9", "10.0.0.5"),  # fewer hops than proxies: the header is not what the proxies wrote
        (1, "not-an-address", "10.0.0.5"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies_the_address_they_saw_is_recorded(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(_request(forwarded=forwarded)) == expected


@pytest.mark.django_db
def test_an_audit_event_of_a_request_records_that_address(settings, org, client):
    from audit.models import AuditEvent
    from conftest import sign_in
    from incidents.choices import Stage
    from incidents.tests.factories import incident_at
    from organisation.choices import Role

    settings.TRUSTED_PROXY_COUNT = 1
    incident = incident_at(org, Stage.WITH_AD)
    sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
    assert client.get(f"/incidents/{incident.pk}/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
    assert AuditEvent.objects.filter(action="incident.view").latest("sequence").ip_address == "203.0.113.9"


@pytest.mark.django_db
def test_a_failed_sign_in_is_logged_with_the_same_address(settings, client):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    client.post("/sign-in/", {"username": "nobody", "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccessAttempt.objects.get(username="nobody").ip_address == "203.0.113.9"
