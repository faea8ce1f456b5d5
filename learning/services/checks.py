"""Checks of embedding in practice (source 3.6), re-checks and reviews of progress: one function per step.

    check_record             an Operational AD or Corporate Head of Profession records a check in an
                             AQR, a Performance Board or other QA or audit activity, in their area
    progress_review_schedule the person responsible (or their AD / HoP) schedules a review of progress
    progress_review_record   ... and records what it found

A check that finds the learning embedded, with evidence, moves the item to
"verified in practice" and schedules a re-check EmbeddingSettings.recheck_months
later; a re-check that finds it still embedded moves it to "sustained"; one that
finds it not embedded moves it back to "actions done", saying so on the timeline.
"""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import rules
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core.exceptions import NotAllowed, WrongStage
from documents import scanning
from documents.files import FileRejected, check_size, content_type_of, word_without_external_links
from documents.services import virus_message
from documents.word import WORD_CONTENT_TYPE

from ..choices import ItemStatus, Rung
from ..models import LearningItem
from ..models.checks import EmbeddingCheck, EmbeddingSettings, Finding, Forum, ProgressReview, Recheck
from ..selectors_cascade import check_question
from ..services.items import learning_item_move
from .cascade import item_note

# The rungs at which an item's learning can be checked in practice: its actions are agreed.
CHECKABLE_RUNGS = (Rung.ACTIONS_AGREED, Rung.ACTIONS_DONE, Rung.VERIFIED, Rung.SUSTAINED)


@dataclass
class CheckInput:
    """What a check records (3.6): where, when, what was found and the evidence of it."""

    forum: str
    area: object  # a ServiceArea or a CorporateFunction
    checked_on: date | None
    finding: str
    evidence: str
    file_name: str = ""
    file_data: bytes | None = None


def _check_errors(data: CheckInput) -> dict[str, str]:
    errors = {}
    if data.forum not in Forum.values:
        errors["forum"] = "Select where the check was made"
    if data.area is None:
        errors["area"] = "Select the area checked"
    if data.checked_on is None:
        errors["checked_on"] = "Enter the date of the check"
    elif data.checked_on > timezone.localdate():
        errors["checked_on"] = "The date of the check must be today or in the past"
    if data.finding not in Finding.values:
        errors["finding"] = "Select what the check found"
    if not (data.evidence or "").strip():
        errors["evidence"] = "Enter the evidence for the finding"
    return errors


def _evidence_file(*, actor, data: CheckInput) -> tuple[bytes, str, str] | None:
    """The evidence file after the content checks and the virus scan: (bytes, type, scan status)."""
    if not data.file_data:
        return None
    try:
        check_size(len(data.file_data))
        content_type = content_type_of(data.file_data)
        content = data.file_data
        if content_type == WORD_CONTENT_TYPE:
            content, _ = word_without_external_links(content)
    except FileRejected as error:
        raise ValidationError({"evidence_file": error.message}) from error
    result = scanning.scan(content)
    if result.infected:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="documents.virus_refused",
                changes={
                    "name": (data.file_name or "file")[-255:],
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "signature": result.detail,
                },
            )
        raise ValidationError({"evidence_file": virus_message(result)})
    status = {
        scanning.CLEAN: EmbeddingCheck.ScanStatus.CLEAN,
        scanning.UNAVAILABLE: EmbeddingCheck.ScanStatus.PENDING,
        scanning.OFF: EmbeddingCheck.ScanStatus.UNCHECKED,
    }[result.outcome]
    return content, content_type, status


@contextmanager
def _file_kept_only_if_committed(check: EmbeddingCheck, content: bytes | None):
    if content is not None:
        check.evidence_file.save("evidence", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        if content is not None:
            check.evidence_file.storage.delete(check.evidence_file.name)
        raise


def _area_fields(area) -> dict:
    from organisation.models import ServiceArea

    return {"service_area": area} if isinstance(area, ServiceArea) else {"function": area}


def check_record(*, actor, item_id: int, data: CheckInput) -> EmbeddingCheck:
    """Record a check of whether the item's learning is embedded in practice in an area (3.6), and its effect on the ladder."""
    errors = _check_errors(data)
    if errors:
        raise ValidationError(errors)
    evidence_file = _evidence_file(actor=actor, data=data)
    check = EmbeddingCheck(
        forum=data.forum,
        checked_on=data.checked_on,
        checked_by=actor,
        finding=data.finding,
        evidence=data.evidence.strip(),
        **_area_fields(data.area),
    )
    if evidence_file is not None:
        content, content_type, status = evidence_file
        check.evidence_name, check.evidence_content_type, check.evidence_scan = (
            (data.file_name or "file")[-255:],
            content_type,
            status,
        )
        check.evidence_size, check.evidence_sha256 = len(content), hashlib.sha256(content).hexdigest()
    with _file_kept_only_if_committed(check, evidence_file[0] if evidence_file else None):
        item = LearningItem.objects.select_for_update().get(pk=item_id)
        if not rules.has_perm("learning.record_check", actor, data.area):
            raise NotAllowed(
                "Only the Operational Assistant Director or Corporate Head of Profession of the area can record its checks."
            )
        if item.status != ItemStatus.PUBLISHED or item.rung not in CHECKABLE_RUNGS:
            raise WrongStage("The actions of this learning have not been agreed yet, so it cannot be checked in practice.")
        due = Recheck.objects.select_for_update().filter(item=item, done_by_check__isnull=True).first()
        check.item, check.question, check.is_recheck = item, check_question(item), due is not None
        check.save()
        if due is not None:
            due.done_by_check = check
            due.save(update_fields=["done_by_check"])
        _climb(actor=actor, item=item, check=check)
        audit_record(
            actor=actor,
            action="learning.check_record",
            obj=item,
            changes={
                "check": check.pk,
                "forum": check.forum,
                "finding": check.finding,
                "recheck": check.is_recheck,
                **({"file_sha256": check.evidence_sha256} if check.evidence_sha256 else {}),
            },
        )
    return check


def _climb(*, actor, item: LearningItem, check: EmbeddingCheck) -> None:
    """What the finding does to the ladder (3.6, DESIGN.md "Learning Portal")."""
    where = f"{check.get_forum_display()}, {check.area}, {check.checked_on:%d %B %Y}"
    # The ladder is climbed one rung at a time: learning whose actions are not all done is not yet
    # "verified in practice", however the check went (the finding is kept on the timeline).
    if check.finding == Finding.EMBEDDED and item.rung == Rung.ACTIONS_DONE:
        learning_item_move(
            item=item,
            to_rung=Rung.VERIFIED,
            actor=actor,
            text=f"Verified in practice: a check found the learning embedded ({where}).",
        )
        _schedule_recheck(item=item, check=check)
    elif check.finding == Finding.EMBEDDED and item.rung == Rung.VERIFIED and check.is_recheck:
        learning_item_move(
            item=item,
            to_rung=Rung.SUSTAINED,
            actor=actor,
            text=f"Sustained: the re-check found the learning still embedded ({where}).",
        )
    elif check.finding == Finding.EMBEDDED and item.rung in (Rung.IDENTIFIED, Rung.ACTIONS_AGREED):
        item_note(item=item, actor=actor, text=f"Check: embedded ({where}); verified once its actions are done.")
    elif check.finding == Finding.EMBEDDED:
        item_note(item=item, actor=actor, text=f"Check: embedded ({where}).")
    elif check.finding == Finding.NOT_EMBEDDED and item.rung in (Rung.VERIFIED, Rung.SUSTAINED):
        learning_item_move(
            item=item,
            to_rung=Rung.ACTIONS_DONE,
            actor=actor,
            text=f"Moved back from '{item.get_rung_display()}': a re-check found the learning not embedded ({where}).",
        )
    else:
        item_note(item=item, actor=actor, text=f"Check: {check.get_finding_display().lower()} ({where}).")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 August + 6 = 28 or 29 February)."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _schedule_recheck(*, item: LearningItem, check: EmbeddingCheck) -> Recheck:
    months = EmbeddingSettings.current().recheck_months
    return Recheck.objects.create(item=item, scheduled_by_check=check, due_date=add_months(check.checked_on, months))


def progress_review_schedule(*, actor, item_id: int, due_date: date | None) -> ProgressReview:
    """Schedule a review of progress on the item's learning (3.1)."""
    if due_date is None:
        raise ValidationError({"due_date": "Enter the date the review is due"})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The date the review is due must be today or in the future"})
    with transaction.atomic():
        item = LearningItem.objects.select_for_update().get(pk=item_id)
        if not rules.has_perm("learning.review_progress", actor, item):
            raise NotAllowed(
                "Only the person responsible for the learning, or their Assistant Director or Head of Profession, can schedule its reviews."
            )
        if item.status != ItemStatus.PUBLISHED:
            raise WrongStage("Reviews of progress are scheduled for a published item that is not closed.")
        review = ProgressReview.objects.create(item=item, due_date=due_date, scheduled_by=actor)
        item_note(item=item, actor=actor, text=f"Review of progress scheduled for {due_date:%d %B %Y}.")
        audit_record(actor=actor, action="learning.progress_review_schedule", obj=item, changes={"due_date": str(due_date)})
        return review


def progress_review_record(*, actor, review_id: int, expected_version: int, held_on: date | None, notes: str) -> ProgressReview:
    """Record a scheduled review of progress: when it was held and what it found (3.1)."""
    errors = {}
    notes = (notes or "").strip()
    if held_on is None:
        errors["held_on"] = "Enter the date of the review"
    elif held_on > timezone.localdate():
        errors["held_on"] = "The date of the review must be today or in the past"
    if not notes:
        errors["notes"] = "Enter what the review found"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = ProgressReview.objects.select_for_update().get(pk=review_id)
        item = LearningItem.objects.select_for_update().get(pk=review.item_id)
        if not rules.has_perm("learning.review_progress", actor, item):
            raise NotAllowed(
                "Only the person responsible for the learning, or their Assistant Director or Head of Profession, can record its reviews."
            )
        if review.held_on is not None or review.version != expected_version:
            raise WrongStage("This review has been recorded already.")
        review.held_on, review.notes, review.recorded_by = held_on, notes, actor
        review.version += 1
        review.save()
        item_note(item=item, actor=actor, text=f"Review of progress held on {held_on:%d %B %Y}: {notes[:300]}")
        audit_record(actor=actor, action="learning.progress_review_record", obj=item, changes={"review": review.pk})
        return review
