"""Throttling sign-in by person and by address (django-axes).

Two limits, counted over the cool-off period (AXES_COOLOFF_TIME):

- AXES_FAILURE_LIMIT wrong passwords for one username from one address lock
  that username at that address. A stranger guessing someone's password locks
  only their own address out of that account: the person still signs in from
  their desk, so nobody can lock a named person out from everywhere.
- AXES_ADDRESS_FAILURE_LIMIT wrong passwords from one address, whatever the
  usernames, lock the address: a spray of one password across many accounts
  is stopped. It is larger, because staff in one office share an address.

django-axes compares the largest count of its lockout groups with one limit,
so each group's count is scaled here to that one limit: a group is at its
limit exactly when the scaled count reaches AXES_FAILURE_LIMIT.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def _address_only(parameter) -> bool:
    return parameter in ("ip_address", ["ip_address"], ("ip_address",))


def _group_limit(parameter, base_limit: int) -> int:
    if _address_only(parameter):
        return max(int(settings.AXES_ADDRESS_FAILURE_LIMIT), 1)
    return base_limit


class PersonAndAddressLockoutHandler(AxesDatabaseHandler):
    """The database handler, with a limit of its own for the address-only group."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        base_limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        scaled = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            scaled = max(scaled, count * base_limit // _group_limit(parameter, base_limit))
        return scaled

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """On a successful sign-in, forget that person's failures at this address, and only theirs.

        (django-axes would also empty the address-only group, so that someone
        spraying passwords could reset the address's count by signing in to
        their own account between attempts.)
        """
        parameters = get_lockout_parameters(request, credentials)
        count = 0
        for parameter, attempts in zip(parameters, self.filter_user_attempts(request, credentials), strict=True):
            if not _address_only(parameter):
                count += attempts.delete()[0]
        return count
