"""Factories for the organisation tree and people with roles, shared by every app's tests."""

import factory
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisation.choices import Role
from organisation.models import CorporateFunction, Region, RoleAssignment, ServiceArea, Team

PASSWORD = "correct horse battery staple"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    name = factory.Sequence(lambda n: f"Service area {n}")
    region = factory.SubFactory(RegionFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    service_area = factory.SubFactory(ServiceAreaFactory)


class CorporateFunctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorporateFunction

    name = factory.Sequence(lambda n: f"Function {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


def person(role: str | None = None, *, place=None, **user_fields):
    """A person holding `role` at `place` (a Team, ServiceArea, Region or CorporateFunction), with a TOTP device."""
    user = UserFactory(**user_fields)
    if role is not None:
        give_role(user, role, place)
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def give_role(user, role: str, place=None) -> RoleAssignment:
    from organisation.selectors import forget_access

    kwargs = {}
    if isinstance(place, Team):
        kwargs["team"] = place
    elif isinstance(place, ServiceArea):
        kwargs["service_area"] = place
    elif isinstance(place, Region):
        kwargs["region"] = place
    elif isinstance(place, CorporateFunction):
        kwargs["function"] = place
    assignment = RoleAssignment.objects.create(user=user, role=role, **kwargs)
    forget_access(user)
    return assignment


class Org:
    """A small organisation: two regions, each with a service area and a team, a function, and a person per role.

    `org.people[role]` is the person at the first place; `org.other[role]`
    holds the same role in the other region, for "wrong place" tests.
    """

    def __init__(self):
        self.region = RegionFactory(name="North")
        self.area = ServiceAreaFactory(name="North East", region=self.region)
        self.team = TeamFactory(name="Newcastle 1", service_area=self.area)
        self.other_region = RegionFactory(name="South")
        self.other_area = ServiceAreaFactory(name="South West", region=self.other_region)
        self.other_team = TeamFactory(name="Bristol 1", service_area=self.other_area)
        self.function = CorporateFunctionFactory(name="Health and Safety")
        self.other_function = CorporateFunctionFactory(name="IT")
        places = {
            Role.LOCAL_MANAGER: (self.team, self.other_team),
            Role.ASSISTANT_DIRECTOR: (self.area, self.other_area),
            Role.OPERATIONAL_DIRECTOR: (self.region, self.other_region),
            Role.HEAD_OF_PROFESSION: (self.function, self.other_function),
        }
        self.people = {}
        self.other = {}
        for role in Role:
            here, there = places.get(role, (None, None))
            self.people[role] = person(role, place=here, username=f"{role.value}")
            if role in places:
                self.other[role] = person(role, place=there, username=f"other_{role.value}")
        self.nobody = person(None, username="no_role")
