"""Reads about people's places in the organisation.

`access_for(user)` answers, once per request, which roles a person holds and
which places those roles cover. Visibility selectors in other apps start from it.
A role given in the admin that awaits a second person's approval is not held
yet: neither function counts it (organisation.services).
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from .choices import Role
from .models import RoleAssignment, ServiceArea, Team


@dataclass(frozen=True)
class Access:
    """The roles a person holds and the places they cover, as sets of ids."""

    roles: frozenset[str] = frozenset()
    team_ids: frozenset[int] = frozenset()  # as local manager
    service_area_ids: frozenset[int] = frozenset()  # as Assistant Director
    region_ids: frozenset[int] = frozenset()  # as Operational Director
    function_ids: frozenset[int] = frozenset()  # as Head of Profession
    assignments: tuple = field(default_factory=tuple)

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


_CACHE_ATTR = "_sin_access"


def access_for(user) -> Access:
    """The person's roles and places, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Access()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    assignments = tuple(
        RoleAssignment.objects.filter(user=user, approved_at__isnull=False).select_related(
            "region", "service_area", "team", "function"
        )
    )
    roles, teams, areas, regions, functions = set(), set(), set(), set(), set()
    for assignment in assignments:
        roles.add(assignment.role)
        if assignment.role == Role.LOCAL_MANAGER and assignment.team_id:
            teams.add(assignment.team_id)
        elif assignment.role == Role.ASSISTANT_DIRECTOR and assignment.service_area_id:
            areas.add(assignment.service_area_id)
        elif assignment.role == Role.OPERATIONAL_DIRECTOR and assignment.region_id:
            regions.add(assignment.region_id)
        elif assignment.role == Role.HEAD_OF_PROFESSION and assignment.function_id:
            functions.add(assignment.function_id)
    access = Access(
        roles=frozenset(roles),
        team_ids=frozenset(teams),
        service_area_ids=frozenset(areas),
        region_ids=frozenset(regions),
        function_ids=frozenset(functions),
        assignments=assignments,
    )
    setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user) -> None:
    """Drop the cached access, after roles change within one request (tests, admin)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def teams_for_author(user) -> QuerySet[Team]:
    """Teams a person may write a case-related SIN for: as local manager, or as AD of the area."""
    access = access_for(user)
    return Team.objects.filter(id__in=access.team_ids) | Team.objects.filter(service_area_id__in=access.service_area_ids)


def service_areas_for(user) -> QuerySet[ServiceArea]:
    access = access_for(user)
    return ServiceArea.objects.filter(id__in=access.service_area_ids)


def people_with_role(role: str, **place) -> QuerySet:
    """Active people holding `role` (approved), optionally at one place (region=, service_area=, team=, function=)."""
    from django.contrib.auth import get_user_model

    filters = {"role_assignments__role": role, "role_assignments__approved_at__isnull": False}
    for name, value in place.items():
        filters[f"role_assignments__{name}"] = value
    return get_user_model().objects.filter(is_active=True, **filters).distinct()
