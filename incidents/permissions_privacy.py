"""Who may see who has seen a SIN: privacy by design (UK GDPR articles 5(1)(f) and 25; docs/security.md).

The access log of a record (every read of it, every download of its papers and
files, every reading of its briefings) is itself personal data about the staff
who opened it, and tells a reader who is looking into the case. It is shown to
those accountable for the record: its Assistant Director and Operational
Director (their place), Core CMT and the Chief Executive. Not to the local
manager or NIS, whose reads it records; not to the Board or the Chair, who read
briefings only; not to an administrator by that role (accounts.models.User.has_perm
asks the rule for superusers too). Registered from IncidentsConfig.ready().
"""

import rules

from organisation.choices import Role
from organisation.selectors import access_for

from .permissions import is_ad_of_incident, is_ceo, is_od_of_incident


@rules.predicate
def is_core_cmt(user) -> bool:
    return access_for(user).has(Role.CMT_MEMBER)


SEE_ACCESS_LOG = is_ad_of_incident | is_od_of_incident | is_core_cmt | is_ceo

rules.add_perm("incidents.see_access_log", SEE_ACCESS_LOG)
