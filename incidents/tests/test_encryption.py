"""The child, the case reference and the court are encrypted at rest under a key outside the database (decision 0019).

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://.../sin_<name>).
"""

import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from conftest import sign_in
from core.tests.test_pages import _production_check
from incidents.choices import Stage
from incidents.fields import UndecryptableValue
from incidents.models import Incident
from incidents.tests.factories import case_form, incident_at
from organisation.choices import Role

pytestmark = pytest.mark.django_db

CHILD, REFERENCE, COURT = "K.L., 14; M.L., 9", "NE26C00412", "Newcastle Family Court"
KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _raw(incident) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT children, case_reference, court, case_reference_hash FROM incidents_incident WHERE id = %s", [incident.pk]
        )
        return cursor.fetchone()


def _incident(org, **values):
    return incident_at(
        org,
        Stage.CASE_REVIEW,
        data=case_form(children=CHILD, case_reference=REFERENCE, court=COURT, title="Missing overnight", **values),
    )


def test_the_database_holds_no_plain_text_of_the_child_the_case_reference_or_the_court(org):
    incident = _incident(org)
    children, reference, court, reference_hash = _raw(incident)
    for stored, plain in ((children, CHILD), (reference, REFERENCE), (court, COURT)):
        assert stored.startswith("fernet:development:"), stored
        assert plain not in stored and "K.L." not in stored and "NE26" not in stored and "Newcastle" not in stored
    assert len(reference_hash) == 64 and REFERENCE not in reference_hash.upper()
    # Each value is encrypted afresh: two rows with the same reference store different text, the same hash.
    other = _incident(org)
    assert _raw(other)[1] != reference and _raw(other)[3] == reference_hash


def test_the_record_page_and_the_api_still_show_them(org, client):
    incident = _incident(org)
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert CHILD in page and REFERENCE in page and COURT in page
    data = client.get(f"/api/incidents/{incident.pk}/").json()
    assert (data["children"], data["case_reference"], data["court"]) == (CHILD, REFERENCE, COURT)


@pytest.mark.parametrize("typed", [REFERENCE, "ne26c00412", " NE26 C00412 ", "ne26-c00412"])
def test_the_incident_list_finds_a_case_reference_typed_exactly(org, client, typed):
    wanted = _incident(org)
    other = incident_at(org, Stage.CASE_REVIEW, data=case_form(case_reference="SW26P00977", title="Another case"))
    sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
    page = client.get("/incidents/", {"q": typed}).content.decode()
    assert wanted.reference in page
    assert other.reference not in page


def test_part_of_a_case_reference_finds_nothing_and_titles_are_still_searched(org, client):
    wanted = _incident(org)
    sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
    assert wanted.reference not in client.get("/incidents/", {"q": "NE26C004"}).content.decode()
    assert wanted.reference in client.get("/incidents/", {"q": "missing overnight"}).content.decode()
    assert wanted.reference in client.get("/incidents/", {"q": wanted.reference}).content.decode()


def test_the_database_cannot_be_asked_to_search_inside_an_encrypted_field(org):
    _incident(org)
    with pytest.raises(FieldError):
        list(Incident.objects.filter(children__icontains="K.L."))


def test_a_wrong_key_fails_loudly_naming_the_field_and_the_key_never_the_value(org):
    incident = _incident(org)
    with override_settings(FIELD_ENCRYPTION_KEYS={"development": KEY_A}, FIELD_ENCRYPTION_KEY_ID="development"):
        with pytest.raises(UndecryptableValue) as wrong:
            Incident.objects.get(pk=incident.pk)
    message = str(wrong.value)
    assert "Incident." in message and "'development'" in message
    assert CHILD not in message and REFERENCE not in message
    with override_settings(FIELD_ENCRYPTION_KEYS={"2027-01": KEY_A}, FIELD_ENCRYPTION_KEY_ID="2027-01"):
        with pytest.raises(UndecryptableValue, match="which FIELD_ENCRYPTION_KEYS does not hold"):
            Incident.objects.get(pk=incident.pk)


def test_a_value_altered_in_the_database_fails_loudly(org):
    incident = _incident(org)
    stored = _raw(incident)[0]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incident SET children = %s WHERE id = %s", [stored[:-6] + "AAAAAA", incident.pk])
    with pytest.raises(UndecryptableValue, match="does not open"):
        Incident.objects.get(pk=incident.pk)


def test_keys_rotate_old_values_are_read_and_found_then_written_again_under_the_new_key(org, client):
    with override_settings(FIELD_ENCRYPTION_KEYS={"2026-12": KEY_A}, FIELD_ENCRYPTION_KEY_ID="2026-12"):
        incident = _incident(org)
    rotated = {"2027-06": KEY_B, "2026-12": KEY_A}
    with override_settings(FIELD_ENCRYPTION_KEYS=rotated, FIELD_ENCRYPTION_KEY_ID="2027-06"):
        assert Incident.objects.get(pk=incident.pk).children == CHILD
        sign_in(client, org.people[Role.ASSISTANT_DIRECTOR])
        assert incident.reference in client.get("/incidents/", {"q": REFERENCE}).content.decode()
        call_command("fields_reencrypt")
        assert all(value.startswith("fernet:2027-06:") for value in _raw(incident)[:3])
    with override_settings(FIELD_ENCRYPTION_KEYS={"2027-06": KEY_B}, FIELD_ENCRYPTION_KEY_ID="2027-06"):
        found = Incident.objects.get(pk=incident.pk)
        assert (found.children, found.case_reference, found.court) == (CHILD, REFERENCE, COURT)
        assert incident.reference in client.get("/incidents/", {"q": REFERENCE}).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_rows_written_before_it_and_decrypts_them_backwards(org):
    from django.db.migrations.executor import MigrationExecutor

    incident = _incident(org)
    with connection.cursor() as cursor:  # a row as the table held it before the migration
        cursor.execute(
            "UPDATE incidents_incident SET children = %s, case_reference = %s, court = %s, case_reference_hash = '' "
            "WHERE id = %s",
            [CHILD, REFERENCE, COURT, incident.pk],
        )
    executor = MigrationExecutor(connection)
    before, after = ("incidents", "0005_action_moves_to_the_actions_app"), ("incidents", "0006_encrypt_child_and_case_reference")
    try:
        executor.migrate([before])
        assert _raw_columns(incident) == (CHILD, REFERENCE, COURT)
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        children, reference, court, reference_hash = _raw(incident)
        assert all(value.startswith("fernet:") for value in (children, reference, court))
        assert reference_hash and Incident.objects.get(pk=incident.pk).case_reference == REFERENCE
        executor = MigrationExecutor(connection)
        executor.migrate([before])
        assert _raw_columns(incident) == (CHILD, REFERENCE, COURT)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def _raw_columns(incident) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT children, case_reference, court FROM incidents_incident WHERE id = %s", [incident.pk])
        return cursor.fetchone()


@pytest.mark.parametrize(
    ("keys", "key_id", "message"),
    [
        (None, None, "Set FIELD_ENCRYPTION_KEYS"),
        (json.dumps({"dev": "aW5zZWN1cmUgZGV2ZWxvcG1lbnQgZmllbGQga2V5ISE="}), None, "is the development key"),
        (json.dumps({"2026-12": "not-a-fernet-key"}), None, "is not a Fernet key"),
        (json.dumps({"2026-12": KEY_A}), "2025-01", "FIELD_ENCRYPTION_KEY_ID must name one of the keys"),
    ],
)
def test_production_refuses_to_start_without_a_proper_field_encryption_key(keys, key_id, message):
    result = _production_check(FIELD_ENCRYPTION_KEYS=keys, FIELD_ENCRYPTION_KEY_ID=key_id)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_proper_field_encryption_key():
    assert (
        _production_check(FIELD_ENCRYPTION_KEYS=json.dumps({"2026-12": KEY_A}), FIELD_ENCRYPTION_KEY_ID="2026-12").returncode == 0
    )
