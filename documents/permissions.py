"""Who may add files to a SIN and import Word forms (the `rules` package)."""

import rules

from incidents.permissions import (
    is_ad_of_incident,
    is_author,
    is_case,
    is_hop_of_incident,
    is_nis_reviewer,
    is_od_of_incident,
    may_write_case_sin,
    may_write_non_case_sin,
)
from organisation.selectors import access_for


@rules.predicate
def is_local_manager_of_incident(user, incident) -> bool:
    return incident is not None and incident.team_id in access_for(user).team_ids


@rules.predicate
def has_case_review(user, incident) -> bool:
    return incident is not None and incident.review_commissioned_at is not None


# Those who work on the record add files to it; CMT, the CEO and the Board read them.
rules.add_perm(
    "documents.add_attachment",
    is_author
    | is_local_manager_of_incident
    | is_ad_of_incident
    | is_od_of_incident
    | is_hop_of_incident
    | (is_case & is_nis_reviewer & has_case_review),
)
# The interim process (2.8): whoever may write a SIN may import one of the kind they write.
rules.add_perm("documents.import_word", may_write_case_sin | may_write_non_case_sin)
