"""The case review by the National Improvement Service: the CR1, its return and its sign-off (2.3, 2.5)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alerts.models import Notification
from alerts.services import notify
from audit.services import audit_record
from organisation.choices import Role
from organisation.selectors import people_with_role

from ..choices import (
    ReviewStatus,
    Stage,
    Step,
)
from ..models import (
    CaseReview,
    Incident,
    SubmittedVersion,
)
from ..versions import CR1_FIELDS, cr1_values, version_record
from ._common import (
    _case_review_signers,
    _cmt_and_ceo,
    _move,
    _open_step,
    _required_text,
)

# --- case review, CR1 (2.3, 2.5) -------------------------------------------------


def _lock_review(incident: Incident) -> CaseReview:
    return CaseReview.objects.select_for_update().get(incident=incident)


def case_review_save(
    *, actor, incident_id: int, expected_version: int, values: dict[str, str], submit: bool = False
) -> CaseReview:
    """Save the CR1 as a draft, or save and submit it for sign-off."""
    with transaction.atomic():
        incident = _open_step(
            Step.CR1_SUBMIT,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only an NIS reviewer can write the case review.",
        )
        review = _lock_review(incident)
        changes = {}
        for name in CR1_FIELDS:
            if name in values:
                value = (values[name] or "").strip()
                if getattr(review, name) != value:
                    setattr(review, name, value)
                    changes[name] = "changed"
        review.reviewer = review.reviewer or actor
        if submit:
            missing = {
                name: f"Enter the {CaseReview._meta.get_field(name).verbose_name.lower()}"
                for name in CR1_FIELDS
                if not getattr(review, name)
            }
            if missing:
                raise ValidationError(missing)
            review.status = ReviewStatus.SUBMITTED
            review.submitted_at = timezone.now()
        review.save()
        if submit:
            event = _move(incident, actor=actor, step=Step.CR1_SUBMIT, to_stage=Stage.CR1_SIGN_OFF, changes=changes)
            # The version sent for sign-off stays readable if it is returned and changed (2.5).
            version_record(incident=incident, event=event, form=SubmittedVersion.Form.CR1, values=cr1_values(review))
            notify(
                recipients=_case_review_signers(incident),
                subject=incident,
                reason=Notification.Reason.ACT,
                message="A case review (CR1) awaits your sign-off.",
                exclude=actor,
            )
        else:
            incident.version += 1
            incident.save(update_fields=["version", "updated_at"])
            audit_record(actor=actor, action="case_review.save", obj=incident, changes=changes)
        return review


def case_review_return(*, actor, incident_id: int, expected_version: int, reason: str) -> CaseReview:
    with transaction.atomic():
        incident = _open_step(
            Step.CR1_RETURN,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only the Operational Service Director can return the case review.",
        )
        reason = _required_text(reason, "reason", "Enter what needs changing in the case review")
        review = _lock_review(incident)
        review.status = ReviewStatus.DRAFT
        review.save(update_fields=["status"])
        _move(incident, actor=actor, step=Step.CR1_RETURN, to_stage=Stage.CASE_REVIEW, text=reason)
        notify(
            recipients=[review.reviewer] if review.reviewer else people_with_role(Role.NIS_REVIEWER),
            subject=incident,
            reason=Notification.Reason.ACT,
            message="The case review (CR1) was returned to you.",
            exclude=actor,
        )
        return review


def case_review_sign_off(*, actor, incident_id: int, expected_version: int, comment: str = "") -> CaseReview:
    """The Operational Service Director signs off the CR1 and sends it to CMT: the second alert (2.1, 2.5)."""
    with transaction.atomic():
        incident = _open_step(
            Step.CR1_SIGN_OFF,
            actor=actor,
            incident_id=incident_id,
            expected_version=expected_version,
            refused="Only the Operational Service Director, who did not write it, can sign off the case review.",
        )
        review = _lock_review(incident)
        review.status = ReviewStatus.SIGNED_OFF
        review.signed_off_at = timezone.now()
        review.signed_off_by = actor
        review.save(update_fields=["status", "signed_off_at", "signed_off_by"])
        if review.learning_identified and not incident.learning_identified:
            incident.learning_identified = review.learning_identified
        _move(incident, actor=actor, step=Step.CR1_SIGN_OFF, to_stage=Stage.FINAL_DECISION, text=(comment or "").strip())
        # 2.1: the second alert goes "with a copy of the completed ... CR1": each member's email links
        # to it on the record, and the mailbox's copy carries it as a PDF (alerts.services._attachments).
        notify(
            recipients=_cmt_and_ceo(),
            subject=incident,
            reason=Notification.Reason.CMT_REVIEW,
            message=f"Serious incident {incident.reference}: the case review (CR1) is complete. Read the completed CR1 on the record.",
            link=reverse("incidents:detail", args=[incident.pk]) + "#case-review",
            exclude=actor,
        )
        return review
