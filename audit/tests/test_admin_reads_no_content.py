"""The audit trail, which administrators read, names a record that may quote content by kind and number.

A briefing's title, an action's description or a file's name can describe the family; the trail says
"Briefing 3 of SIN-2026-0001", never the words (DESIGN.md: an administrator reads no incident content).
"""

import pytest

from audit.models import AuditEvent
from conftest import sign_in
from incidents import services
from incidents.choices import ActionStatus, Decision, Stage
from incidents.models import Briefing
from incidents.tests.factories import incident_at, requested_action
from organisation.choices import Role
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db

TITLE = "The Smith children and their father"
ACTION = "Visit J.W. weekly at the Smith home"


@pytest.fixture
def trail(org):
    incident = incident_at(org, Stage.FINAL_DECISION)
    services.incident_ceo_final_decide(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.SHARE_CHAIR,
        rationale="The Chair must know.",
        briefing_title=TITLE,
        briefing_text="Text.",
        action=requested_action(org.people[Role.LOCAL_MANAGER], description=ACTION),
    )
    briefing = Briefing.objects.get(incident=incident)
    services.briefing_viewed(actor=org.people[Role.CHAIR], briefing=briefing)
    action = incident.actions.get()
    services.action_update(
        actor=org.people[Role.LOCAL_MANAGER],
        action_id=action.pk,
        expected_version=action.version,
        status=ActionStatus.IN_PROGRESS,
        evidence="",
    )
    return incident, briefing, action


def test_events_about_a_briefing_or_an_action_name_them_by_number(trail):
    incident, briefing, action = trail
    viewed = AuditEvent.objects.get(action="briefing.view", object_id=str(briefing.pk))
    assert viewed.object_repr == f"Briefing {briefing.pk} of {incident.reference}"
    updated = AuditEvent.objects.get(action="action.update", object_id=str(action.pk))
    assert updated.object_repr == f"Action {action.pk} of {incident.reference}"
    assert not AuditEvent.objects.filter(object_repr__contains="Smith").exists()


def test_the_audit_pages_neither_show_nor_find_the_words(trail, client):
    _incident, briefing, _action = trail
    admin = person(Role.ADMINISTRATOR, username="admin", is_staff=True, is_superuser=True)
    c = sign_in(client, admin)
    listing = c.get("/admin/audit/auditevent/")
    assert listing.status_code == 200 and "Smith" not in listing.content.decode()
    found = c.get("/admin/audit/auditevent/", {"q": "Smith"})
    assert found.context["cl"].result_count == 0
    event = AuditEvent.objects.get(action="briefing.view", object_id=str(briefing.pk))
    page = c.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and "Smith" not in page.content.decode()
