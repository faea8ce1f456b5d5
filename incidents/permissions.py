"""Who may take which step on which SIN: one named predicate per action (the `rules` package).

"Their place" means the incident lies under the place the role covers.
Nobody approves, signs off or decides on a step they wrote themselves. One
exception, by design (docs/decisions/0006): an Assistant Director who wrote a
case SIN adds their own analysis, as under the interim process (2.8); the
Operational Director's sign-off stays the independent check.
Each predicate answers for the person and the record only; whether the
record is at the right stage is the workflow's question (incidents.workflow).
"""

import rules

from organisation.choices import Role
from organisation.selectors import access_for, teams_for_author

from .choices import Kind, ReviewStatus


@rules.predicate
def is_author(user, incident) -> bool:
    return incident is not None and incident.author_id == user.pk


@rules.predicate
def is_ad_of_incident(user, incident) -> bool:
    return incident is not None and incident.service_area_id in access_for(user).service_area_ids


@rules.predicate
def is_od_of_incident(user, incident) -> bool:
    return incident is not None and incident.region_id in access_for(user).region_ids


@rules.predicate
def is_hop_of_incident(user, incident) -> bool:
    return incident is not None and incident.function_id in access_for(user).function_ids


@rules.predicate
def is_ceo(user) -> bool:
    return access_for(user).has(Role.CEO)


@rules.predicate
def is_nis_reviewer(user) -> bool:
    return access_for(user).has(Role.NIS_REVIEWER)


@rules.predicate
def may_write_case_sin(user) -> bool:
    """Local managers and ADs write case-related SINs (2.2, 2.8)."""
    return teams_for_author(user).exists()


@rules.predicate
def may_write_non_case_sin(user) -> bool:
    """ADs and Heads of Profession write non-case SINs (2.10)."""
    access = access_for(user)
    return bool(access.service_area_ids or access.function_ids)


@rules.predicate
def is_case(user, incident) -> bool:
    return incident is not None and incident.kind == Kind.CASE


@rules.predicate
def is_operational_service_director(user, incident) -> bool:
    """The OD of the region signs off the CR1, unless an administrator named another (2.5)."""
    review = getattr(incident, "case_review", None)
    if review is not None and review.sign_off_by_id is not None:
        return review.sign_off_by_id == user.pk
    return is_od_of_incident(user, incident)


@rules.predicate
def is_reviewer_of_incident(user, incident) -> bool:
    review = getattr(incident, "case_review", None)
    return review is not None and review.reviewer_id == user.pk


@rules.predicate
def may_read_case_review(user, incident) -> bool:
    """Who reads a CR1 on a SIN they can see (2.5).

    Once the Operational Service Director has signed it off and sent it to Core
    CMT, everyone who sees the SIN. Before that it is unfinished work: NIS
    reviewers read it as they write it, and the person who signs it off reads it
    once it is submitted.
    """
    review = getattr(incident, "case_review", None)
    if review is None:
        return False
    if review.status == ReviewStatus.SIGNED_OFF:
        return True
    if is_nis_reviewer(user):
        return True
    return review.status == ReviewStatus.SUBMITTED and is_operational_service_director(user, incident)


# The rules of the steps, named; incidents.workflow registers each under its row's name.
SUBMIT = is_author
AD_ANALYSE = is_case & is_ad_of_incident
AD_RETURN = is_case & is_ad_of_incident & ~is_author
OD_SIGN_OFF = is_case & is_od_of_incident & ~is_author
OD_RETURN = is_case & is_od_of_incident & ~is_author
OD_NOT_NOTIFIABLE = is_case & is_od_of_incident & ~is_author
CEO_DECIDE = is_ceo & ~is_author
WRITE_CASE_REVIEW = is_case & is_nis_reviewer
SIGN_OFF_CASE_REVIEW = is_case & is_operational_service_director & ~is_reviewer_of_incident
RECORD_LEARNING = is_ad_of_incident | is_od_of_incident | is_hop_of_incident | is_reviewer_of_incident
CLOSE = is_ad_of_incident | is_hop_of_incident

# Rules that are not steps of the table.
rules.add_perm("incidents.create_case", may_write_case_sin)
rules.add_perm("incidents.create_non_case", may_write_non_case_sin)
rules.add_perm("incidents.edit_draft", is_author)
rules.add_perm("incidents.read_case_review", is_case & may_read_case_review)
rules.add_perm("incidents.add_action", is_ceo | is_ad_of_incident | is_od_of_incident | is_hop_of_incident)
