"""A person's API token (docs/decisions/0010): kept hashed, expiring, collected once by its holder, never seen by an administrator."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_collect, api_token_request
from accounts.tests.factories import api_token_issue
from accounts.tests.test_sign_in import a_few_seconds_later, code_for, wrong_code_for
from audit.models import AuditEvent
from conftest import sign_in
from core.exceptions import NotAllowed, WrongStage
from incidents.choices import Stage
from incidents.tests.factories import incident_at
from organisation.choices import Role
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db

PAGE = "/account/api-tokens/"
# DRF answers a refused credential with 403 when session authentication comes first, as here.
REFUSED = (401, 403)
TOKENS = "/admin/accounts/apitoken/"


def _api(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


@pytest.fixture
def administrator():
    return person(Role.ADMINISTRATOR, username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def staff(administrator):
    return sign_in(Client(), administrator)


def everything_stored() -> str:
    """Every token row and every audit event, as text: where a key must never be."""
    return json.dumps([list(ApiToken.objects.values()), list(AuditEvent.objects.values())], default=str)


# --- what a token can do ------------------------------------------------------------------


def test_a_token_reads_with_its_persons_visibility(org):
    incident = incident_at(org, Stage.WITH_AD)
    assert _api(api_token_issue(org.people[Role.ASSISTANT_DIRECTOR])).get(f"/api/incidents/{incident.pk}/").status_code == 200
    assert _api(api_token_issue(org.other[Role.ASSISTANT_DIRECTOR])).get(f"/api/incidents/{incident.pk}/").status_code == 404


def test_a_deactivated_persons_token_is_refused(org):
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    api = _api(api_token_issue(ad))
    assert api.get("/api/incidents/").status_code == 200
    ad.is_active = False
    ad.save()
    assert api.get("/api/incidents/").status_code in REFUSED


def test_deactivating_a_person_in_the_admin_revokes_their_tokens_with_it(org, staff, administrator):
    from audit.tests.test_admin_audit import form_data

    ad = org.people[Role.ASSISTANT_DIRECTOR]
    key = api_token_issue(ad)
    waiting = api_token_request(actor=administrator, user=ad, purpose="Another script")
    page = staff.get(f"/admin/accounts/user/{ad.pk}/change/")
    data = form_data(page)
    data.pop("is_active")
    assert staff.post(f"/admin/accounts/user/{ad.pk}/change/", data).status_code == 302
    ad.refresh_from_db()
    assert not ad.is_active
    assert set(ApiToken.objects.filter(user=ad).values_list("revoked_by", flat=True)) == {administrator.pk}
    assert AuditEvent.objects.filter(action="api_token.revoke", changes__reason="holder deactivated").count() == 2
    # Switched on again, they are still refused: the tokens went for good.
    ad.is_active = True
    ad.save()
    assert _api(key).get("/api/incidents/").status_code in REFUSED
    with pytest.raises(WrongStage):
        api_token_collect(actor=ad, token_id=waiting.pk)


def test_the_key_is_kept_only_as_its_hash(org):
    import hashlib

    key = api_token_issue(org.people[Role.CEO])
    token = ApiToken.objects.get(user=org.people[Role.CEO])
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in everything_stored()
    assert token.prefix in key and token.prefix in str(token) and key not in str(token)


@override_settings(API_TOKEN_LIFETIME_DAYS=7)
def test_a_token_expires_after_the_lifetime_setting(org):
    key = api_token_issue(org.people[Role.CEO])
    token = ApiToken.objects.get(user=org.people[Role.CEO])
    assert timedelta(days=7) - (token.expires_at - token.created_at) < timedelta(seconds=5)
    assert _api(key).get("/api/incidents/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _api(key).get("/api/incidents/")
    assert response.status_code in REFUSED
    assert "expired" in response.json()["detail"]


def test_the_default_lifetime_is_90_days():
    assert settings.API_TOKEN_LIFETIME_DAYS == 90


def test_a_revoked_token_is_refused(org):
    from accounts.services import api_token_revoke

    key = api_token_issue(org.people[Role.CEO])
    api_token_revoke(actor=org.people[Role.CEO], token_id=ApiToken.objects.get().pk)
    response = _api(key).get("/api/incidents/")
    assert response.status_code in REFUSED
    assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token not-a-key", "Token \u00e9t\u00e9", f"Token {'x' * 300}"])
def test_a_malformed_or_unknown_key_is_refused(org, header):
    api_token_issue(org.people[Role.CEO])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get("/api/incidents/").status_code in REFUSED


def test_use_is_recorded(org):
    key = api_token_issue(org.people[Role.CEO])
    assert ApiToken.objects.get().last_used_at is None
    _api(key).get("/api/incidents/")
    assert ApiToken.objects.get().last_used_at is not None


def test_django_rest_frameworks_plain_text_tokens_are_gone():
    assert not apps.is_installed("rest_framework.authtoken")
    assert "rest_framework.authentication.TokenAuthentication" not in settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]


# --- issued by an administrator, collected by its holder ----------------------------------


def test_an_administrator_issues_a_token_for_the_ceo_but_never_sees_its_key(
    org, staff, administrator, mailoutbox, django_capture_on_commit_callbacks
):
    ceo = org.people[Role.CEO]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{TOKENS}add/", {"user": ceo.pk, "purpose": "Board figures"}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=ceo)
    assert (token.created_by, token.key_hash, token.collected_at) == (administrator, None, None)
    assert "They collect its key themselves" in response.content.decode()
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.actor == administrator and event.changes["holder"] == ceo.username
    # The holder is told, without any secret.
    [email] = mailoutbox
    assert email.to == [ceo.email] and PAGE in email.body

    # The administrator cannot take the key, by the service or on the holder's page.
    with pytest.raises(NotAllowed):
        api_token_collect(actor=administrator, token_id=token.pk)
    assert staff.post(PAGE, {"api_token": token.pk, "action": "collect"}).status_code == 404

    # The holder, signed in with the second factor, collects it with a fresh code: once.
    holder = sign_in(Client(), ceo)
    device = TOTPDevice.objects.get(user=ceo)
    page = holder.get(PAGE).content.decode()
    assert "Board figures" in page and "Collect the key" in page
    a_few_seconds_later(device)
    response = holder.post(PAGE, {"api_token": token.pk, "action": "collect", f"collect-{token.pk}-token": code_for(device)})
    assert response.status_code == 200
    key = response.context["key"]
    assert key in response.content.decode()
    token.refresh_from_db()
    assert token.collected_at is not None and token.key_hash
    assert _api(key).get("/api/incidents/").status_code == 200

    # Nowhere for the administrator to read it afterwards.
    for url in (TOKENS, f"{TOKENS}{token.pk}/change/", f"{TOKENS}{token.pk}/history/", "/admin/audit/auditevent/"):
        page = staff.get(url)
        assert page.status_code == 200, url
        assert key not in page.content.decode(), url
    assert key not in everything_stored()
    # Nor for the holder a second time.
    page = holder.post(PAGE, {"api_token": token.pk, "action": "collect"}, follow=True).content.decode()
    assert key not in page and "cannot be collected" in page


def test_a_wrong_code_shows_no_key(org):
    ceo = org.people[Role.CEO]
    token = api_token_request(actor=None, user=ceo, purpose="Board figures")
    holder = sign_in(Client(), ceo)
    device = TOTPDevice.objects.get(user=ceo)
    response = holder.post(
        PAGE, {"api_token": token.pk, "action": "collect", f"collect-{token.pk}-token": wrong_code_for(device)}
    )
    assert response.status_code == 200
    assert "The security code is not right" in response.content.decode()
    assert "key" not in response.context or response.context.get("key") is None
    token.refresh_from_db()
    assert token.collected_at is None and token.key_hash is None
    assert AuditEvent.objects.filter(action="second_factor_failed", actor=ceo).count() == 1


def test_the_holder_revokes_their_own_token_and_no_one_elses(org):
    ceo, ad = org.people[Role.CEO], org.people[Role.ASSISTANT_DIRECTOR]
    key = api_token_issue(ceo)
    token = ApiToken.objects.get(user=ceo)
    assert sign_in(Client(), ad).post(PAGE, {"api_token": token.pk, "action": "revoke"}).status_code == 404
    assert _api(key).get("/api/incidents/").status_code == 200
    response = sign_in(Client(), ceo).post(PAGE, {"api_token": token.pk, "action": "revoke"}, follow=True)
    assert f"API token {token.prefix} is revoked" in response.content.decode()
    assert _api(key).get("/api/incidents/").status_code in REFUSED


def test_the_admin_cannot_issue_a_token_for_someone_deactivated(org, staff):
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    ad.is_active = False
    ad.save()
    response = staff.post(f"{TOKENS}add/", {"user": ad.pk, "purpose": "Leaver's script"})
    assert response.status_code == 200
    assert "is deactivated" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_admin_revokes_a_token(org, staff):
    key = api_token_issue(org.people[Role.CEO])
    token = ApiToken.objects.get()
    assert staff.post(TOKENS, {"action": "revoke", "_selected_action": [token.pk]}).status_code == 302
    assert _api(key).get("/api/incidents/").status_code in REFUSED
