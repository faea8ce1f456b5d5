"""The organisation as a tree: region > service area > team, plus corporate functions.

A person's roles are tied to a place in that tree, and what they may see
follows from it (DESIGN.md, "Who uses it").
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .choices import ROLE_SCOPE, Role

# Roles whose holders read incidents, or (the Board, the Chair) the briefings the CEO shares. Given
# through the admin, such a role counts only once a second person approves it: an administrator who
# did not give it, or the Chief Executive (issue 15.8). DESIGN.md: an administrator does not read
# incident content by virtue of that role, so an administrator cannot give themselves one alone.
ROLES_NEEDING_APPROVAL = frozenset(
    {
        Role.LOCAL_MANAGER,
        Role.ASSISTANT_DIRECTOR,
        Role.HEAD_OF_PROFESSION,
        Role.OPERATIONAL_DIRECTOR,
        Role.NIS_REVIEWER,
        Role.CMT_MEMBER,
        Role.CEO,
        Role.BOARD_MEMBER,
        Role.CHAIR,
    }
)


class Region(models.Model):
    """A region, headed by an Operational Director."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """A service area of several teams, headed by an Assistant Director."""

    name = models.CharField(max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="service_areas")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team of family court advisers, managed by a local manager."""

    name = models.CharField(max_length=100, unique=True)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CorporateFunction(models.Model):
    """A corporate function (HR, Health and Safety, IT...), led by a Head of Profession."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """One role a person holds, tied to the place it covers (or to nothing, for national roles).

    It counts (`organisation.selectors.access_for`) once approved. A role given
    by code (the demo loader, data migrations, tests) is approved as it is
    made: the defaults below. One given in the admin records who gave it, and
    a role in ROLES_NEEDING_APPROVAL then waits for a second person
    (`organisation.services.role_assignment_approve`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=40, choices=Role.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE)
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    function = models.ForeignKey(CorporateFunction, null=True, blank=True, on_delete=models.CASCADE)
    # Who gave the role through the admin (empty: given by code), and when.
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    granted_at = models.DateTimeField(default=timezone.now, editable=False)
    # Who approved it (empty: no second approval was needed), and when (empty: awaiting approval).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["user", "role"]

    def __str__(self) -> str:
        place = self.place
        return f"{self.get_role_display()} ({place})" if place else self.get_role_display()

    @property
    def place(self):
        return self.team or self.service_area or self.region or self.function

    @property
    def needs_approval(self) -> bool:
        return self.role in ROLES_NEEDING_APPROVAL

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def clean(self) -> None:
        scope = ROLE_SCOPE[Role(self.role)]
        given = {name for name in ("region", "service_area", "team", "function") if getattr(self, f"{name}_id") is not None}
        expected = {scope} if scope else set()
        if given != expected:
            if scope:
                label = scope.replace("_", " ")
                raise ValidationError(f"A {self.get_role_display()} must be tied to exactly one {label} and nothing else.")
            raise ValidationError(f"A {self.get_role_display()} covers the whole organisation: leave every place empty.")
