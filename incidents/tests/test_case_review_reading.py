"""Who reads a CR1 before and after the Operational Service Director signs it off (2.5).

Before sign-off the CR1 is unfinished work: only NIS reviewers and the person
who signs it off read it. After sign-off it goes to Core CMT, and everyone who
sees the SIN reads it. The page, the API, the Word and PDF papers all follow
the one rule, incidents.read_case_review.
"""

import io
import zipfile

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from conftest import sign_in
from incidents import services
from incidents.choices import Stage
from incidents.tests.factories import incident_at
from organisation.choices import Role as R

pytestmark = pytest.mark.django_db

CR1_TEXT = "Chronology of events."


def _reads_on_page(client, incident) -> bool:
    page = client.get(f"/incidents/{incident.pk}/")
    assert page.status_code == 200
    return CR1_TEXT in page.content.decode()


def _reads_in_word(client, incident) -> bool:
    response = client.get(f"/documents/incidents/{incident.pk}/word/")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        return CR1_TEXT in package.read("word/document.xml").decode()


def _reads_through_api(user, incident) -> bool:
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(f"/api/incidents/{incident.pk}/case-review/")
    assert response.status_code == 200
    return response.json().get("chronology") == CR1_TEXT


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        (R.NIS_REVIEWER, True),
        (R.OPERATIONAL_DIRECTOR, True),
        (R.CMT_MEMBER, False),
        (R.CEO, False),
        (R.LOCAL_MANAGER, False),
        (R.ASSISTANT_DIRECTOR, False),
    ],
)
def test_a_submitted_cr1_is_read_only_by_nis_and_the_person_who_signs_it_off(org, client, role, reads):
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    user = org.people[role]
    sign_in(client, user)
    assert _reads_on_page(client, incident) is reads
    assert _reads_in_word(client, incident) is reads
    assert _reads_through_api(user, incident) is reads


@pytest.mark.parametrize("role", [R.CMT_MEMBER, R.CEO, R.LOCAL_MANAGER, R.ASSISTANT_DIRECTOR, R.NIS_REVIEWER])
def test_once_signed_off_everyone_who_sees_the_sin_reads_the_cr1(org, client, role):
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    services.case_review_sign_off(
        actor=org.people[R.OPERATIONAL_DIRECTOR], incident_id=incident.pk, expected_version=incident.version
    )
    user = org.people[role]
    sign_in(client, user)
    assert _reads_on_page(client, incident)
    assert _reads_in_word(client, incident)
    assert _reads_through_api(user, incident)


def test_a_draft_cr1_is_read_by_nis_reviewers_only(org, client):
    incident = incident_at(org, Stage.CASE_REVIEW)
    services.case_review_save(
        actor=org.people[R.NIS_REVIEWER],
        incident_id=incident.pk,
        expected_version=incident.version,
        values={"chronology": CR1_TEXT},
        submit=False,
    )
    for role, reads in [(R.NIS_REVIEWER, True), (R.OPERATIONAL_DIRECTOR, False), (R.CMT_MEMBER, False)]:
        sign_in(client, org.people[role])
        assert _reads_on_page(client, incident) is reads, role


def test_reading_the_cr1_through_the_api_is_audited(org):
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    reviewer = org.people[R.NIS_REVIEWER]
    before = AuditEvent.objects.filter(action="incident.view", actor=reviewer).count()
    assert _reads_through_api(reviewer, incident)
    assert AuditEvent.objects.filter(action="incident.view", actor=reviewer, object_id=str(incident.pk)).count() == before + 1


def test_a_superuser_reads_a_cr1_by_the_same_rule_as_anyone(org, client):
    """A superuser passes every user.has_perm; the CR1 rule is asked of the rules themselves."""
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    cmt = org.people[R.CMT_MEMBER]
    cmt.is_staff = cmt.is_superuser = True
    cmt.save()
    sign_in(client, cmt)
    assert not _reads_on_page(client, incident)
    assert not _reads_in_word(client, incident)
    assert not _reads_through_api(cmt, incident)
