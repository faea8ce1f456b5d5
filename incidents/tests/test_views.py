"""The incident pages through the Django test client, signed in as the people who use them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import sign_in
from incidents.choices import ActionStatus, Decision, Kind, Proposal, ReviewStatus, Stage, Step
from incidents.models import Action, Briefing, CeoDecision, Incident
from incidents.tests.factories import CR1_VALUES, incident_at
from organisation.choices import Role
from organisation.tests.factories import give_role, person

pytestmark = pytest.mark.django_db

LM, AD, OD, CEO, CMT, NIS, BOARD, CHAIR, HOP = (
    Role.LOCAL_MANAGER, Role.ASSISTANT_DIRECTOR, Role.OPERATIONAL_DIRECTOR, Role.CEO, Role.CMT_MEMBER,
    Role.NIS_REVIEWER, Role.BOARD_MEMBER, Role.CHAIR, Role.HEAD_OF_PROFESSION,
)


def date_fields(name, value):
    """The three inputs of a GOV.UK date field (day, month, year)."""
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def form_post(org, **overrides):
    """A complete case-related SIN form, as the browser posts it from /incidents/new/."""
    today = timezone.localdate()
    data = {
        "kind": "case",
        "place": f"team:{org.team.pk}",
        "criteria": ["child_seriously_harmed"],
        "other_description": "",
        "title": "Harm to a child in placement",
        "children": "A, 4",
        "case_reference": "ZZ-12345",
        "court": "Family Court at Newcastle",
        "what_happened": "The child was found injured.",
        "cafcass_involvement": "Section 7 report in preparation.",
        "other_agencies": "Police.",
        "media_risk": "None known.",
        "immediate_actions": "Safeguarding referral made.",
        **date_fields("incident_date", today - timedelta(days=3)),
        **date_fields("aware_date", today - timedelta(days=2)),
        "save": "Save draft",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_post(org, incident, **overrides):
    data = form_post(org, **{"version": str(incident.version), **overrides})
    data.pop("place", None)
    data.pop("kind", None)
    return data


def html(response) -> str:
    return response.content.decode()


def as_user(client, user):
    return sign_in(client, user)


def fresh(incident):
    incident.refresh_from_db()
    return incident


# --- the form -------------------------------------------------------------------------------


def test_create_a_draft_through_the_form_and_see_it_on_mine(org, client):
    manager = org.people[LM]
    c = as_user(client, manager)
    page = c.get("/incidents/new/")
    assert page.status_code == 200
    for name in ("incident_date_0", "incident_date_1", "incident_date_2", "aware_date_2", 'name="place"'):
        assert name in html(page)

    response = c.post("/incidents/new/", form_post(org))
    assert response.status_code == 302, html(response)[:3000]
    incident = Incident.objects.get()
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.stage == Stage.DRAFT
    assert incident.reference is None
    assert incident.author == manager
    assert incident.team == org.team and incident.region == org.region
    assert incident.incident_date == timezone.localdate() - timedelta(days=3)
    assert list(incident.criteria.values_list("code", flat=True)) == ["child_seriously_harmed"]

    mine = c.get("/incidents/mine/")
    assert mine.status_code == 200
    assert f"Draft {incident.pk}" in html(mine)
    assert "Harm to a child in placement" in html(mine)
    # Someone else's draft is not "mine".
    assert "1 incident<" in html(mine).replace("</p>", "<")


def test_create_a_non_case_draft(org, client):
    c = as_user(client, org.people[HOP])
    page = c.get("/incidents/new/?kind=non_case")
    assert page.status_code == 200
    assert "Which kind of incident is it?" in html(page)
    data = {
        "kind": "non_case", "place": f"function:{org.function.pk}", "criteria": ["health_safety"],
        "title": "Office fire", "what_happened": "A fire.", "immediate_actions": "Evacuated.",
        **date_fields("incident_date", timezone.localdate()), **date_fields("aware_date", timezone.localdate()),
        "save": "Save draft",
    }
    response = c.post("/incidents/new/?kind=non_case", data)
    assert response.status_code == 302, html(response)[:3000]
    incident = Incident.objects.get()
    assert incident.kind == Kind.NON_CASE and incident.function == org.function


def test_create_page_refuses_people_who_cannot_write_and_unknown_kinds(org, client):
    assert as_user(client, org.people[CMT]).get("/incidents/new/").status_code == 403
    assert as_user(client, org.people[LM]).get("/incidents/new/?kind=nonsense").status_code == 404
    # A local manager writes no non-case SIN.
    assert as_user(client, org.people[LM]).get("/incidents/new/?kind=non_case").status_code == 403


def test_create_cannot_pick_another_region_team(org, client):
    c = as_user(client, org.people[LM])
    response = c.post("/incidents/new/", form_post(org, place=f"team:{org.other_team.pk}"))
    assert response.status_code == 200
    assert "govuk-error-summary" in html(response)
    assert not Incident.objects.exists()


def _assert_error_page(response, message, *kept, field=None):
    assert response.status_code in (200, 400), response.status_code
    body = html(response)
    assert "govuk-error-summary" in body
    assert "There is a problem" in body
    assert message in body, body[:5000]
    assert "govuk-error-message" in body  # beside the field, not only at the top
    if field:
        # The summary links to the field, and the field's own group shows the message.
        assert re.search(rf'<a href="#id_{field}(_\d)?">{re.escape(message)}', body), body[:6000]
        group = body.split(f'id="div_id_{field}"', 1)[1].split('id="div_id_', 1)[0]
        assert "govuk-form-group--error" in body.split(f'id="div_id_{field}"', 1)[1][:80]
        assert message in group
    for text in kept:
        assert text in body, f"{text!r} was not kept in the form"


def test_create_with_a_future_date_shows_the_error_beside_the_field_and_keeps_the_text(org, client):
    c = as_user(client, org.people[LM])
    future = timezone.localdate() + timedelta(days=5)
    response = c.post("/incidents/new/", form_post(org, what_happened="Typed words stay here", **date_fields("incident_date", future)))
    _assert_error_page(response, "The date of the incident must be today or in the past", "Typed words stay here", field="incident_date")
    # The date typed is kept too.
    assert f'value="{future.year}"' in html(response)
    assert not Incident.objects.exists()


def test_create_with_aware_date_before_incident_date(org, client):
    c = as_user(client, org.people[LM])
    today = timezone.localdate()
    response = c.post("/incidents/new/", form_post(
        org, title="Kept title", **date_fields("incident_date", today - timedelta(days=1)),
        **date_fields("aware_date", today - timedelta(days=10))))
    _assert_error_page(response, "The date Cafcass became aware must be the same as or after the date of the incident", "Kept title",
                       field="aware_date")
    assert not Incident.objects.exists()


@pytest.mark.parametrize("day, month, year", [("31", "2", "2025"), ("x", "1", "2025"), ("1", "13", "2025"),
                                              ("1", "1", "99999999999999999999"), ("1", "", "2025")])
def test_create_with_an_impossible_date_is_an_error_not_a_crash(org, client, day, month, year):
    c = as_user(client, org.people[LM])
    data = form_post(org, title="Still here", incident_date_0=day, incident_date_1=month, incident_date_2=year)
    response = c.post("/incidents/new/", data)
    assert response.status_code in (200, 400)
    assert "govuk-error-summary" in html(response)
    assert "Still here" in html(response)
    assert not Incident.objects.exists()


def test_save_and_submit_without_criterion_shows_the_error_and_keeps_the_text(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    assert c.get(f"/incidents/{incident.pk}/edit/").status_code == 200
    data = edit_post(org, incident, criteria=None, what_happened="My careful account", save_and_submit="Save and submit")
    data.pop("save")
    response = c.post(f"/incidents/{incident.pk}/edit/", data)
    _assert_error_page(response, "Select at least one criterion", "My careful account", field="criteria")
    incident = fresh(incident)
    assert incident.stage == Stage.DRAFT and incident.reference is None
    # The draft itself was saved, and the form now carries the saved version, so sending again works.
    assert incident.what_happened == "My careful account"
    assert f'name="version" value="{incident.version}"' in html(response)


def test_save_and_submit_other_without_description(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    data = edit_post(org, incident, criteria=["other"], other_description="", title="Other kind", save_and_submit="1")
    data.pop("save")
    response = c.post(f"/incidents/{incident.pk}/edit/", data)
    _assert_error_page(response, "Describe the &#x27;Other&#x27; criterion", "Other kind", field="other_description")
    assert fresh(incident).stage == Stage.DRAFT


def test_edit_with_future_aware_date(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    future = timezone.localdate() + timedelta(days=1)
    response = c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, court="Kept court", **date_fields("aware_date", future)))
    _assert_error_page(response, "The date Cafcass became aware must be today or in the past", "Kept court", field="aware_date")
    assert fresh(incident).aware_date != future


def test_save_and_submit_assigns_a_reference(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    data = edit_post(org, incident, save_and_submit="Save and submit")
    data.pop("save")
    response = c.post(f"/incidents/{incident.pk}/edit/", data, follow=True)
    assert response.status_code == 200
    incident = fresh(incident)
    assert re.fullmatch(rf"SIN-{timezone.localdate().year}-\d{{4}}", incident.reference)
    assert incident.stage == Stage.WITH_AD
    assert incident.reference in html(response)
    # A second one takes the next number.
    second = incident_at(org, Stage.WITH_AD)
    assert int(second.reference[-4:]) == int(incident.reference[-4:]) + 1


def test_submit_button_on_the_detail_page(org, client):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    response = c.post(f"/incidents/{incident.pk}/submit/", {"version": incident.version})
    assert response.status_code == 302
    assert fresh(incident).stage == Stage.WITH_AD


@pytest.mark.parametrize("version", ["abc", "", "99999999999999999999999", "1.5"])
def test_submit_button_with_a_bad_version_is_not_a_crash(org, client, version):
    incident = incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    response = c.post(f"/incidents/{incident.pk}/submit/", {"version": version})
    assert response.status_code in (302, 400)
    assert fresh(incident).stage == Stage.DRAFT


def test_submit_an_incomplete_draft_from_the_detail_page_goes_back_to_the_form(org, client):
    from incidents.tests.factories import case_form

    incident = incident_at(org, Stage.DRAFT, data=case_form(criteria=[]))
    c = as_user(client, org.people[LM])
    response = c.post(f"/incidents/{incident.pk}/submit/", {"version": incident.version}, follow=True)
    assert response.status_code == 200
    assert "Select at least one criterion" in html(response)
    assert fresh(incident).stage == Stage.DRAFT


# --- the whole lifecycle through the pages ---------------------------------------------------------


def test_whole_lifecycle_through_the_pages(org, client):
    p = org.people
    incident = incident_at(org, Stage.WITH_AD)
    pk = incident.pk

    # The AD's analysis and proposal.
    c = as_user(client, p[AD])
    page = c.get(f"/incidents/{pk}/step/ad_analyse/")
    assert page.status_code == 200 and "Your analysis of the situation" in html(page)
    response = c.post(f"/incidents/{pk}/step/ad_analyse/", {
        "version": fresh(incident).version, "analysis": "It meets criterion 3.", "proposal": Proposal.MEETS_SHARE})
    assert response.status_code == 302, html(response)[:3000]
    assert fresh(incident).stage == Stage.WITH_OD

    # The OD signs off: Core CMT is alerted and the CR1 commissioned.
    c = as_user(client, p[OD])
    assert c.get(f"/incidents/{pk}/step/od_sign_off/").status_code == 200
    response = c.post(f"/incidents/{pk}/step/od_sign_off/", {"version": fresh(incident).version, "text": ""})
    assert response.status_code == 302, html(response)[:3000]
    incident = fresh(incident)
    assert incident.stage == Stage.CASE_REVIEW and incident.notified_at is not None

    # The CEO shares a briefing with the Board.
    c = as_user(client, p[CEO])
    page = c.get(f"/incidents/{pk}/step/ceo_decision/")
    assert page.status_code == 200 and "Briefing to share" in html(page)
    response = c.post(f"/incidents/{pk}/step/ceo_decision/", {
        "version": incident.version, "decision": Decision.SHARE_BOARD, "rationale": "The Board should know.",
        "briefing_title": "Briefing for the Board", "briefing_text": "A child was harmed; a review is under way.",
        "action_description": "", "action_owner": "", "action_due_date_0": "", "action_due_date_1": "", "action_due_date_2": ""})
    assert response.status_code == 302, html(response)[:5000]
    briefing = Briefing.objects.get(incident=incident)
    assert briefing.text == "A child was harmed; a review is under way."

    # The NIS reviewer saves the CR1 as a draft, then submits it.
    c = as_user(client, p[NIS])
    page = c.get(f"/incidents/{pk}/case-review/")
    assert page.status_code == 200 and "Case review (CR1)" in html(page)
    response = c.post(f"/incidents/{pk}/case-review/", {"version": fresh(incident).version, "summary": "First go at a summary", "save_draft": "1"})
    assert response.status_code == 302, html(response)[:3000]
    incident = fresh(incident)
    assert incident.stage == Stage.CASE_REVIEW
    assert incident.case_review.summary == "First go at a summary"
    assert incident.case_review.status == ReviewStatus.DRAFT
    # Submitting with sections missing names them.
    response = c.post(f"/incidents/{pk}/case-review/", {"version": incident.version, "summary": "First go at a summary", "submit_review": "1"})
    assert response.status_code == 200
    assert "Enter the chronology" in html(response) and "govuk-error-summary" in html(response)
    response = c.post(f"/incidents/{pk}/case-review/", {"version": fresh(incident).version, **CR1_VALUES, "submit_review": "1"})
    assert response.status_code == 302, html(response)[:3000]
    incident = fresh(incident)
    assert incident.stage == Stage.CR1_SIGN_OFF

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
    response = c.post(f"/incidents/{pk}/step/ceo_final_decision/", {
        "version": incident.version, "decision": Decision.NO_ONWARD, "rationale": "Handled locally.",
        "comments": "Good work.", "action_description": "Brief every team on the learning",
        "action_owner": p[AD].pk, **date_fields("action_due_date", due)})
    assert response.status_code == 302, html(response)[:5000]
    incident = fresh(incident)
    assert incident.stage == Stage.ACTIONS
    assert CeoDecision.objects.get(incident=incident, is_final=True).comments == "Good work."
    assert incident.actions.count() == 1

    # The AD adds an action for the local manager.
    c = as_user(client, p[AD])
    page = c.get(f"/incidents/{pk}/actions/new/")
    assert page.status_code == 200
    response = c.post(f"/incidents/{pk}/actions/new/", {
        "version": incident.version, "action_description": "Audit three similar cases",
        "action_owner": p[LM].pk, **date_fields("action_due_date", due)})
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
    response = c.post(f"/actions/{second.pk}/", {"version": second.version, "status": ActionStatus.DONE, "evidence": "Audit report filed."})
    assert response.status_code == 302, html(response)[:3000]
    second.refresh_from_db()
    assert second.status == ActionStatus.DONE and second.evidence == "Audit report filed."

    # The accountable AD carries the first into the Learning Portal and closes.
    c = as_user(client, p[AD])
    first = Action.objects.exclude(pk=second.pk).get(incident=incident)
    response = c.post(f"/actions/{first.pk}/", {"version": first.version, "status": ActionStatus.CARRIED, "evidence": "LP-77"})
    assert response.status_code == 302
    response = c.post(f"/incidents/{pk}/step/close/", {"version": fresh(incident).version, "text": ""})
    assert response.status_code == 302, html(response)[:3000]
    incident = fresh(incident)
    assert incident.stage == Stage.CLOSED and incident.closed_at is not None

    # The detail page tells the whole story.
    detail = html(c.get(f"/incidents/{pk}/"))
    for label in (Step.SUBMIT.label, Step.AD_ANALYSE.label, Step.CEO_DECISION.label, Step.CR1_SUBMIT.label,
                  Step.CR1_SIGN_OFF.label, Step.ACTION_ADD.label, Step.ACTION_UPDATE.label, Step.CLOSE.label):
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
    response = c.post(f"/incidents/{incident.pk}/step/od_not_notifiable/", {"version": incident.version, "text": "Below the threshold."})
    assert response.status_code == 302
    assert fresh(incident).stage == Stage.NOT_NOTIFIABLE


def test_decision_without_rationale_or_briefing_shows_errors(org, client):
    incident = incident_at(org, Stage.CASE_REVIEW)
    c = as_user(client, org.people[CEO])
    response = c.post(f"/incidents/{incident.pk}/step/ceo_decision/", {
        "version": incident.version, "decision": Decision.SHARE_BOARD, "rationale": "Because.", "briefing_title": "",
        "briefing_text": ""})
    _assert_error_page(response, "Enter a title for the briefing", "Because.", field="briefing_title")
    response = c.post(f"/incidents/{incident.pk}/step/ceo_decision/", {"version": incident.version, "decision": Decision.FURTHER_ACTION, "rationale": "More."})
    _assert_error_page(response, "Enter the further action requested", "More.")
    response = c.post(f"/incidents/{incident.pk}/step/ceo_decision/", {"version": incident.version, "decision": "nonsense", "rationale": ""})
    assert response.status_code == 200 and "Enter the rationale for the decision" in html(response)
    assert not CeoDecision.objects.exists()


# --- stale forms --------------------------------------------------------------------------------------


def test_stale_step_form_says_someone_else_changed_it_and_keeps_the_text(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    second_ad = person(AD, place=org.area, username="second_ad")
    old_version = incident.version

    # The second AD, with the same page open, sends first.
    from django.test import Client

    other = sign_in(Client(), second_ad)
    assert other.post(f"/incidents/{incident.pk}/step/ad_analyse/", {
        "version": old_version, "analysis": "First in.", "proposal": Proposal.MEETS_SHARE}).status_code == 302

    c = as_user(client, org.people[AD])
    response = c.post(f"/incidents/{incident.pk}/step/ad_analyse/", {
        "version": old_version, "analysis": "My long considered analysis", "proposal": Proposal.DOES_NOT_MEET})
    assert response.status_code in (200, 409)
    body = html(response)
    assert "Someone else changed this incident" in body
    assert "My long considered analysis" in body
    assert "govuk-error-summary" in body
    incident = fresh(incident)
    assert incident.events.filter(step=Step.AD_ANALYSE).count() == 1
    assert incident.events.get(step=Step.AD_ANALYSE).text == "First in."


def test_stale_edit_form_keeps_the_text(org, client):
    incident = incident_at(org, Stage.DRAFT)
    old = incident.version
    c = as_user(client, org.people[LM])
    assert c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, title="From the first tab")).status_code == 302
    response = c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, version=str(old), title="From the second tab"))
    assert response.status_code in (200, 409)
    assert "Someone else changed this incident" in html(response)
    assert "From the second tab" in html(response)
    assert fresh(incident).title == "From the first tab"


def test_stale_action_update_keeps_the_text(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(actor=org.people[AD], incident_id=incident.pk, expected_version=incident.version,
                                 action=requested_action(org.people[LM]))
    old = action.version
    services.action_update(actor=org.people[AD], action_id=action.pk, expected_version=old, status=ActionStatus.IN_PROGRESS, evidence="")
    c = as_user(client, org.people[LM])
    response = c.post(f"/actions/{action.pk}/", {"version": old, "status": ActionStatus.DONE, "evidence": "My evidence text"})
    assert response.status_code in (200, 409)
    assert "Someone else updated this action" in html(response)
    assert "My evidence text" in html(response)


# --- who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage, role, url", [
    (Stage.WITH_AD, LM, "step/ad_analyse/"),  # the author cannot analyse
    (Stage.WITH_AD, OD, "step/ad_analyse/"),
    (Stage.WITH_OD, AD, "step/od_sign_off/"),
    (Stage.CASE_REVIEW, CMT, "step/ceo_decision/"),
    (Stage.CASE_REVIEW, OD, "case-review/"),
    (Stage.CASE_REVIEW, CMT, "actions/new/"),
    (Stage.CR1_SIGN_OFF, NIS, "step/cr1_sign_off/"),
    (Stage.ACTIONS, LM, "step/close/"),
    (Stage.ACTIONS, CMT, "step/close/"),
    (Stage.WITH_AD, AD, "edit/"),
])
def test_person_who_sees_the_record_but_may_not_take_the_step_gets_403(org, client, stage, role, url):
    incident = incident_at(org, stage)
    c = as_user(client, org.people[role])
    assert c.get(f"/incidents/{incident.pk}/").status_code == 200
    assert c.get(f"/incidents/{incident.pk}/{url}").status_code == 403
    before = fresh(incident).version
    assert c.post(f"/incidents/{incident.pk}/{url}", {"version": before, "text": "x", "analysis": "x",
                                                      "proposal": Proposal.MEETS_SHARE}).status_code == 403
    assert fresh(incident).version == before


def test_author_as_ad_analyses_own_incident_but_cannot_return_it_to_themselves(org, client):
    incident = incident_at(org, Stage.WITH_AD, author=org.people[AD])
    c = as_user(client, org.people[AD])
    assert c.get(f"/incidents/{incident.pk}/step/ad_return/").status_code == 403
    assert c.get(f"/incidents/{incident.pk}/step/ad_analyse/").status_code == 200
    response = c.post(f"/incidents/{incident.pk}/step/ad_analyse/",
                      {"version": incident.version, "analysis": "Meets criterion 1.", "proposal": Proposal.MEETS_SHARE})
    assert response.status_code == 302
    assert fresh(incident).stage == Stage.WITH_OD


@pytest.mark.parametrize("role", [LM, AD, OD, HOP])
@pytest.mark.parametrize("url", ["", "edit/", "step/ad_analyse/", "step/ad_return/", "case-review/", "actions/new/"])
def test_other_region_people_get_404(org, client, role, url):
    incident = incident_at(org, Stage.WITH_AD)
    c = as_user(client, org.other[role])
    assert c.get(f"/incidents/{incident.pk}/{url}").status_code == 404
    assert c.post(f"/incidents/{incident.pk}/{url}", {"version": incident.version, "text": "x"}).status_code == 404


def test_other_region_people_get_404_on_actions_and_submit(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(actor=org.people[AD], incident_id=incident.pk, expected_version=incident.version,
                                 action=requested_action(org.people[LM]))
    c = as_user(client, org.other[AD])
    assert c.get(f"/actions/{action.pk}/").status_code == 404
    draft = incident_at(org, Stage.DRAFT)
    assert c.post(f"/incidents/{draft.pk}/submit/", {"version": draft.version}).status_code == 404
    assert c.get("/incidents/999999/").status_code == 404


def test_cmt_sees_nothing_before_alert(org, client):
    incident = incident_at(org, Stage.WITH_OD)
    c = as_user(client, org.people[CMT])
    assert c.get(f"/incidents/{incident.pk}/").status_code == 404
    assert incident.display_reference not in html(c.get("/incidents/"))


def test_unknown_step_is_404(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    c = as_user(client, org.people[AD])
    assert c.get(f"/incidents/{incident.pk}/step/nonsense/").status_code == 404
    assert c.get(f"/incidents/{incident.pk}/step/submit/").status_code == 404


def test_step_at_the_wrong_stage_is_explained_not_applied(org, client):
    incident = incident_at(org, Stage.WITH_OD)
    c = as_user(client, org.people[AD])
    response = c.post(f"/incidents/{incident.pk}/step/ad_analyse/", {
        "version": incident.version, "analysis": "Late.", "proposal": Proposal.MEETS_SHARE})
    assert response.status_code in (200, 409)
    assert "cannot be done now" in html(response)
    assert fresh(incident).stage == Stage.WITH_OD


def test_anonymous_is_sent_to_sign_in(org, client):
    incident = incident_at(org, Stage.DRAFT)
    response = client.get(f"/incidents/{incident.pk}/")
    assert response.status_code == 302 and "/login" in response["Location"] or "sign-in" in response["Location"]


# --- the detail page ----------------------------------------------------------------------------------


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


# --- lists ----------------------------------------------------------------------------------------


def _count(response) -> int:
    match = re.search(r'data-testid="result-count">(\d+) incident', html(response))
    assert match, html(response)[:3000]
    return int(match.group(1))


def test_lists_filters_and_search(org, client):
    from incidents.tests.factories import case_form

    first = incident_at(org, Stage.WITH_AD, data=case_form(title="Bridge fall"))
    second = incident_at(org, Stage.CASE_REVIEW, data=case_form(title="River incident", criteria=["child_missing"]))
    draft = incident_at(org, Stage.DRAFT, data=case_form(title="Unsent"))
    non_case = incident_at(org, Stage.NOTIFIED, kind="non_case")
    c = as_user(client, org.people[OD])
    assert _count(c.get("/incidents/")) == 4

    response = c.get("/incidents/", {"q": first.reference})
    assert _count(response) == 1 and "Bridge fall" in html(response)
    assert _count(c.get("/incidents/", {"q": first.reference.lower()})) == 1
    assert _count(c.get("/incidents/", {"q": "river"})) == 1
    assert _count(c.get("/incidents/", {"stage": Stage.CASE_REVIEW})) == 1
    assert _count(c.get("/incidents/", {"kind": Kind.NON_CASE})) == 1
    assert _count(c.get("/incidents/", {"criterion": "child_missing"})) == 1
    assert _count(c.get("/incidents/", {"region": org.region.pk})) == 4
    assert _count(c.get("/incidents/", {"region": org.other_region.pk})) == 0
    assert _count(c.get("/incidents/", {"service_area": org.area.pk})) == 4
    today = timezone.localdate()
    assert _count(c.get("/incidents/", {"submitted_from": today.isoformat(), "submitted_to": today.isoformat()})) == 3
    assert _count(c.get("/incidents/", {"submitted_to": (today - timedelta(days=1)).isoformat()})) == 0
    # Nonsense filters are ignored or refused, never a crash.
    for params in ({"stage": "nope"}, {"region": "x"}, {"submitted_from": "31/31/2026"}, {"page": "zzz"}, {"page": "99999"},
                   {"criterion": "no-such"}, {"q": "%' OR 1=1 --"}):
        assert c.get("/incidents/", params).status_code == 200, params
    # The awaiting list and mine.
    assert _count(c.get("/incidents/awaiting-my-action/")) == 0
    assert _count(as_user(client, org.people[AD]).get("/incidents/awaiting-my-action/")) == 1  # first, at with_ad
    lm = as_user(client, org.people[LM])
    assert _count(lm.get("/incidents/mine/")) == 3
    assert _count(lm.get("/incidents/awaiting-my-action/")) == 1  # the draft
    assert draft.display_reference in html(lm.get("/incidents/awaiting-my-action/"))
    assert second.reference in html(lm.get("/incidents/mine/"))
    assert non_case.reference not in html(lm.get("/incidents/"))


def test_list_is_paginated(org, client, settings):
    from incidents import views

    for _ in range(views.PAGE_SIZE + 2):
        incident_at(org, Stage.DRAFT)
    c = as_user(client, org.people[LM])
    first = c.get("/incidents/")
    assert _count(first) == views.PAGE_SIZE + 2
    assert html(first).count("govuk-table__row") == views.PAGE_SIZE + 1  # plus the header
    second = c.get("/incidents/", {"page": 2})
    assert html(second).count("govuk-table__row") == 3


def test_home_page_lists_what_awaits(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    body = html(as_user(client, org.people[AD]).get("/"))
    assert incident.reference in body
    body = html(as_user(client, org.people[OD]).get("/"))
    assert incident.reference not in body


def test_ceo_decision_page_offers_owners_and_records_further_action(org, client):
    incident = incident_at(org, Stage.CASE_REVIEW)
    c = as_user(client, org.people[CEO])
    due = timezone.localdate() + timedelta(days=10)
    response = c.post(f"/incidents/{incident.pk}/step/ceo_decision/", {
        "version": incident.version, "decision": Decision.FURTHER_ACTION, "rationale": "Need more.",
        "action_description": "Speak to the social worker", "action_owner": org.people[LM].pk,
        **date_fields("action_due_date", due)})
    assert response.status_code == 302, html(response)[:4000]
    action = Action.objects.get(incident=incident)
    assert action.owner == org.people[LM] and action.due_date == due
    # An owner from elsewhere cannot be chosen.
    response = c.post(f"/incidents/{incident.pk}/step/ceo_decision/", {
        "version": fresh(incident).version, "decision": Decision.FURTHER_ACTION, "rationale": "Need more.",
        "action_description": "Elsewhere", "action_owner": org.other[LM].pk, **date_fields("action_due_date", due)})
    assert response.status_code == 200 and "govuk-error-summary" in html(response)


def test_learning_record_step(org, client):
    incident = incident_at(org, Stage.ACTIONS)
    c = as_user(client, org.people[OD])
    response = c.post(f"/incidents/{incident.pk}/step/learning_record/", {"version": incident.version, "text": "Check the chronology earlier."})
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


def _hidden_version(response) -> str:
    match = re.search(r'name="version" value="(\d+)"', html(response))
    assert match, html(response)[:3000]
    return match.group(1)


def test_after_a_stale_edit_the_form_can_be_sent_again_as_the_message_says(org, client):
    incident = incident_at(org, Stage.DRAFT)
    old = incident.version
    c = as_user(client, org.people[LM])
    assert c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, title="From the first tab")).status_code == 302
    response = c.post(f"/incidents/{incident.pk}/edit/", edit_post(org, incident, version=str(old), title="From the second tab"))
    assert "Someone else changed this incident" in html(response)
    # The page now carries the version the person has been warned about; sending it again is deliberate.
    resent = edit_post(org, incident, version=_hidden_version(response), title="From the second tab")
    assert c.post(f"/incidents/{incident.pk}/edit/", resent).status_code == 302
    assert fresh(incident).title == "From the second tab"


def test_after_a_stale_action_update_it_can_be_sent_again(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(actor=org.people[AD], incident_id=incident.pk, expected_version=incident.version,
                                 action=requested_action(org.people[LM]))
    old = action.version
    services.action_update(actor=org.people[AD], action_id=action.pk, expected_version=old, status=ActionStatus.IN_PROGRESS, evidence="")
    c = as_user(client, org.people[LM])
    response = c.post(f"/actions/{action.pk}/", {"version": old, "status": ActionStatus.DONE, "evidence": "Proof"})
    assert "Someone else updated this action" in html(response)
    response = c.post(f"/actions/{action.pk}/", {"version": _hidden_version(response), "status": ActionStatus.DONE, "evidence": "Proof"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_after_a_stale_step_sending_again_meets_the_new_stage(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    second_ad = person(AD, place=org.area, username="second_ad")
    from django.test import Client

    sign_in(Client(), second_ad).post(f"/incidents/{incident.pk}/step/ad_return/", {"version": incident.version, "text": "Q?"})
    c = as_user(client, org.people[AD])
    response = c.post(f"/incidents/{incident.pk}/step/ad_analyse/", {"version": incident.version, "analysis": "Mine", "proposal": Proposal.MEETS_SHARE})
    assert "Someone else changed this incident" in html(response)
    response = c.post(f"/incidents/{incident.pk}/step/ad_analyse/", {"version": _hidden_version(response), "analysis": "Mine", "proposal": Proposal.MEETS_SHARE})
    assert response.status_code in (200, 409)
    assert "cannot be done now" in html(response)
    assert fresh(incident).stage == Stage.RETURNED


def test_detail_page_says_what_blocks_closure(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    c = as_user(client, org.people[AD])
    body = html(c.get(f"/incidents/{incident.pk}/"))
    assert "Before it can be closed" not in body
    for _ in range(2):
        services.action_add(actor=org.people[AD], incident_id=incident.pk, expected_version=fresh(incident).version,
                            action=requested_action(org.people[LM]))
    body = html(c.get(f"/incidents/{incident.pk}/"))
    assert "Before it can be closed" in body and "2 action(s) are neither done nor carried" in body
    assert services.closure_blockers(fresh(incident)) == ["2 action(s) are neither done nor carried into the Learning Portal."]


def test_detail_offers_action_updates_only_to_those_who_may_make_them(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    action = services.action_add(actor=org.people[AD], incident_id=incident.pk, expected_version=incident.version,
                                 action=requested_action(org.people[NIS]))
    link = f"/actions/{action.pk}/"
    for role in (NIS, AD):  # the owner, the accountable AD
        assert link in html(as_user(client, org.people[role]).get(f"/incidents/{incident.pk}/")), role
    for role in (CMT, CEO, LM, OD):
        c = as_user(client, org.people[role])
        assert link not in html(c.get(f"/incidents/{incident.pk}/")), role
        assert c.get(link).status_code == 403, role
    # Once closed, nobody is offered a change.
    services.action_update(actor=org.people[AD], action_id=action.pk, expected_version=action.version, status=ActionStatus.DONE, evidence="E")
    services.incident_close(actor=org.people[AD], incident_id=incident.pk, expected_version=fresh(incident).version)
    assert link not in html(as_user(client, org.people[AD]).get(f"/incidents/{incident.pk}/"))


def test_close_page_asks_for_nothing_it_would_throw_away(org, client):
    incident = incident_at(org, Stage.ACTIONS)
    c = as_user(client, org.people[AD])
    page = html(c.get(f"/incidents/{incident.pk}/step/close/"))
    assert "<textarea" not in page
    assert "Close the incident" in page
    assert c.post(f"/incidents/{incident.pk}/step/close/", {"version": incident.version}).status_code == 302
    assert fresh(incident).stage == Stage.CLOSED


def test_non_case_place_error_names_what_to_select(org, client):
    c = as_user(client, org.people[HOP])
    response = c.post("/incidents/new/?kind=non_case", {"kind": "non_case", "place": "", "title": "x", "save": "1"})
    assert response.status_code == 200
    assert "Select the service area or corporate function" in html(response)


@pytest.mark.parametrize("stage", [Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF])
def test_a_signed_off_sin_awaits_the_ceos_first_decision_until_one_is_recorded(org, client, stage):
    from incidents import services

    incident = incident_at(org, stage)
    sign_in(client, org.people[Role.CEO])
    home = client.get("/").content.decode()
    assert incident.display_reference in home
    assert "await the case review" in home
    assert incident.display_reference in client.get("/incidents/awaiting-my-action/").content.decode()
    services.incident_ceo_decide(actor=org.people[Role.CEO], incident_id=incident.pk, expected_version=incident.version,
                                 decision=Decision.AWAIT_REVIEW, rationale="The CR1 will tell us more.")
    assert incident.display_reference not in client.get("/").content.decode()
    assert incident.display_reference not in client.get("/incidents/awaiting-my-action/").content.decode()


def test_the_ceo_and_others_who_see_the_record_read_the_briefing_shared_on_it(org, client):
    from incidents import services

    incident = incident_at(org, Stage.CASE_REVIEW)
    services.incident_ceo_decide(actor=org.people[Role.CEO], incident_id=incident.pk, expected_version=incident.version,
                                 decision=Decision.SHARE_CHAIR, rationale="The Chair should know.",
                                 briefing_title="A serious harm case", briefing_text="What the Chair needs to know.")
    for role in (Role.CEO, Role.CMT_MEMBER, Role.ASSISTANT_DIRECTOR):
        sign_in(client, org.people[role])
        page = client.get(f"/incidents/{incident.pk}/").content.decode()
        assert "Briefing for the Chair only: A serious harm case" in page, role
        assert "What the Chair needs to know." in page, role


def test_home_tables_are_headed_for_what_they_hold(org, client):
    from incidents import services

    incident = incident_at(org, Stage.CASE_REVIEW)
    services.incident_ceo_decide(actor=org.people[Role.CEO], incident_id=incident.pk, expected_version=incident.version,
                                 decision=Decision.SHARE_BOARD, rationale="r", briefing_title="For the Board", briefing_text="t")
    sign_in(client, org.people[Role.BOARD_MEMBER])
    page = client.get("/").content.decode()
    briefings = page[page.index("Briefings shared with you"):]
    headings = re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)</th>', briefings)
    assert headings == ["Reference", "Briefing", "Shared with"]
    sign_in(client, org.people[Role.NIS_REVIEWER])
    page = client.get("/").content.decode()
    assert re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)</th>', page)[:4] == ["Reference", "What is needed", "Where", "Due"]


def test_only_those_who_close_are_told_what_stops_closure(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    services.action_add(actor=org.people[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version,
                        action=requested_action(org.people[Role.LOCAL_MANAGER]))
    for role, told in [(Role.ASSISTANT_DIRECTOR, True), (Role.OPERATIONAL_DIRECTOR, False), (Role.CEO, False)]:
        sign_in(client, org.people[role])
        page = client.get(f"/incidents/{incident.pk}/").content.decode()
        assert ("neither done nor carried" in page) is told, role


def test_an_action_of_a_closed_incident_is_shown_read_only(org, client):
    from incidents import services
    from incidents.tests.factories import requested_action

    incident = incident_at(org, Stage.ACTIONS)
    owner = org.people[Role.LOCAL_MANAGER]
    action = services.action_add(actor=org.people[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version,
                                 action=requested_action(owner, description="Check the school " * 10))
    services.action_update(actor=owner, action_id=action.pk, expected_version=action.version, status=ActionStatus.DONE, evidence="Checked.")
    incident.refresh_from_db()
    sign_in(client, owner)
    open_page = client.get(f"/actions/{action.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", open_page, re.S).group(1)
    assert title.startswith("Update the action: Check the school") and "…" in title  # shortened, and says so
    services.incident_close(actor=org.people[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "The incident is closed: its actions can no longer change." in page
    assert 'name="status"' not in page and 'name="evidence"' not in page
    assert "Checked." in page


def test_every_step_page_has_a_message_for_when_it_is_done():
    from incidents.workflow import ROWS

    done_messages = [row.done for row in ROWS]
    assert len(done_messages) == len(ROWS) and all(done_messages)
    assert all(message.endswith(".") and ": done" not in message for message in done_messages)


def test_the_author_answers_the_ads_questions_with_them_beside_the_form(org, client):
    incident = incident_at(org, Stage.RETURNED)
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    page = client.get(f"/incidents/{incident.pk}/edit/").content.decode()
    returned = page[page.index('data-testid="returned-with"'):]
    assert "Which child?" in returned[:1000]
    draft = incident_at(org, Stage.DRAFT)
    assert 'data-testid="returned-with"' not in client.get(f"/incidents/{draft.pk}/edit/").content.decode()


def test_a_refused_submission_says_the_changes_were_saved_as_a_draft(org, client):
    incident = incident_at(org, Stage.DRAFT)
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    response = client.post(f"/incidents/{incident.pk}/edit/", {
        "version": incident.version, "title": "A new title", "save_and_submit": "Save and submit",
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your changes are saved as a draft." in page
    assert "govuk-error-summary" in page
    incident.refresh_from_db()
    assert (incident.title, incident.stage) == ("A new title", Stage.DRAFT)


def test_a_filter_that_cannot_be_applied_is_said_and_lists_nothing(org, client):
    incident_at(org, Stage.CASE_REVIEW)
    sign_in(client, org.people[Role.CMT_MEMBER])
    assert _count(client.get("/incidents/")) == 1
    response = client.get("/incidents/?stage=bogus&submitted_from=2026-02-31")
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Select a valid choice" in page
    assert _count(response) == 0


def test_the_analysis_page_offers_the_two_proposals_the_od_decides_on(org, client):
    incident = incident_at(org, Stage.WITH_AD)
    body = html(as_user(client, org.people[AD]).get(f"/incidents/{incident.pk}/step/ad_analyse/"))
    assert 'value="meets_share"' in body and 'value="does_not_meet"' in body
    assert "meets_no_share" not in body and "need not see it" not in body
