"""The steps of a SIN through the pages: the whole lifecycle, returns, the OD, CR1 sign-off, the CEO and the learning."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.choices import ActionStatus, Decision, Proposal, ReviewStatus, Stage, Step
from incidents.models import Action, Briefing, CeoDecision
from incidents.tests.factories import CR1_VALUES, incident_at
from incidents.tests.helpers import AD, CEO, CMT, LM, NIS, OD, as_user, assert_error_page, date_fields, edit_post, fresh, html
from organisation.tests.factories import give_role, person

pytestmark = pytest.mark.django_db


def _ad_analyses_and_od_signs_off(client, p, incident):
    pk = incident.pk

    # The AD's analysis and proposal.
    c = as_user(client, p[AD])
    page = c.get(f"/incidents/{pk}/step/ad_analyse/")
    assert page.status_code == 200 and "Your analysis of the situation" in html(page)
    response = c.post(
        f"/incidents/{pk}/step/ad_analyse/",
        {"version": fresh(incident).version, "analysis": "It meets criterion 3.", "proposal": Proposal.MEETS_SHARE},
    )
    assert response.status_code == 302, html(response)[:3000]
    assert fresh(incident).stage == Stage.WITH_OD

    # The OD signs off: Core CMT is alerted and the CR1 commissioned.
    c = as_user(client, p[OD])
    assert c.get(f"/incidents/{pk}/step/od_sign_off/").status_code == 200
    response = c.post(f"/incidents/{pk}/step/od_sign_off/", {"version": fresh(incident).version, "text": ""})
    assert response.status_code == 302, html(response)[:3000]
    incident = fresh(incident)
    assert incident.stage == Stage.CASE_REVIEW and incident.notified_at is not None


def _ceo_shares_and_nis_writes_the_cr1(client, p, incident):
    pk = incident.pk

    # The CEO shares a briefing with the Board.
    c = as_user(client, p[CEO])
    page = c.get(f"/incidents/{pk}/step/ceo_decision/")
    assert page.status_code == 200 and "Briefing to share" in html(page)
    response = c.post(
        f"/incidents/{pk}/step/ceo_decision/",
        {
            "version": incident.version,
            "decision": Decision.SHARE_BOARD,
            "rationale": "The Board should know.",
            "briefing_title": "Briefing for the Board",
            "briefing_text": "A child was harmed; a review is under way.",
            "action_description": "",
            "action_owner": "",
            "action_due_date_0": "",
            "action_due_date_1": "",
            "action_due_date_2": "",
        },
    )
    assert response.status_code == 302, html(response)[:5000]
    briefing = Briefing.objects.get(incident=incident)
    assert briefing.text == "A child was harmed; a review is under way."

    # The NIS reviewer saves the CR1 as a draft, then submits it.
    c = as_user(client, p[NIS])
    page = c.get(f"/incidents/{pk}/case-review/")
    assert page.status_code == 200 and "Case review (CR1)" in html(page)
    response = c.post(
        f"/incidents/{pk}/case-review/",
        {"version": fresh(incident).version, "summary": "First go at a summary", "save_draft": "1"},
    )
    assert response.status_code == 302, html(response)[:3000]
    incident = fresh(incident)
    assert incident.stage == Stage.CASE_REVIEW
    assert incident.case_review.summary == "First go at a summary"
    assert incident.case_review.status == ReviewStatus.DRAFT
    # Submitting with sections missing names them.
    response = c.post(
        f"/incidents/{pk}/case-review/", {"version": incident.version, "summary": "First go at a summary", "submit_review": "1"}
    )
    assert response.status_code == 200
    assert "Enter the chronology" in html(response) and "govuk-error-summary" in html(response)
    response = c.post(f"/incidents/{pk}/case-review/", {"version": fresh(incident).version, **CR1_VALUES, "submit_review": "1"})
    assert response.status_code == 302, html(response)[:3000]
    incident = fresh(incident)
    assert incident.stage == Stage.CR1_SIGN_OFF
    return incident


def _cr1_signed_off_and_final_decision(client, p, incident):
    pk = incident.pk

    # The Operational Service Director signs the CR1 off.
    c = as_user(client, p[OD])
    assert c.get(f"/incidents/{pk}/step/cr1_sign_off/").status_code == 200
    response = c.post(f"/incidents/{pk}/step/cr1_sign_off/", {"version": incident.version, "text": "Agreed."})
    assert response.status_code == 302, html(response)[:3000]
    incident = fresh(incident)
    assert incident.stage == Stage.FINAL_DECISION

    # The CEO's final decision, with an action for the AD.
    c = as_user(client, p[CEO])
    page = c.get(f"/incidents/{pk}/step/ceo_final_decision/")
    assert page.status_code == 200 and "Final comments" in html(page)
    due = timezone.localdate() + timedelta(days=20)
    response = c.post(
        f"/incidents/{pk}/step/ceo_final_decision/",
        {
            "version": incident.version,
            "decision": Decision.NO_ONWARD,
            "rationale": "Handled locally.",
            "comments": "Good work.",
            "action_description": "Brief every team on the learning",
            "action_owner": p[AD].pk,
            **date_fields("action_due_date", due),
        },
    )
    assert response.status_code == 302, html(response)[:5000]
    incident = fresh(incident)
    assert incident.stage == Stage.ACTIONS
    assert CeoDecision.objects.get(incident=incident, is_final=True).comments == "Good work."
    assert incident.actions.count() == 1
    return incident, due


def _actions_done_or_carried_then_closed(client, p, incident, due):
    pk = incident.pk

    # The AD adds an action for the local manager.
    c = as_user(client, p[AD])
    page = c.get(f"/incidents/{pk}/actions/new/")
    assert page.status_code == 200
    response = c.post(
        f"/incidents/{pk}/actions/new/",
        {
            "version": incident.version,
            "action_description": "Audit three similar cases",
            "action_owner": p[LM].pk,
            **date_fields("action_due_date", due),
        },
    )
    assert response.status_code == 302, html(response)[:5000]
    second = Action.objects.get(description="Audit three similar cases")
    assert second.owner == p[LM]

    # Closing is refused while actions are open, with the reason.
    incident = fresh(incident)
    response = c.post(f"/incidents/{pk}/step/close/", {"version": incident.version, "text": ""})
    assert response.status_code == 200
    assert "neither done nor carried" in html(response)
    assert fresh(incident).stage == Stage.ACTIONS

    # The owner updates the action: done needs evidence.
    c = as_user(client, p[LM])
    assert c.get(f"/actions/{second.pk}/").status_code == 200
    response = c.post(f"/actions/{second.pk}/", {"version": second.version, "status": ActionStatus.DONE, "evidence": ""})
    assert response.status_code == 200 and "Enter the evidence that the action is done" in html(response)
    response = c.post(
        f"/actions/{second.pk}/", {"version": second.version, "status": ActionStatus.DONE, "evidence": "Audit report filed."}
    )
    assert response.status_code == 302, html(response)[:3000]
    second.refresh_from_db()
    assert second.status == ActionStatus.DONE and second.evidence == "Audit report filed."

    # The accountable AD carries the first, with the SIN's learning, into the Learning Portal (2.7) and closes.
    c = as_user(client, p[AD])
    first = Action.objects.exclude(pk=second.pk).get(incident=incident)
    response = c.post(f"/learning/carry/{pk}/", {"actions": [str(first.pk)]})
    assert response.status_code == 302, html(response)[:3000]
    first.refresh_from_db()
    assert first.status == ActionStatus.CARRIED and first.carried_to is not None
    response = c.post(f"/incidents/{pk}/step/close/", {"version": fresh(incident).version, "text": ""})
    assert response.status_code == 302, html(response)[:3000]
    incident = fresh(incident)
    assert incident.stage == Stage.CLOSED and incident.closed_at is not None
    return c


def test_whole_lifecycle_through_the_pages(org, client):
    p = org.people
    incident = incident_at(org, Stage.WITH_AD)
    pk = incident.pk
    _ad_analyses_and_od_signs_off(client, p, incident)
    incident = _ceo_shares_and_nis_writes_the_cr1(client, p, fresh(incident))
    incident, due = _cr1_signed_off_and_final_decision(client, p, incident)
    c = _actions_done_or_carried_then_closed(client, p, incident, due)

    # The detail page tells the whole story.
    detail = html(c.get(f"/incidents/{pk}/"))
    for label in (
        Step.SUBMIT.label,
        Step.AD_ANALYSE.label,
        Step.CEO_DECISION.label,
        Step.CR1_SUBMIT.label,
        Step.CR1_SIGN_OFF.label,
        Step.ACTION_ADD.label,
        Step.ACTION_UPDATE.label,
        Step.CLOSE.label,
    ):
        assert label.replace("'", "&#x27;") in detail, label
    assert "Audit report filed." in detail


def test_ad_can_return_and_author_resubmits(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    c = as_user(client, org.people[AD])
    response = c.post(f"/incidents/{incident.pk}/step/ad_return/", {"version": incident.version, "text": ""})
    assert response.status_code == 200 and "Enter questions for the author" in html(response)
    response = c.post(f"/incidents/{incident.pk}/step/ad_return/", {"version": incident.version, "text": "Which court?"})
    assert response.status_code == 302
    incident = fresh(incident)
    assert incident.stage == Stage.RETURNED
    c = as_user(client, org.people[LM])
    detail = html(c.get(f"/incidents/{incident.pk}/"))
    assert "Which court?" in detail and "Edit the form" in detail
    data = edit_post(org, incident, save_and_submit="1", answer="Newcastle.")
    data.pop("save")
    assert c.post(f"/incidents/{incident.pk}/edit/", data).status_code == 302
    assert fresh(incident).stage == Stage.WITH_AD


def test_od_records_not_notifiable(org, client):
    incident = incident_at(org, Stage.WITH_OD)
    c = as_user(client, org.people[OD])
    response = c.post(
        f"/incidents/{incident.pk}/step/od_not_notifiable/", {"version": incident.version, "text": "Below the threshold."}
    )
    assert response.status_code == 302
    assert fresh(incident).stage == Stage.NOT_NOTIFIABLE


def test_decision_without_rationale_or_briefing_shows_errors(org, client):
    incident = incident_at(org, Stage.CASE_REVIEW)
    c = as_user(client, org.people[CEO])
    response = c.post(
        f"/incidents/{incident.pk}/step/ceo_decision/",
        {
            "version": incident.version,
            "decision": Decision.SHARE_BOARD,
            "rationale": "Because.",
            "briefing_title": "",
            "briefing_text": "",
        },
    )
    assert_error_page(response, "Enter a title for the briefing", "Because.", field="briefing_title")
    response = c.post(
        f"/incidents/{incident.pk}/step/ceo_decision/",
        {"version": incident.version, "decision": Decision.FURTHER_ACTION, "rationale": "More."},
    )
    assert_error_page(response, "Enter the further action requested", "More.")
    response = c.post(
        f"/incidents/{incident.pk}/step/ceo_decision/", {"version": incident.version, "decision": "nonsense", "rationale": ""}
    )
    assert response.status_code == 200 and "Enter the rationale for the decision" in html(response)
    assert not CeoDecision.objects.exists()


def test_ceo_decision_page_offers_owners_and_records_further_action(org, client):
    incident = incident_at(org, Stage.CASE_REVIEW)
    c = as_user(client, org.people[CEO])
    due = timezone.localdate() + timedelta(days=10)
    response = c.post(
        f"/incidents/{incident.pk}/step/ceo_decision/",
        {
            "version": incident.version,
            "decision": Decision.FURTHER_ACTION,
            "rationale": "Need more.",
            "action_description": "Speak to the social worker",
            "action_owner": org.people[LM].pk,
            **date_fields("action_due_date", due),
        },
    )
    assert response.status_code == 302, html(response)[:4000]
    action = Action.objects.get(incident=incident)
    assert action.owner == org.people[LM] and action.due_date == due
    # An owner from elsewhere cannot be chosen.
    response = c.post(
        f"/incidents/{incident.pk}/step/ceo_decision/",
        {
            "version": fresh(incident).version,
            "decision": Decision.FURTHER_ACTION,
            "rationale": "Need more.",
            "action_description": "Elsewhere",
            "action_owner": org.other[LM].pk,
            **date_fields("action_due_date", due),
        },
    )
    assert response.status_code == 200 and "govuk-error-summary" in html(response)


def test_learning_record_step(org, client):
    incident = incident_at(org, Stage.ACTIONS)
    c = as_user(client, org.people[OD])
    response = c.post(
        f"/incidents/{incident.pk}/step/learning_record/", {"version": incident.version, "text": "Check the chronology earlier."}
    )
    assert response.status_code == 302
    assert fresh(incident).learning_identified == "Check the chronology earlier."


def test_a_second_od_named_for_cr1_sign_off(org, client):
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    named = person(None, username="named_osd")
    give_role(named, CMT)
    review = incident.case_review
    review.sign_off_by = named
    review.save()
    assert as_user(client, org.people[OD]).get(f"/incidents/{incident.pk}/step/cr1_sign_off/").status_code == 403
    c = as_user(client, named)
    response = c.post(f"/incidents/{incident.pk}/step/cr1_sign_off/", {"version": incident.version, "text": ""})
    assert response.status_code == 302
    assert fresh(incident).stage == Stage.FINAL_DECISION


def test_every_step_page_has_a_message_for_when_it_is_done():
    from incidents.workflow import ROWS

    done_messages = [row.done for row in ROWS]
    assert len(done_messages) == len(ROWS) and all(done_messages)
    assert all(message.endswith(".") and ": done" not in message for message in done_messages)


def test_the_analysis_page_offers_the_two_proposals_the_od_decides_on(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    body = html(as_user(client, org.people[AD]).get(f"/incidents/{incident.pk}/step/ad_analyse/"))
    assert 'value="meets_share"' in body and 'value="does_not_meet"' in body
    assert "meets_no_share" not in body and "need not see it" not in body
