"""Every change to a SIN: one function per step, each in one transaction.

Each step locks the incident row, checks the actor may take it
(incidents.permissions), checks the stage allows it (incidents.workflow),
checks the form was sent against the version the person saw, writes, adds a
timeline event, records the audit event and creates the notifications for
whoever must act or be told. Views, the API, imports and commands call these;
nothing else sets a stage.
"""

from actions.services import RequestedAction, action_update

from ..versions import CR1_FIELDS, FORM_FIELDS
from ._common import FormData, stage_due_date
from .closure import action_add, closure_blockers, incident_close, incident_record_learning, incident_viewed
from .decisions import briefing_viewed, incident_ceo_decide, incident_ceo_final_decide
from .reviews import case_review_return, case_review_save, case_review_sign_off
from .sin import (
    ANSWER_MISSING,
    incident_ad_analyse,
    incident_ad_return,
    incident_create,
    incident_od_not_notifiable,
    incident_od_return,
    incident_od_sign_off,
    incident_submit,
    incident_update_draft,
    submission_errors,
    validate_dates,
)

__all__ = [
    "ANSWER_MISSING",
    "CR1_FIELDS",
    "FORM_FIELDS",
    "FormData",
    "RequestedAction",
    "action_add",
    "action_update",
    "briefing_viewed",
    "case_review_return",
    "case_review_save",
    "case_review_sign_off",
    "closure_blockers",
    "incident_ad_analyse",
    "incident_ad_return",
    "incident_ceo_decide",
    "incident_ceo_final_decide",
    "incident_close",
    "incident_create",
    "incident_od_not_notifiable",
    "incident_od_return",
    "incident_od_sign_off",
    "incident_record_learning",
    "incident_submit",
    "incident_update_draft",
    "incident_viewed",
    "stage_due_date",
    "submission_errors",
    "validate_dates",
]
