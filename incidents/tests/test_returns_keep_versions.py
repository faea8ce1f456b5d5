"""A return and its answer never overwrite what was questioned (DESIGN.md: nothing is overwritten).

The author's answer to the AD's questions is a timeline entry of its own; the
form as the AD saw it stays readable beside what changed and who changed it;
the AD sees the answer and the changes side by side. The same for a CR1
returned by the Operational Service Director (2.5).
"""

import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from audit.models import AuditEvent
from conftest import sign_in
from incidents import services
from incidents.choices import Stage, Step
from incidents.models import SubmittedVersion
from incidents.tests.factories import CR1_VALUES, case_form, incident_at
from incidents.versions import readable
from organisation.choices import Role

pytestmark = pytest.mark.django_db

QUESTIONS = "Which child is this about? The form names the sibling."
ANSWER = "It is B, 6: I had copied the sibling's details by mistake."


@pytest.fixture
def returned(org):
    incident = incident_at(org, Stage.WITH_AD, data=case_form(children="A, 4", court="Family Court at Leeds"))
    services.incident_ad_return(
        actor=org.people[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, questions=QUESTIONS
    )
    incident.refresh_from_db()
    return incident


def _answer(org, incident, *, answer=ANSWER, **changes):
    author = org.people[Role.LOCAL_MANAGER]
    services.incident_update_draft(
        actor=author,
        incident_id=incident.pk,
        expected_version=incident.version,
        data=case_form(children="B, 6", court="Family Court at Leeds", **changes),
    )
    incident.refresh_from_db()
    services.incident_submit(actor=author, incident_id=incident.pk, expected_version=incident.version, answer=answer)
    incident.refresh_from_db()
    return incident


def test_the_answer_is_a_timeline_entry_of_its_own_and_the_questioned_version_stays(org, returned):
    incident = _answer(org, returned)
    assert incident.stage == Stage.WITH_AD and incident.children == "B, 6"
    resubmission = incident.events.get(step=Step.RESUBMIT)
    assert resubmission.text == ANSWER and resubmission.actor == org.people[Role.LOCAL_MANAGER]
    first, second = SubmittedVersion.objects.filter(incident=incident, form=SubmittedVersion.Form.SIN).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert readable(first)["children"] == "A, 4" and readable(second)["children"] == "B, 6"
    # Kept encrypted at rest, as the record itself is (decision 0019).
    with connection.cursor() as cursor:
        cursor.execute('SELECT "values" FROM incidents_submittedversion WHERE id = %s', [first.pk])
        raw = str(cursor.fetchone()[0])
    assert "A, 4" not in raw and "fernet:" in raw
    assert second.event == resubmission
    assert AuditEvent.objects.filter(action="incident.resubmit", object_id=str(incident.pk)).exists()


def test_resubmitting_without_an_answer_is_refused_beside_the_answer(org, returned):
    author = org.people[Role.LOCAL_MANAGER]
    with pytest.raises(ValidationError) as error:
        services.incident_submit(actor=author, incident_id=returned.pk, expected_version=returned.version)
    assert error.value.message_dict == {"answer": [services.ANSWER_MISSING]}
    returned.refresh_from_db()
    assert returned.stage == Stage.RETURNED


def test_an_answer_saved_with_the_draft_is_kept_until_the_resubmission_records_it(org, returned):
    author = org.people[Role.LOCAL_MANAGER]
    services.incident_update_draft(
        actor=author,
        incident_id=returned.pk,
        expected_version=returned.version,
        data=case_form(children="B, 6"),
        answer="Half written answer",
    )
    returned.refresh_from_db()
    assert returned.answer_draft == "Half written answer"
    services.incident_submit(actor=author, incident_id=returned.pk, expected_version=returned.version)
    returned.refresh_from_db()
    assert returned.events.get(step=Step.RESUBMIT).text == "Half written answer"
    assert returned.answer_draft == ""


def test_the_ad_sees_the_questions_the_answer_and_the_changes_side_by_side(org, returned, client):
    incident = _answer(org, returned)
    page = sign_in(client, org.people[Role.ASSISTANT_DIRECTOR]).get(f"/incidents/{incident.pk}/step/ad_analyse/")
    body = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert QUESTIONS in body and ANSWER in body
    assert 'data-testid="changes"' in body
    assert "Child or children" in body and "A, 4" in body and "B, 6" in body
    # A field that did not change is not listed as a change.
    changes = body[body.index('data-testid="changes"') :]
    assert "Family Court at Leeds" not in changes[: changes.index("</table>")]


def test_the_record_shows_what_the_ad_saw_to_every_reader(org, returned, client):
    incident = _answer(org, returned)
    body = html.unescape(
        sign_in(client, org.people[Role.OPERATIONAL_DIRECTOR]).get(f"/incidents/{incident.pk}/").content.decode()
    )
    assert Step.RESUBMIT.label in body and ANSWER in body
    assert "What changed in the form" in body and "A, 4" in body


def test_the_page_form_records_the_answer_and_refuses_a_resubmission_without_one(org, returned, client):
    from incidents.tests.helpers import edit_post

    c = sign_in(client, org.people[Role.LOCAL_MANAGER])
    form = html.unescape(c.get(f"/incidents/{returned.pk}/edit/").content.decode())
    assert 'name="answer"' in form and QUESTIONS in form
    data = edit_post(org, returned, save_and_submit="1", children="B, 6")
    data.pop("save")
    response = c.post(f"/incidents/{returned.pk}/edit/", data)
    assert response.status_code == 200
    assert services.ANSWER_MISSING in html.unescape(response.content.decode())
    returned.refresh_from_db()
    assert returned.stage == Stage.RETURNED and returned.children == "B, 6"  # the change is saved, nothing lost
    data = edit_post(org, returned, save_and_submit="1", children="B, 6", answer=ANSWER)
    data.pop("save")
    assert c.post(f"/incidents/{returned.pk}/edit/", data).status_code == 302
    returned.refresh_from_db()
    assert returned.stage == Stage.WITH_AD
    assert returned.events.get(step=Step.RESUBMIT).text == ANSWER


def test_a_returned_cr1_stays_readable_beside_what_changed(org, client):
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    od, reviewer = org.people[Role.OPERATIONAL_DIRECTOR], org.people[Role.NIS_REVIEWER]
    services.case_review_return(
        actor=od,
        incident_id=incident.pk,
        expected_version=incident.version,
        reason="The findings do not follow from the chronology.",
    )
    incident.refresh_from_db()
    services.case_review_save(
        actor=reviewer,
        incident_id=incident.pk,
        expected_version=incident.version,
        values={**CR1_VALUES, "findings": "Findings that follow from the chronology."},
        submit=True,
    )
    first, second = SubmittedVersion.objects.filter(incident=incident, form=SubmittedVersion.Form.CR1).order_by("number")
    assert first.values["findings"] == CR1_VALUES["findings"]
    assert second.values["findings"] == "Findings that follow from the chronology."
    page = html.unescape(sign_in(client, od).get(f"/incidents/{incident.pk}/step/cr1_sign_off/").content.decode())
    assert "The findings do not follow from the chronology." in page
    assert CR1_VALUES["findings"] in page and "Findings that follow from the chronology." in page


def test_a_returned_cr1s_earlier_version_is_read_only_by_those_who_read_the_cr1(org, client):
    incident = incident_at(org, Stage.CR1_SIGN_OFF)
    od, reviewer = org.people[Role.OPERATIONAL_DIRECTOR], org.people[Role.NIS_REVIEWER]
    services.case_review_return(actor=od, incident_id=incident.pk, expected_version=incident.version, reason="Redo the findings.")
    incident.refresh_from_db()
    services.case_review_save(
        actor=reviewer,
        incident_id=incident.pk,
        expected_version=incident.version,
        values={**CR1_VALUES, "findings": "New findings."},
        submit=True,
    )
    # The author of the SIN reads the record but not an unsigned CR1 (incidents.read_case_review).
    body = html.unescape(sign_in(client, org.people[Role.LOCAL_MANAGER]).get(f"/incidents/{incident.pk}/").content.decode())
    assert CR1_VALUES["findings"] not in body and "New findings." not in body
    assert "What changed in the case review" not in body
