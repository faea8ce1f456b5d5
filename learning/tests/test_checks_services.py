"""Checks of embedding in practice (3.6), the ladder they move, re-checks and reviews of progress."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from alerts.models import Notification
from alerts.reminders import reminders_send
from core.exceptions import NotAllowed, WrongStage
from learning.choices import ItemStep, Rung
from learning.models.checks import EmbeddingCheck, EmbeddingSettings, Finding, Forum, ProgressReview, Recheck
from learning.selectors_cascade import agenda, embedding_due
from learning.services import checks as services
from organisation.choices import Role

from .test_cascade_world import published_item

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def item(org):
    return published_item(org, rung=Rung.ACTIONS_DONE)


def _check(
    org, item, finding=Finding.EMBEDDED, *, on=None, actor=None, forum=Forum.AQR, evidence="Ten case audits show it.", **extra
):
    data = services.CheckInput(
        forum=forum, area=extra.pop("area", org.area), checked_on=on or TODAY, finding=finding, evidence=evidence, **extra
    )
    return services.check_record(actor=actor or org.people[Role.ASSISTANT_DIRECTOR], item_id=item.pk, data=data)


def _rung(item):
    item.refresh_from_db()
    return item.rung


def test_forums_and_findings_are_the_words_of_3_6():
    assert [label for _, label in Forum.choices] == [
        "AQRs",
        "Performance Boards",
        "other Quality Assurance or relevant audit activity",
    ]
    assert [label for _, label in Finding.choices] == ["Embedded", "Partly embedded", "Not embedded", "Not applicable"]


def test_an_embedded_finding_verifies_the_item_and_schedules_a_recheck_six_months_on(org, item):
    check = _check(org, item, on=TODAY - timedelta(days=1))
    assert _rung(item) == Rung.VERIFIED
    recheck = Recheck.objects.get(item=item)
    assert recheck.scheduled_by_check == check and recheck.done_by_check is None
    assert recheck.due_date == services.add_months(TODAY - timedelta(days=1), 6)
    assert check.question.startswith("Is the learning from")


def test_the_recheck_interval_is_the_administrators(org, item):
    config = EmbeddingSettings.current()
    config.recheck_months = 3
    config.save()
    _check(org, item, on=date(2026, 8, 31) if TODAY >= date(2026, 8, 31) else TODAY)
    due = Recheck.objects.get(item=item).due_date
    assert due == services.add_months(EmbeddingCheck.objects.get().checked_on, 3)


def test_add_months_keeps_to_the_end_of_a_short_month():
    assert services.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert services.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert services.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_a_recheck_that_finds_it_still_embedded_sustains_it(org, item):
    _check(org, item, on=TODAY - timedelta(days=200))
    recheck = _check(org, item, forum=Forum.PERFORMANCE_BOARD)
    assert recheck.is_recheck and _rung(item) == Rung.SUSTAINED
    assert Recheck.objects.get(item=item).done_by_check == recheck


def test_a_recheck_that_finds_it_not_embedded_moves_it_back_and_says_so(org, item):
    _check(org, item, on=TODAY - timedelta(days=200))
    _check(org, item, Finding.NOT_EMBEDDED, evidence="Audits found the old practice.")
    assert _rung(item) == Rung.ACTIONS_DONE
    last = item.events.order_by("-pk").first()
    assert "Moved back from 'Verified in practice'" in last.text and "not embedded" in last.text


def test_partly_embedded_or_not_applicable_leave_the_ladder_and_go_on_the_timeline(org, item):
    _check(org, item, Finding.PARTLY_EMBEDDED)
    _check(org, item, Finding.NOT_APPLICABLE, evidence="No cases of this kind in the period.")
    assert _rung(item) == Rung.ACTIONS_DONE
    notes = list(item.events.filter(step=ItemStep.NOTE).order_by("pk").values_list("text", flat=True))
    assert "Check: partly embedded" in notes[0] and "Check: not applicable" in notes[1]


def test_a_check_without_evidence_is_refused_beside_the_field_and_nothing_is_saved(org, item):
    with pytest.raises(ValidationError) as error:
        _check(org, item, evidence="   ")
    assert error.value.message_dict == {"evidence": ["Enter the evidence for the finding"]}
    with pytest.raises(ValidationError) as error:
        services.check_record(
            actor=org.people[Role.ASSISTANT_DIRECTOR],
            item_id=item.pk,
            data=services.CheckInput(forum="gossip", area=None, checked_on=TODAY + timedelta(days=1), finding="", evidence=""),
        )
    assert set(error.value.message_dict) == {"forum", "area", "checked_on", "finding", "evidence"}
    assert not EmbeddingCheck.objects.exists() and _rung(item) == Rung.ACTIONS_DONE


@pytest.mark.parametrize("role", [Role.LOCAL_MANAGER, Role.LEARNING_LEAD, Role.OPERATIONAL_DIRECTOR, Role.CEO])
def test_only_the_areas_ad_or_hop_records_its_checks(org, item, role):
    with pytest.raises(NotAllowed):
        _check(org, item, actor=org.people[role])
    with pytest.raises(NotAllowed):  # another area's AD, for this area
        _check(org, item, actor=org.other[Role.ASSISTANT_DIRECTOR])
    assert not EmbeddingCheck.objects.exists()


def test_a_head_of_profession_checks_in_their_function(org, item):
    check = _check(org, item, actor=org.people[Role.HEAD_OF_PROFESSION], area=org.function, forum=Forum.QA_AUDIT)
    assert check.function == org.function and check.service_area is None


def test_an_item_whose_actions_are_not_agreed_cannot_be_checked(org):
    draft = published_item(org, rung=Rung.IDENTIFIED)
    with pytest.raises(WrongStage):
        _check(org, draft)


def test_evidence_files_are_checked_by_their_content(org, item):
    with pytest.raises(ValidationError) as error:
        _check(org, item, file_name="evidence.pdf", file_data=b"MZ\x90\x00 not a pdf at all")
    assert "evidence_file" in error.value.message_dict
    check = _check(org, item, file_name="audit summary.pdf", file_data=PDF)
    assert check.evidence_content_type == "application/pdf" and check.evidence_downloadable
    assert check.evidence_file.name.endswith(".pdf") and "audit summary" not in check.evidence_file.name


@override_settings(CLAMD_SOCKET="", CLAMD_HOST="")
def test_a_refused_check_keeps_no_file(org, item, tmp_path):
    with pytest.raises(NotAllowed):
        _check(org, item, actor=org.people[Role.LOCAL_MANAGER], file_name="e.pdf", file_data=PDF)
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_progress_reviews_are_scheduled_and_recorded(org, item):
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    review = services.progress_review_schedule(actor=ad, item_id=item.pk, due_date=TODAY + timedelta(days=30))
    with pytest.raises(NotAllowed):
        services.progress_review_schedule(actor=org.other[Role.ASSISTANT_DIRECTOR], item_id=item.pk, due_date=TODAY)
    with pytest.raises(ValidationError) as error:
        services.progress_review_record(actor=ad, review_id=review.pk, expected_version=review.version, held_on=None, notes="")
    assert set(error.value.message_dict) == {"held_on", "notes"}
    services.progress_review_record(
        actor=ad, review_id=review.pk, expected_version=review.version, held_on=TODAY, notes="On track."
    )
    with pytest.raises(WrongStage):
        services.progress_review_record(
            actor=ad, review_id=review.pk, expected_version=review.version, held_on=TODAY, notes="Again."
        )
    assert ProgressReview.objects.get().notes == "On track."


def test_the_agenda_lists_learning_to_consider_with_its_question_and_last_check(org, item):
    published_item(org, title="Not yet agreed", rung=Rung.IDENTIFIED)
    _check(org, item, forum=Forum.AQR)
    rows = agenda(org.people[Role.ASSISTANT_DIRECTOR], area=org.area, forum=Forum.AQR)
    assert [row.item.pk for row in rows] == [item.pk]
    assert rows[0].last_check.finding == Finding.EMBEDDED and rows[0].recheck_due is not None
    assert agenda(org.people[Role.ASSISTANT_DIRECTOR], area=org.area, forum=Forum.PERFORMANCE_BOARD)[0].last_check is None


def test_the_ad_sees_what_is_due_and_overdue_and_is_reminded(org, item, settings):
    settings.SERVICE_FEATURES = {**settings.SERVICE_FEATURES, "due_items": ["learning.selectors_cascade.due_items"]}
    _check(org, item, on=TODAY - timedelta(days=400))  # its re-check is long overdue
    ad = org.people[Role.ASSISTANT_DIRECTOR]
    due = embedding_due(ad)
    assert [r.item_id for r in due["rechecks"]] == [item.pk] and due["overdue"] == 1
    assert embedding_due(org.other[Role.ASSISTANT_DIRECTOR])["rechecks"] == []
    assert reminders_send(today=TODAY if TODAY.weekday() < 5 else TODAY - timedelta(days=TODAY.weekday() - 4)) >= 1
    assert Notification.objects.filter(recipient=org.people[Role.OPERATIONAL_DIRECTOR], message__contains="re-check").exists()
