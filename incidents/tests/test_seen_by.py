"""Who has seen this record (UK GDPR, privacy by design): the SIN's access log for its AD, OD, Core CMT and CEO."""

import re

import pytest
from django.test import Client

from audit.models import AuditEvent
from conftest import sign_in
from incidents.choices import Decision, Stage
from incidents.tests.factories import incident_at
from incidents.views_seen_by import OPENED, PAGE_SIZE
from organisation.choices import Role
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db

MAY_SEE = (Role.ASSISTANT_DIRECTOR, Role.OPERATIONAL_DIRECTOR, Role.CMT_MEMBER, Role.CEO)


def _client(user) -> Client:
    return sign_in(Client(), user)


def _rows(response) -> list[str]:
    """The table's rows as text, tags stripped."""
    body = response.content.decode()
    table = body.split('data-testid="seen-by"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.split(">", 1)[1])).strip() for row in table.split("<tr")[2:]]


def test_the_ad_sees_who_read_downloaded_and_was_briefed_with_when_and_what(org):
    incident = incident_at(org, Stage.ACTIONS, final_decision=Decision.SHARE_BOARD)
    p = org.people
    lm, nis, board = p[Role.LOCAL_MANAGER], p[Role.NIS_REVIEWER], p[Role.BOARD_MEMBER]
    assert _client(lm).get(f"/incidents/{incident.pk}/").status_code == 200
    assert _client(lm).get(f"/documents/incidents/{incident.pk}/pdf/").status_code == 200
    assert _client(nis).get(f"/api/incidents/{incident.pk}/case-review/").status_code == 200
    briefing = incident.briefings.get()
    assert _client(board).get(f"/incidents/briefings/{briefing.pk}/").status_code == 200
    other = incident_at(org, Stage.CASE_REVIEW)
    _client(p[Role.CMT_MEMBER]).get(f"/incidents/{other.pk}/")  # another record's read is not this one's

    response = _client(p[Role.ASSISTANT_DIRECTOR]).get(f"/incidents/{incident.pk}/seen-by/")

    assert response.status_code == 200
    rows = _rows(response)
    assert rows[0].endswith(f"({p[Role.ASSISTANT_DIRECTOR].username}) Looked at who has seen the record")
    assert any(f"({board.username}) Read a briefing made from the record" in row for row in rows)
    assert any(f"({nis.username}) Read the record" in row for row in rows)
    assert any(f"({lm.username}) Downloaded the record as PDF" in row for row in rows)
    assert any(f"({lm.username}) Read the record" in row for row in rows)
    assert not any(p[Role.CMT_MEMBER].username in row for row in rows)
    assert re.match(r"\d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} ", rows[0]), rows[0]


def test_opening_the_page_is_itself_in_the_audit_trail(org):
    incident = incident_at(org, Stage.CASE_REVIEW)
    ceo = org.people[Role.CEO]
    _client(ceo).get(f"/incidents/{incident.pk}/seen-by/")
    event = AuditEvent.objects.get(action=OPENED)
    assert (event.actor, event.object_type, event.object_id) == (ceo, "incidents.incident", str(incident.pk))


def test_a_file_download_says_which_file(org):
    from documents import services as documents
    from documents.word import blank_sin_form

    incident = incident_at(org, Stage.CASE_REVIEW)
    attachment = documents.attachment_add(
        actor=org.people[Role.LOCAL_MANAGER], incident_id=incident.pk, name="statement.docx", data=blank_sin_form("case")
    )
    documents.attachment_downloaded(actor=org.people[Role.LOCAL_MANAGER], attachment=attachment)
    response = _client(org.people[Role.OPERATIONAL_DIRECTOR]).get(f"/incidents/{incident.pk}/seen-by/")
    assert any("Downloaded a file of the notification (statement.docx)" in row for row in _rows(response))


def test_the_log_is_paginated_newest_first(org):
    from incidents import services

    incident = incident_at(org, Stage.CASE_REVIEW)
    lm = org.people[Role.LOCAL_MANAGER]
    for _ in range(PAGE_SIZE + 5):
        services.incident_viewed(actor=lm, incident=incident)
    views_before = AuditEvent.objects.filter(action="incident.view", object_id=str(incident.pk)).count()
    c = _client(org.people[Role.CMT_MEMBER])
    first = c.get(f"/incidents/{incident.pk}/seen-by/")
    assert len(_rows(first)) == PAGE_SIZE
    assert "Page 1 of 2" in first.content.decode()
    second = c.get(f"/incidents/{incident.pk}/seen-by/?page=2")
    # Every view and both openings of the page, once each across the two pages.
    assert len(_rows(first)) + len(_rows(second)) == views_before + 2
    assert "Looked at who has seen the record" in _rows(first)[0]


@pytest.mark.parametrize("stage", [Stage.WITH_AD, Stage.CASE_REVIEW])
def test_every_other_person_gets_404_or_403_and_leaves_no_trace(org, stage):
    incident = incident_at(org, stage)
    lm_superuser = person(Role.LOCAL_MANAGER, place=org.team, username="admin_and_manager", is_superuser=True, is_staff=True)
    everyone = [
        *org.people.values(),
        *org.other.values(),
        org.nobody,
        lm_superuser,
        person(None, username="plain_superuser", is_superuser=True, is_staff=True),
    ]
    allowed = {org.people[role] for role in MAY_SEE}
    if stage == Stage.WITH_AD:
        allowed -= {org.people[Role.CMT_MEMBER], org.people[Role.CEO]}  # not notified: outside their sight
    statuses = {}
    for user in everyone:
        client = _client(user)
        sees_record = client.get(f"/incidents/{incident.pk}/").status_code == 200
        status = client.get(f"/incidents/{incident.pk}/seen-by/").status_code
        statuses[user.username] = status
        if user in allowed:
            assert status == 200, user.username
        else:
            assert status == (403 if sees_record else 404), user.username
    assert statuses["admin_and_manager"] == 403  # a superuser is not let through by has_perm's superuser pass
    assert statuses["local_manager"] == 403 and statuses["nis_reviewer"] in (403, 404)
    openers = set(AuditEvent.objects.filter(action=OPENED).values_list("actor__username", flat=True))
    assert openers == {user.username for user in allowed}


def test_the_record_page_links_to_it_only_for_those_who_may_open_it(org):
    incident = incident_at(org, Stage.CASE_REVIEW)
    lm_superuser = person(Role.LOCAL_MANAGER, place=org.team, username="admin_and_manager", is_superuser=True, is_staff=True)
    link = f'href="/incidents/{incident.pk}/seen-by/"'
    for role in MAY_SEE:
        assert link in _client(org.people[role]).get(f"/incidents/{incident.pk}/").content.decode(), role
    for user in (org.people[Role.LOCAL_MANAGER], org.people[Role.NIS_REVIEWER], lm_superuser):
        assert link not in _client(user).get(f"/incidents/{incident.pk}/").content.decode(), user.username
