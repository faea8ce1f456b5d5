"""THE permission matrix of the steps: every row of the table of steps, as every kind of person, through
the page POST and the API POST, expecting the step to be recorded only where the process says so and
nothing to change otherwise.

WHO_MAY is written from DESIGN.md ("Who may do what"), not from the rules: the matrix checks the rules.
A row added to incidents.workflow without an entry here fails `test_every_step_of_the_table_is_in_the_matrix`.
"""

import pytest
from rest_framework.test import APIClient

from conftest import sign_in
from incidents.choices import Decision, Kind, Proposal, Stage, Step
from incidents.models import Incident
from incidents.tests.factories import CR1_VALUES, incident_at
from incidents.workflow import PAGE_STEPS, ROWS
from organisation.choices import Role
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db

LM, AD, OD, HOP = Role.LOCAL_MANAGER, Role.ASSISTANT_DIRECTOR, Role.OPERATIONAL_DIRECTOR, Role.HEAD_OF_PROFESSION
NIS, CMT, CEO = Role.NIS_REVIEWER, Role.CMT_MEMBER, Role.CEO
ADMIN = "administrator (superuser)"
# Everyone the matrix tries: the people of the incident's places, of the other places, national roles, the rest.
PEOPLE = [
    LM,
    AD,
    OD,
    HOP,
    NIS,
    CMT,
    CEO,
    Role.BOARD_MEMBER,
    Role.CHAIR,
    Role.LEARNING_LEAD,
    Role.PQC_MEMBER,
    ADMIN,
    f"other {LM}",
    f"other {AD}",
    f"other {OD}",
    f"other {HOP}",
    "nobody",
]

# (kind, step) -> the stage the record is at, and who may take the step there (DESIGN.md).
WHO_MAY = {
    (Kind.CASE, Step.SUBMIT): (Stage.DRAFT, {LM}),  # the author, a local manager of the team
    (Kind.CASE, Step.RESUBMIT): (Stage.RETURNED, {LM}),
    (Kind.CASE, Step.AD_ANALYSE): (Stage.WITH_AD, {AD}),
    (Kind.CASE, Step.AD_RETURN): (Stage.WITH_AD, {AD}),
    (Kind.CASE, Step.OD_SIGN_OFF): (Stage.WITH_OD, {OD}),
    (Kind.CASE, Step.OD_RETURN): (Stage.WITH_OD, {OD}),
    (Kind.CASE, Step.OD_NOT_NOTIFIABLE): (Stage.WITH_OD, {OD}),
    (Kind.CASE, Step.CEO_DECISION): (Stage.CASE_REVIEW, {CEO}),
    (Kind.CASE, Step.CR1_SUBMIT): (Stage.CASE_REVIEW, {NIS}),
    (Kind.CASE, Step.CR1_RETURN): (Stage.CR1_SIGN_OFF, {OD}),  # the Operational Service Director: the region's OD
    (Kind.CASE, Step.CR1_SIGN_OFF): (Stage.CR1_SIGN_OFF, {OD}),
    (Kind.CASE, Step.CEO_FINAL_DECISION): (Stage.FINAL_DECISION, {CEO}),
    (Kind.CASE, Step.LEARNING_RECORD): (Stage.ACTIONS, {AD, OD, NIS}),  # NIS: the CR1's reviewer
    (Kind.CASE, Step.CLOSE): (Stage.ACTIONS, {AD}),
    (Kind.NON_CASE, Step.SUBMIT_NON_CASE): (Stage.DRAFT, {AD}),  # the author, the AD of the service area
    (Kind.NON_CASE, Step.CEO_FINAL_DECISION): (Stage.NOTIFIED, {CEO}),
    (Kind.NON_CASE, Step.LEARNING_RECORD): (Stage.ACTIONS, {AD, OD}),
    (Kind.NON_CASE, Step.CLOSE): (Stage.ACTIONS, {AD}),
}

DATA = {
    "text": {"text": "Because of what the record shows."},
    "analysis": {"analysis": "It meets criterion 3.", "proposal": Proposal.MEETS_SHARE},
    "decision": {"decision": Decision.NO_ONWARD, "rationale": "No onward sharing needed."},
    "confirm": {},
}
CHANNELS = ["page", "api"]


def test_every_step_of_the_table_is_in_the_matrix():
    assert {(row.kind, row.step) for row in ROWS} == set(WHO_MAY)


def _people(org) -> dict:
    people = {key: org.people[key] for key in PEOPLE if key in org.people}
    people[ADMIN] = person(None, username="superuser", is_staff=True, is_superuser=True)
    for role in (LM, AD, OD, HOP):
        people[f"other {role}"] = org.other[role]
    people["nobody"] = org.nobody
    return people


def _incident(org, row):
    stage, _ = WHO_MAY[(row.kind, row.step)]
    incident = incident_at(org, stage, kind=row.kind)
    if row.step == Step.RESUBMIT:
        Incident.objects.filter(pk=incident.pk).update(answer_draft="The answer to the questions.")
    incident.refresh_from_db()
    return incident


def _post(channel, row, user, incident):
    """Take the step as `user` through `channel`; the response."""
    version = incident.version
    if channel == "api":
        client = APIClient()
        client.force_authenticate(user)
        if row.step == Step.CR1_SUBMIT:
            return client.put(
                f"/api/incidents/{incident.pk}/case-review/", {"version": version, "submit": True, **CR1_VALUES}, format="json"
            )
        name = "submit" if row.service == "incident_submit" else row.step.value
        return client.post(
            f"/api/incidents/{incident.pk}/steps/{name}/", {"version": version, **DATA.get(row.form, {})}, format="json"
        )
    from django.test import Client

    client = sign_in(Client(), user)
    if row.step == Step.CR1_SUBMIT:
        return client.post(f"/incidents/{incident.pk}/case-review/", {"version": version, "submit_review": "1", **CR1_VALUES})
    if row.service == "incident_submit":
        return client.post(f"/incidents/{incident.pk}/submit/", {"version": version})
    return client.post(f"/incidents/{incident.pk}/step/{row.step.value}/", {"version": version, **DATA[row.form]})


def _recorded(incident, before_version) -> bool:
    incident.refresh_from_db()
    return incident.version > before_version


def _cases():
    for row in ROWS:
        for channel in CHANNELS:
            if channel == "page" and row.step not in PAGE_STEPS and row.form != "own":
                continue
            if channel == "api" and not row.api and row.service != "incident_submit" and row.step != Step.CR1_SUBMIT:
                continue
            yield pytest.param(row, channel, id=f"{row.kind}-{row.step}-{channel}")


@pytest.mark.parametrize(("row", "channel"), list(_cases()))
def test_each_step_is_taken_by_whom_the_process_names_and_refused_to_everyone_else(org, row, channel):
    _, allowed = WHO_MAY[(row.kind, row.step)]
    people = _people(org)
    incident = _incident(org, row)
    for key in PEOPLE:
        if key in allowed:
            continue
        before = incident.version
        response = _post(channel, row, people[key], incident)
        assert response.status_code in (403, 404), (key, response.status_code)
        assert not _recorded(incident, before), key
    for key in allowed:
        fresh = _incident(org, row)
        before = fresh.version
        response = _post(channel, row, people[key], fresh)
        assert response.status_code in (200, 302), (key, response.status_code, getattr(response, "content", b"")[:500])
        assert _recorded(fresh, before), key
