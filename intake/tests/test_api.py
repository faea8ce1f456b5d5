"""POST /api/intake/incidents/: another system pushes a non-case incident (source 2.10)."""

import json
import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Notification
from audit.models import AuditEvent
from incidents.choices import Kind, Stage, Step
from incidents.models import Incident, IncidentEvent
from intake.models import IdempotencyKey, SourceSystem, SourceToken, hash_token
from intake.services import source_token_issue, source_token_revoke
from organisation.choices import Role

from .conftest import payload

URL = "/api/intake/incidents/"


def post(client, data, **headers):
    return client.post(URL, data=json.dumps(data), content_type="application/json", **headers)


@pytest.mark.django_db
class TestCreate:
    def test_url_name(self):
        assert reverse("api-intake-incident-create") == URL

    def test_creates_a_draft_non_case_sin_for_the_routed_head_of_profession(self, api, org, source):
        response = post(api, payload())
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["created"] is True and body["stage"] == "draft" and body["reference"] is None
        incident = Incident.objects.get(pk=body["id"])
        hop = org.people[Role.HEAD_OF_PROFESSION]
        assert incident.kind == Kind.NON_CASE and incident.stage == Stage.DRAFT
        assert incident.author == hop and incident.function == org.function and incident.service_area is None
        assert (incident.source_system, incident.source_reference) == ("Health and Safety reporting", "HS-2026-0001")
        assert list(incident.criteria.values_list("code", flat=True)) == ["health_safety"]
        assert incident.title == "Fire at the Leeds office"
        assert str(incident.incident_date) == "2026-01-05" and str(incident.aware_date) == "2026-01-06"
        assert body["url"].endswith(f"/incidents/{incident.pk}/")
        # The routed person is told to complete it, in the app.
        note = Notification.objects.get(incident=incident)
        assert note.recipient == hop and note.reason == Notification.Reason.ACT
        assert "Health and Safety reporting" in note.message
        # The audit trail names the source system; the timeline starts with the draft.
        event = AuditEvent.objects.get(action="intake.receive", object_id=str(incident.pk))
        assert event.changes["source_system"] == "Health and Safety reporting"
        assert event.changes["source_reference"] == "HS-2026-0001"
        assert IncidentEvent.objects.filter(incident=incident, step=Step.CREATE, actor=hop).exists()
        # ...and the Head of Profession can complete it.
        assert hop.has_perm("incidents.edit_draft", incident)

    def test_routes_to_a_service_area_and_its_assistant_director(self, org):
        ad = org.people[Role.ASSISTANT_DIRECTOR]
        lado = SourceSystem.objects.create(name="LADO referrals", service_area=org.area, author=ad)
        _, raw = source_token_issue(actor=org.people[Role.ADMINISTRATOR], source_system=lado)
        client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
        response = post(client, payload(category="lado", source_reference="LADO/17"))
        assert response.status_code == 201, response.content
        incident = Incident.objects.get(pk=response.json()["id"])
        assert incident.service_area == org.area and incident.region == org.region and incident.author == ad

    def test_the_same_reference_again_returns_the_existing_record_and_changes_nothing(self, api):
        first = post(api, payload())
        incident = Incident.objects.get(pk=first.json()["id"])
        before = (incident.version, incident.updated_at, AuditEvent.objects.count(), Notification.objects.count())
        again = post(api, payload(title="A different title", what_happened="Changed"))
        assert again.status_code == 200
        assert again.json()["id"] == incident.pk and again.json()["created"] is False
        incident.refresh_from_db()
        assert incident.title == "Fire at the Leeds office"
        assert (incident.version, incident.updated_at, AuditEvent.objects.count(), Notification.objects.count()) == before
        assert Incident.objects.count() == 1

    def test_another_source_may_use_the_same_reference(self, api, org):
        post(api, payload())
        hr = SourceSystem.objects.create(name="HR", function=org.function, author=org.people[Role.HEAD_OF_PROFESSION])
        _, raw = source_token_issue(actor=None, source_system=hr)
        response = post(APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}"), payload(category="hr_staff"))
        assert response.status_code == 201
        assert Incident.objects.count() == 2

    def test_ten_identical_posts_in_a_row_make_one_record(self, api):
        codes = [post(api, payload(), HTTP_IDEMPOTENCY_KEY="key-1").status_code for _ in range(10)]
        assert codes == [201] + [200] * 9
        assert Incident.objects.count() == 1
        assert IdempotencyKey.objects.count() == 1


@pytest.mark.django_db
class TestIdempotencyKey:
    def test_the_same_key_returns_the_first_record(self, api):
        first = post(api, payload(), HTTP_IDEMPOTENCY_KEY="abc")
        second = post(api, payload(), HTTP_IDEMPOTENCY_KEY="abc")
        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json()["id"] == second.json()["id"]

    def test_the_same_key_for_a_different_request_is_refused(self, api):
        post(api, payload(), HTTP_IDEMPOTENCY_KEY="abc")
        response = post(api, payload(source_reference="HS-2"), HTTP_IDEMPOTENCY_KEY="abc")
        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_conflict"
        assert Incident.objects.count() == 1

    def test_keys_belong_to_one_source(self, api, org):
        post(api, payload(), HTTP_IDEMPOTENCY_KEY="abc")
        hr = SourceSystem.objects.create(name="HR", function=org.function, author=org.people[Role.HEAD_OF_PROFESSION])
        _, raw = source_token_issue(actor=None, source_system=hr)
        response = post(APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}"), payload(category="hr_staff"), HTTP_IDEMPOTENCY_KEY="abc")
        assert response.status_code == 201

    @pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there"])
    def test_a_malformed_key_is_a_400(self, api, key):
        response = post(api, payload(), HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 400
        assert "Idempotency-Key" in response.json()
        assert Incident.objects.count() == 0


@pytest.mark.django_db
class TestInvalidPayload:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"category": "fire"}, "category"),
            ({"category": "child_seriously_harmed"}, "category"),  # a case criterion, not a 2.11 category
            ({"category": ...}, "category"),
            ({"title": ...}, "title"),
            ({"title": "x" * 151}, "title"),
            ({"what_happened": ""}, "what_happened"),
            ({"source_reference": ...}, "source_reference"),
            ({"source_reference": "<script>"}, "source_reference"),
            ({"source_reference": "line\nbreak"}, "source_reference"),
            ({"incident_date": "yesterday"}, "incident_date"),
            ({"incident_date": "2999-01-01", "aware_date": None}, "incident_date"),
            ({"incident_date": "2026-01-05", "aware_date": "2026-01-01"}, "aware_date"),
        ],
    )
    def test_field_errors(self, api, changes, field):
        response = post(api, payload(**changes))
        assert response.status_code == 400, response.content
        assert field in response.json()
        assert Incident.objects.count() == 0

    @pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{not json", "null", ""])
    def test_not_an_object(self, api, body):
        response = api.post(URL, data=body, content_type="application/json")
        assert response.status_code == 400
        assert Incident.objects.count() == 0

    def test_form_encoded_is_refused(self, api):
        response = api.post(URL, data=payload())
        assert response.status_code == 415

    def test_a_switched_off_category_is_a_400(self, api):
        from incidents.models import Criterion

        Criterion.objects.filter(code="health_safety").update(active=False)
        response = post(api, payload())
        assert response.status_code == 400
        assert "criteria" in response.json()
        assert Incident.objects.count() == 0

    def test_script_is_kept_as_text_and_shown_harmlessly(self, api, org, signed_in):
        response = post(api, payload(title="<script>alert(1)</script>"))
        incident = Incident.objects.get(pk=response.json()["id"])
        assert incident.title == "<script>alert(1)</script>"
        page = signed_in(org.people[Role.HEAD_OF_PROFESSION]).get(incident.get_absolute_url())
        assert b"<script>alert(1)</script>" not in page.content
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


@pytest.mark.django_db
class TestAuthentication:
    def test_no_token(self, source):
        response = post(APIClient(), payload())
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")

    @pytest.mark.parametrize("header", ["Bearer wrong", "Bearer", "Bearer a b", "Token abc", "Bearer \u00e9t\u00e9"])
    def test_wrong_or_malformed_token(self, source, raw_token, header):
        client = APIClient(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
        assert post(client, payload()).status_code == 401
        assert Incident.objects.count() == 0

    def test_revoked_token(self, api, raw_token, org):
        token = SourceToken.objects.get(token_hash=hash_token(raw_token))
        source_token_revoke(actor=org.people[Role.ADMINISTRATOR], token_id=token.pk)
        assert post(api, payload()).status_code == 401
        assert AuditEvent.objects.filter(action="intake.token_revoke", object_id=str(token.pk)).exists()

    def test_switched_off_source(self, api, source):
        source.active = False
        source.save()
        assert post(api, payload()).status_code == 401

    def test_a_signed_in_person_cannot_push(self, org, signed_in, source):
        client = signed_in(org.people[Role.HEAD_OF_PROFESSION])
        response = client.post(URL, data=json.dumps(payload()), content_type="application/json")
        assert response.status_code in (401, 403)
        assert Incident.objects.count() == 0

    def test_a_source_token_opens_nothing_else(self, api, source):
        post(api, payload())
        assert api.get("/api/incidents/").status_code in (401, 403)
        assert api.get(f"/api/incidents/{Incident.objects.get().pk}/").status_code in (401, 403)

    def test_only_the_hash_is_stored(self, raw_token):
        token = SourceToken.objects.get()
        assert token.token_hash == hash_token(raw_token) and raw_token not in token.token_hash
        assert raw_token.startswith(token.prefix) and len(token.prefix) < len(raw_token)
        assert AuditEvent.objects.filter(action="intake.token_issue").exists()
        assert raw_token not in json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)))

    def test_author_who_lost_the_role_is_a_clear_409(self, api, org):
        from organisation.models import RoleAssignment

        RoleAssignment.objects.filter(user=org.people[Role.HEAD_OF_PROFESSION]).delete()
        response = post(api, payload())
        assert response.status_code == 409
        assert "administrator" in response.json()["detail"]
        assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_source_system_checks_its_author_holds_the_role(org):
    from django.core.exceptions import ValidationError

    wrong = SourceSystem(name="HR", function=org.function, author=org.people[Role.ASSISTANT_DIRECTOR])
    with pytest.raises(ValidationError):
        wrong.full_clean()
    both = SourceSystem(name="HR", function=org.function, service_area=org.area, author=org.people[Role.HEAD_OF_PROFESSION])
    with pytest.raises(ValidationError):
        both.full_clean()
    SourceSystem(name="HR", function=org.function, author=org.people[Role.HEAD_OF_PROFESSION]).full_clean()


@pytest.mark.django_db
def test_openapi_schema_documents_the_endpoint_with_examples(org, signed_in):
    response = signed_in(org.people[Role.CEO]).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/intake/incidents/"]["post"]
    assert operation["security"] == [{"sourceSystemToken": []}]
    assert schema["components"]["securitySchemes"]["sourceSystemToken"]["scheme"] == "bearer"
    assert {"201", "200", "400", "401", "409"} <= set(operation["responses"])
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert any(e["value"]["category"] == "health_safety" for e in examples.values())
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"])


@pytest.mark.django_db
class TestAdmin:
    @pytest.fixture
    def admin_client(self, org, signed_in):
        admin = org.people[Role.ADMINISTRATOR]
        admin.is_staff = admin.is_superuser = True
        admin.save()
        return signed_in(admin)

    def test_issuing_shows_the_token_once_and_keeps_only_its_hash(self, admin_client, source):
        response = admin_client.post("/admin/intake/sourcetoken/add/", {"source_system": source.pk})
        assert response.status_code == 200
        token = SourceToken.objects.get()
        raw = response.context["raw_token"]
        assert raw.encode() in response.content
        assert token.token_hash == hash_token(raw)
        assert "no-store" in response["Cache-Control"]
        # Never again: the token's own page does not show it.
        again = admin_client.get(f"/admin/intake/sourcetoken/{token.pk}/change/")
        assert again.status_code == 200 and raw.encode() not in again.content
        # ...and it works.
        assert post(APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}"), payload()).status_code == 201

    def test_registering_a_source_system_checks_the_author_and_keeps_the_name(self, admin_client, org):
        data = {"name": "HR", "function": org.function.pk, "author": org.people[Role.ASSISTANT_DIRECTOR].pk, "active": "on"}
        refused = admin_client.post("/admin/intake/sourcesystem/add/", data)
        assert refused.status_code == 200 and b"not the Head of Profession" in refused.content
        data["author"] = org.people[Role.HEAD_OF_PROFESSION].pk
        assert admin_client.post("/admin/intake/sourcesystem/add/", data).status_code == 302
        system = SourceSystem.objects.get(name="HR")
        admin_client.post(f"/admin/intake/sourcesystem/{system.pk}/change/", {**data, "name": "Renamed"})
        system.refresh_from_db()
        assert system.name == "HR"

    def test_revoke_action(self, admin_client, raw_token, source):
        token = SourceToken.objects.get()
        response = admin_client.post("/admin/intake/sourcetoken/", {"action": "revoke", "_selected_action": [token.pk]})
        assert response.status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert post(APIClient(HTTP_AUTHORIZATION=f"Bearer {raw_token}"), payload()).status_code == 401


def _ensure_criteria():
    """A transactional test empties the tables, the criteria of the data migration too."""
    from incidents.criteria import NON_CASE_CATEGORIES
    from incidents.models import Criterion

    for order, (code, text) in enumerate(NON_CASE_CATEGORIES):
        Criterion.objects.get_or_create(code=code, defaults={"kind": Kind.NON_CASE, "text": text, "order": order})


def _concurrent_posts(raw_token, n, key=None):
    """n threads post the same request at the same moment; returns their status codes."""
    barrier = threading.Barrier(n)
    codes, errors = [], []

    def worker():
        from django.db import connections

        try:
            client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
            headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
            barrier.wait(timeout=30)
            response = post(client, payload(), **headers)
            codes.append(response.status_code)
            if response.status_code >= 400:
                errors.append(response.content)
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return codes


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads share the test database only on PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key", [None, "same-key"])
def test_ten_concurrent_identical_posts_make_exactly_one_record(raw_token, key):
    _ensure_criteria()
    codes = _concurrent_posts(raw_token, 10, key=key)
    assert sorted(codes) == [200] * 9 + [201]
    assert Incident.objects.count() == 1
    assert AuditEvent.objects.filter(action="intake.receive").count() == 1
    assert Notification.objects.count() == 1
    assert IdempotencyKey.objects.count() == (1 if key else 0)


def test_dates_in_payload_are_in_the_past():
    # The fixed dates of `payload()` must stay valid (never in the future).
    assert timezone.localdate() - timedelta(days=1) >= date(2026, 1, 6)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "' + b"x" * (3 * 1024 * 1024) + b'"}',
        b"\xff\xfe not utf-8",
        b"[" * 5000 + b"]" * 5000,
        b'{"category": {"nested": ["health_safety"]}, "source_reference": ["a"], "title": 5, "what_happened": null}',
    ],
)
def test_hostile_bodies_are_a_400_never_a_500(api, body):
    response = api.post(URL, data=body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_a_source_system_reads_the_schema_with_its_token_and_nobody_else_without_signing_in(api, org):
    """The API description is for those who use it (decision 0007)."""
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/intake/incidents/" in json.loads(response.content)["paths"]
    anonymous = APIClient()
    assert anonymous.get("/api/schema/").status_code == 403
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("accounts:login"))
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert revoked.get("/api/schema/").status_code == 403
