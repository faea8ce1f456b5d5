"""The cascade and checks pages: each POST refuses the wrong people, bad input is said beside its field with
what was typed kept, and the pages' query counts stay the same however many people, teams and items there are."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from learning.choices import Rung
from learning.models.cascade import AlertRecipient, CascadeMethod, StaffAlert, TeamMeeting
from learning.models.checks import EmbeddingCheck, Finding, Forum
from learning.selectors_cascade import area_key
from learning.services import cascade as cascade_services, checks as check_services
from organisation.choices import Role

from .test_cascade_world import more_teams, published_item

pytestmark = pytest.mark.django_db
M = CascadeMethod
TODAY = timezone.localdate()


def _date(prefix: str, day) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


@pytest.fixture
def item(org):
    return published_item(org, rung=Rung.ACTIONS_DONE)


def _as(client, user):
    client.logout()
    return sign_in(client, user)


def _decided(org, item, *methods):
    return cascade_services.cascade_decide(actor=org.people[Role.LEARNING_LEAD], item_id=item.pk, methods=list(methods))


# --- every POST refuses the wrong people -------------------------------------------------------

EVERYONE = [*Role, "other_local_manager", "other_assistant_director", "nobody"]


def _person(org, who):
    if who == "nobody":
        return org.nobody
    if isinstance(who, str) and who.startswith("other_"):
        return org.other[Role(who.removeprefix("other_"))]
    return org.people[who]


def _posts(org, item, alert):
    """(url name, args, data, who may) for every POST of these pages."""
    ll, ad, lm = Role.LEARNING_LEAD, Role.ASSISTANT_DIRECTOR, Role.LOCAL_MANAGER
    return [
        ("learning:cascade_decide", [item.pk], {"methods": [M.LD_BULLETIN]}, {ll}),
        ("learning:cascade_omt", [item.pk], _date("omt_date", TODAY), {ll}),
        ("learning:cascade_sam", [item.pk], {"service_area": org.area.pk, **_date("meeting_date", TODAY)}, {ad}),
        ("learning:cascade_team", [item.pk], {"team": org.team.pk, **_date("meeting_date", TODAY)}, {lm}),
        ("learning:staff_alert_send", [item.pk], {"kind": M.LEGAL_ALERT, "title": "T", "text": "T"}, {ll}),
        (
            "learning:check_record",
            [item.pk],
            {
                "forum": Forum.AQR,
                "area": area_key(org.area),
                "finding": Finding.EMBEDDED,
                "evidence": "E",
                **_date("checked_on", TODAY),
            },
            {ad},
        ),
        ("learning:progress_review_schedule", [item.pk], _date("due_date", TODAY + timedelta(days=9)), {ad}),
    ]


@pytest.mark.parametrize("who", EVERYONE, ids=str)
def test_every_post_refuses_the_wrong_people_and_changes_nothing(client, org, item, who):
    _decided(org, item, M.MONTHLY_CASCADE, M.KNOWLEDGE_ALERT, M.LEGAL_ALERT)
    alert = cascade_services.staff_alert_send(
        actor=org.people[Role.LEARNING_LEAD], item_id=item.pk, kind=M.KNOWLEDGE_ALERT, title="A", text="B"
    )
    user = _person(org, who)
    _as(client, user)
    for name, args, data, allowed in _posts(org, item, alert):
        if who in allowed:
            continue
        before = (
            TeamMeeting.objects.count(),
            StaffAlert.objects.count(),
            EmbeddingCheck.objects.count(),
            item.progress_reviews.count(),
        )
        response = client.post(reverse(name, args=args), data)
        # 403/404; or, for a place they do not hold (another area's AD, another team's manager), the form's own
        # refusal beside the field: the place asked for is not among those it offers them.
        refused = response.status_code in (403, 404) or (
            response.status_code == 200 and "There is a problem" in response.content.decode()
        )
        assert refused, (name, who, response.status_code)
        assert before == (
            TeamMeeting.objects.count(),
            StaffAlert.objects.count(),
            EmbeddingCheck.objects.count(),
            item.progress_reviews.count(),
        )


def test_the_right_people_take_each_step_through_the_pages(client, org, item):
    ll, ad, lm = (org.people[r] for r in (Role.LEARNING_LEAD, Role.ASSISTANT_DIRECTOR, Role.LOCAL_MANAGER))
    _as(client, ll)
    response = client.post(
        reverse("learning:cascade_decide", args=[item.pk]), {"methods": [M.MONTHLY_CASCADE, M.KNOWLEDGE_ALERT]}
    )
    assert response.status_code == 302
    assert (
        client.post(reverse("learning:cascade_omt", args=[item.pk]), _date("omt_date", TODAY - timedelta(days=2))).status_code
        == 302
    )
    assert (
        client.post(
            reverse("learning:staff_alert_send", args=[item.pk]),
            {"kind": M.KNOWLEDGE_ALERT, "title": "Check the finding", "text": "Read the finding first."},
        ).status_code
        == 302
    )
    _as(client, ad)
    assert (
        client.post(
            reverse("learning:cascade_sam", args=[item.pk]), {"service_area": org.area.pk, **_date("meeting_date", TODAY)}
        ).status_code
        == 302
    )
    _as(client, lm)
    assert (
        client.post(
            reverse("learning:cascade_team", args=[item.pk]), {"team": org.team.pk, **_date("meeting_date", TODAY)}
        ).status_code
        == 302
    )
    page = client.get(reverse("learning:cascade", args=[item.pk])).content.decode()
    assert "1 of 2 teams confirmed" in page
    alert = StaffAlert.objects.get()
    assert client.post(reverse("learning:staff_alert_acknowledge", args=[alert.pk])).status_code == 302
    assert AlertRecipient.objects.get(alert=alert, person=lm).acknowledged_at is not None


def test_a_check_without_evidence_is_said_beside_the_field_and_what_was_typed_is_kept(client, org, item):
    _as(client, org.people[Role.ASSISTANT_DIRECTOR])
    data = {
        "forum": Forum.AQR,
        "area": area_key(org.area),
        "finding": Finding.EMBEDDED,
        "evidence": "",
        **_date("checked_on", TODAY),
    }
    response = client.post(reverse("learning:check_record", args=[item.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "Enter the evidence for the finding" in page
    assert 'value="embedded" checked' in page or "checked" in page
    assert not EmbeddingCheck.objects.exists()


def test_a_team_meeting_confirmed_twice_is_said_beside_the_team(client, org, item):
    _decided(org, item, M.MONTHLY_CASCADE)
    _as(client, org.people[Role.LOCAL_MANAGER])
    data = {"team": org.team.pk, **_date("meeting_date", TODAY)}
    client.post(reverse("learning:cascade_team", args=[item.pk]), data)
    response = client.post(reverse("learning:cascade_team", args=[item.pk]), data)
    assert response.status_code == 200 and "The team meeting of Newcastle 1 was confirmed already" in response.content.decode()
    assert TeamMeeting.objects.count() == 1


def test_an_acknowledgement_by_someone_the_alert_did_not_go_to_is_refused_clearly(client, org, item):
    _decided(org, item, M.KNOWLEDGE_ALERT)
    alert = cascade_services.staff_alert_send(
        actor=org.people[Role.LEARNING_LEAD], item_id=item.pk, kind=M.KNOWLEDGE_ALERT, title="A", text="B"
    )
    AlertRecipient.objects.filter(alert=alert, person=org.people[Role.CEO]).delete()  # joined after it was sent
    _as(client, org.people[Role.CEO])
    response = client.post(reverse("learning:staff_alert_acknowledge", args=[alert.pk]))
    assert response.status_code == 403 and "This alert was not sent to you" in response.content.decode()


def test_the_lead_sees_who_has_and_has_not_acknowledged(client, org, item):
    _decided(org, item, M.KNOWLEDGE_ALERT)
    alert = cascade_services.staff_alert_send(
        actor=org.people[Role.LEARNING_LEAD], item_id=item.pk, kind=M.KNOWLEDGE_ALERT, title="A", text="B"
    )
    lm = org.people[Role.LOCAL_MANAGER]
    cascade_services.staff_alert_acknowledge(actor=lm, alert_id=alert.pk)
    _as(client, org.people[Role.LEARNING_LEAD])
    page = client.get(reverse("learning:staff_alert", args=[alert.pk])).content.decode()
    total = alert.recipients.count()
    assert f"2 of {total} people" in page and lm.get_full_name() in page
    _as(client, lm)  # a practitioner or manager sees their own acknowledgement, not the list
    page = client.get(reverse("learning:staff_alert", args=[alert.pk])).content.decode()
    assert "You acknowledged this alert" in page and "Who has acknowledged it" not in page


def test_the_agenda_downloads_as_word_and_pdf(client, org, item):
    _as(client, org.people[Role.ASSISTANT_DIRECTOR])
    query = f"?area={area_key(org.area)}&forum={Forum.PERFORMANCE_BOARD}"
    word = client.get(reverse("learning:agenda_docx") + query)
    assert word.status_code == 200 and word.content.startswith(b"PK")
    import io

    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert item.title in text and "Check question" in text and "Performance Boards" in text
    pdf = client.get(reverse("learning:agenda_pdf") + query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


# --- query counts do not grow with the people, teams and items -------------------------------------------


def _more(org, item, n, start):
    """n more members of staff, teams whose managers confirmed their meetings, and items checked in the area."""
    from organisation.tests.factories import UserFactory, person

    for _ in range(n):
        UserFactory()
    for team in more_teams(org, n):
        manager = person(Role.LOCAL_MANAGER, place=team)
        cascade_services.cascade_team_confirm(actor=manager, item_id=item.pk, team=team, meeting_date=TODAY)
    for extra in range(start, start + n):
        other = published_item(org, title=f"Learning {extra}", rung=Rung.ACTIONS_DONE)
        check_services.check_record(
            actor=org.people[Role.ASSISTANT_DIRECTOR],
            item_id=other.pk,
            data=check_services.CheckInput(
                forum=Forum.AQR,
                area=org.area,
                checked_on=TODAY - timedelta(days=200),
                finding=Finding.EMBEDDED,
                evidence="Audits.",
            ),
        )
        check_services.progress_review_schedule(actor=org.people[Role.ASSISTANT_DIRECTOR], item_id=other.pk, due_date=TODAY)


def _counts(client, pages) -> list[int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for user, url, _most in pages:
        _as(client, user)
        client.get(url)  # session and caches warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts.append(len(queries))
    return counts


def test_query_counts_are_pinned_and_do_not_grow(client, org, item):
    _decided(org, item, M.MONTHLY_CASCADE, M.KNOWLEDGE_ALERT)
    ll, ad = org.people[Role.LEARNING_LEAD], org.people[Role.ASSISTANT_DIRECTOR]
    cascade_services.cascade_omt_record(actor=ll, item_id=item.pk, omt_date=TODAY)
    _more(org, item, 1, 0)
    alert = cascade_services.staff_alert_send(actor=ll, item_id=item.pk, kind=M.KNOWLEDGE_ALERT, title="A", text="B")
    pages = [
        (ll, reverse("learning:cascade", args=[item.pk]), 20),
        (ll, reverse("learning:staff_alert", args=[alert.pk]), 16),
        (ad, reverse("learning:checks", args=[item.pk]), 16),
        (ad, reverse("learning:agenda") + f"?area={area_key(org.area)}&forum=aqr", 16),
        (ad, reverse("learning:embedding_due"), 16),
        (ad, reverse("core:home"), 30),
    ]
    few = _counts(client, pages)
    assert all(count <= most for count, (_, _, most) in zip(few, pages, strict=True)), few
    _more(org, item, 5, 1)
    AlertRecipient.objects.bulk_create(
        [AlertRecipient(alert=alert, person=p) for p in org.nobody.__class__.objects.exclude(staff_alerts_received__alert=alert)]
    )
    assert _counts(client, pages) == few
