"""Changes to who holds which role: each audited.

A role that reads incidents (models.ROLES_NEEDING_APPROVAL) given through the
admin counts only once a second person approves it:

    given in the admin ──> awaiting approval ──(another administrator, or the CEO)──> approved
    given by code ───────────────────────────────────────────────────────────────────> approved
"""

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core.exceptions import NotAllowed, WrongStage

from . import permissions
from .models import RoleAssignment
from .selectors import forget_access

# The fields that say what a role reaches: changing any of them is giving a new role.
REACH_FIELDS = frozenset({"user", "role", "region", "service_area", "team", "function"})


def role_assignment_mark_granted(*, assignment: RoleAssignment, granted_by) -> None:
    """Record that `granted_by` gave (or changed) this role in the admin, before the admin saves it.

    A role that reads incidents then awaits a second person's approval; any other counts at once.
    """
    now = timezone.now()
    assignment.granted_by = granted_by
    assignment.granted_at = now
    assignment.approved_by = None
    assignment.approved_at = None if assignment.needs_approval else now


def role_assignment_approve(*, actor, assignment_id: int) -> RoleAssignment:
    """A second person approves a role that reads incidents: from now on it counts (issue 15.8)."""
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().get(pk=assignment_id)
        if assignment.is_approved:
            raise WrongStage(f"{assignment} of {assignment.user} is approved already.")
        if not (permissions.is_administrator(actor) or permissions.is_ceo(actor)):
            raise NotAllowed("Only an administrator or the Chief Executive can approve a role.")
        if permissions.gave_the_role(actor, assignment):
            raise NotAllowed(
                f"You gave {assignment} to {assignment.user}: another administrator, or the Chief Executive, must approve it."
            )
        if permissions.holds_the_role(actor, assignment):
            raise NotAllowed(f"Nobody approves a role given to themselves ({assignment}).")
        assignment.approved_by = actor
        assignment.approved_at = timezone.now()
        assignment.save(update_fields=["approved_by", "approved_at"])
        audit_record(
            actor=actor,
            action="admin.organisation.roleassignment.approve",
            obj=assignment,
            changes={
                "user": f"{assignment.user} (#{assignment.user_id})",
                "role": assignment.role,
                "place": str(assignment.place) if assignment.place else None,
                "granted_by": f"{assignment.granted_by} (#{assignment.granted_by_id})" if assignment.granted_by_id else None,
                "granted_at": assignment.granted_at.isoformat(),
            },
        )
    forget_access(assignment.user)
    return assignment
