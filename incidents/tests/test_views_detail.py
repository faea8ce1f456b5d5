"""The SIN's detail page: the timeline, the steps this person may take, the audit of reading, briefings and escaping."""

import pytest

from conftest import sign_in
from incidents.choices import Decision, Proposal, Stage, Step
from incidents.models import Briefing
from incidents.tests.factories import incident_at
from incidents.tests.helpers import AD, BOARD, CHAIR, LM, OD, as_user, html
from organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_detail_shows_timeline_and_only_the_steps_this_person_may_take(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    ad, lm, od = org.people[AD], org.people[LM], org.people[OD]

    body = html(as_user(client, ad).get(f"/incidents/{incident.pk}/"))
    assert 'data-testid="timeline"' in body
    timeline = body.split('data-testid="timeline"', 1)[1]
    assert Step.CREATE.label in timeline and Step.SUBMIT.label in timeline
    assert lm.get_full_name() in timeline
    assert f"/incidents/{incident.pk}/step/ad_analyse/" in body
    assert f"/incidents/{incident.pk}/step/ad_return/" in body
    assert "/step/od_sign_off/" not in body
    assert "Edit the form" not in body

    body = html(as_user(client, lm).get(f"/incidents/{incident.pk}/"))
    assert "/step/" not in body
    assert "What you can do" not in body

    body = html(as_user(client, od).get(f"/incidents/{incident.pk}/"))
    assert "/step/" not in body

    # After the analysis, the OD sees the three steps of sign-off, and the analysis in the timeline.
    incident = incident_at(org, Stage.WITH_OD)
    body = html(as_user(client, od).get(f"/incidents/{incident.pk}/"))
    for step in ("od_sign_off", "od_return", "od_not_notifiable"):
        assert f"/step/{step}/" in body
    assert "/step/ad_analyse/" not in body
    assert "Analysis." in body and ad.get_full_name() in body
    assert Proposal.MEETS_SHARE.label in body


def test_detail_page_is_recorded_in_the_audit_trail(org, client):
    from audit.models import AuditEvent

    incident = incident_at(org, Stage.WITH_AD)
    as_user(client, org.people[AD]).get(f"/incidents/{incident.pk}/")
    assert AuditEvent.objects.filter(action="incident.view", actor=org.people[AD]).exists()


def test_board_member_reads_the_briefing_but_not_the_incident(org, client):
    incident = incident_at(org, Stage.ACTIONS, final_decision=Decision.SHARE_BOARD)
    briefing = Briefing.objects.get(incident=incident)
    c = as_user(client, org.people[BOARD])
    response = c.get(f"/incidents/briefings/{briefing.pk}/")
    assert response.status_code == 200
    assert "Briefing text." in html(response)
    assert incident.what_happened not in html(response)
    assert briefing.title in html(c.get("/incidents/briefings/"))
    assert c.get(f"/incidents/{incident.pk}/").status_code == 404
    assert c.get(f"/incidents/{incident.pk}/step/ceo_decision/").status_code == 404
    assert incident.reference not in html(c.get("/incidents/"))


def test_chair_only_briefing_is_hidden_from_board_members(org, client):
    incident = incident_at(org, Stage.ACTIONS, final_decision=Decision.SHARE_CHAIR)
    briefing = Briefing.objects.get(incident=incident)
    assert as_user(client, org.people[BOARD]).get(f"/incidents/briefings/{briefing.pk}/").status_code == 404
    assert as_user(client, org.people[CHAIR]).get(f"/incidents/briefings/{briefing.pk}/").status_code == 200
    # Someone outside the Board reads no briefing.
    assert as_user(client, org.people[LM]).get(f"/incidents/briefings/{briefing.pk}/").status_code == 404


def test_script_in_a_field_is_escaped(org, client):
    from incidents.tests.factories import case_form

    script = "<script>alert(1)</script>"
    incident = incident_at(org, Stage.WITH_AD, data=case_form(title=script, what_happened=script, children=script))
    c = as_user(client, org.people[AD])
    for url in (f"/incidents/{incident.pk}/", "/incidents/", "/incidents/awaiting-my-action/", "/"):
        body = html(c.get(url))
        assert script not in body, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html(c.get(f"/incidents/{incident.pk}/"))
    response = c.post(f"/incidents/{incident.pk}/step/ad_return/", {"version": incident.version, "text": script})
    assert response.status_code == 302
    assert script not in html(as_user(client, org.people[LM]).get(f"/incidents/{incident.pk}/"))


def test_the_ceo_and_others_who_see_the_record_read_the_briefing_shared_on_it(org, client):
    from incidents import services

    incident = incident_at(org, Stage.CASE_REVIEW)
    services.incident_ceo_decide(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.SHARE_CHAIR,
        rationale="The Chair should know.",
        briefing_title="A serious harm case",
        briefing_text="What the Chair needs to know.",
    )
    for role in (Role.CEO, Role.CMT_MEMBER, Role.ASSISTANT_DIRECTOR):
        sign_in(client, org.people[role])
        page = client.get(f"/incidents/{incident.pk}/").content.decode()
        assert "Briefing for the Chair only: A serious harm case" in page, role
        assert "What the Chair needs to know." in page, role
