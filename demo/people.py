"""The demo organisation's places and people: fictional, deterministic, one person for every role.

The same places, usernames, password and TOTP keys every time, so the README
can name them and `manage.py demo_totp` can compute a demo user's code.
"""

import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisation.choices import Role
from organisation.models import CorporateFunction, Region, RoleAssignment, ServiceArea, Team

DEMO_PASSWORD = "demo-password-2026"
ADMIN_USERNAME = "sam.taylor"

# Region > service area > teams.
PLACES = {
    "North": {"North East": ["Tyneside 1", "Teesside 1"], "North West": ["Manchester 1", "Lancashire 1"]},
    "Midlands": {"East Midlands": ["Nottingham 1", "Leicester 1"], "West Midlands": ["Birmingham 1", "Stoke 1"]},
    "South": {"South East": ["Kent 1", "Sussex 1"], "South West": ["Bristol 1", "Devon 1"]},
}
FUNCTIONS = ["HR", "Health and Safety", "IT", "Communications", "Practice", "Legal"]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    job_title: str
    role: Role
    places: tuple[str, ...] = ()  # names of the team(s), area, region or function the role covers


PEOPLE = [
    DemoPerson("hannah.price", "Hannah", "Price", "Service Manager", Role.LOCAL_MANAGER, ("Tyneside 1",)),
    DemoPerson("fatima.begum", "Fatima", "Begum", "Service Manager", Role.LOCAL_MANAGER, ("Teesside 1",)),
    DemoPerson("david.okafor", "David", "Okafor", "Service Manager", Role.LOCAL_MANAGER, ("Manchester 1",)),
    DemoPerson("priya.shah", "Priya", "Shah", "Service Manager", Role.LOCAL_MANAGER, ("Nottingham 1",)),
    DemoPerson("tom.griffiths", "Tom", "Griffiths", "Service Manager", Role.LOCAL_MANAGER, ("Birmingham 1",)),
    DemoPerson("grace.mensah", "Grace", "Mensah", "Service Manager", Role.LOCAL_MANAGER, ("Kent 1",)),
    DemoPerson("owen.hughes", "Owen", "Hughes", "Service Manager", Role.LOCAL_MANAGER, ("Bristol 1", "Devon 1")),
    DemoPerson("sarah.whitfield", "Sarah", "Whitfield", "Assistant Director", Role.ASSISTANT_DIRECTOR, ("North East",)),
    DemoPerson("james.murray", "James", "Murray", "Assistant Director", Role.ASSISTANT_DIRECTOR, ("North West",)),
    DemoPerson("aisha.rahman", "Aisha", "Rahman", "Assistant Director", Role.ASSISTANT_DIRECTOR, ("East Midlands",)),
    DemoPerson("michael.byrne", "Michael", "Byrne", "Assistant Director", Role.ASSISTANT_DIRECTOR, ("West Midlands",)),
    DemoPerson("emma.clarke", "Emma", "Clarke", "Assistant Director", Role.ASSISTANT_DIRECTOR, ("South East",)),
    DemoPerson("daniel.evans", "Daniel", "Evans", "Assistant Director", Role.ASSISTANT_DIRECTOR, ("South West",)),
    DemoPerson("helen.forsyth", "Helen", "Forsyth", "Operational Director", Role.OPERATIONAL_DIRECTOR, ("North",)),
    DemoPerson("rajesh.patel", "Rajesh", "Patel", "Operational Director", Role.OPERATIONAL_DIRECTOR, ("Midlands",)),
    DemoPerson("claire.donovan", "Claire", "Donovan", "Operational Director", Role.OPERATIONAL_DIRECTOR, ("South",)),
    DemoPerson("nadia.hussain", "Nadia", "Hussain", "Head of HR", Role.HEAD_OF_PROFESSION, ("HR",)),
    DemoPerson("peter.lowe", "Peter", "Lowe", "Head of Health and Safety", Role.HEAD_OF_PROFESSION, ("Health and Safety",)),
    DemoPerson("kwame.asante", "Kwame", "Asante", "Head of IT", Role.HEAD_OF_PROFESSION, ("IT",)),
    DemoPerson("laura.bennett", "Laura", "Bennett", "Head of Communications", Role.HEAD_OF_PROFESSION, ("Communications",)),
    DemoPerson("joanna.reid", "Joanna", "Reid", "Head of Practice", Role.HEAD_OF_PROFESSION, ("Practice",)),
    DemoPerson("simon.adeyemi", "Simon", "Adeyemi", "Head of Legal", Role.HEAD_OF_PROFESSION, ("Legal",)),
    DemoPerson("mark.ellison", "Mark", "Ellison", "National Improvement Service reviewer", Role.NIS_REVIEWER),
    DemoPerson("zoe.turner", "Zoe", "Turner", "National Improvement Service reviewer", Role.NIS_REVIEWER),
    DemoPerson("catherine.moore", "Catherine", "Moore", "Director of Operations", Role.CMT_MEMBER),
    DemoPerson("adam.fletcher", "Adam", "Fletcher", "Director of Resources", Role.CMT_MEMBER),
    DemoPerson("yasmin.ali", "Yasmin", "Ali", "Director of Strategy", Role.CMT_MEMBER),
    DemoPerson("elizabeth.hart", "Elizabeth", "Hart", "Chief Executive", Role.CEO),
    DemoPerson("george.whitaker", "George", "Whitaker", "Non-executive Board member", Role.BOARD_MEMBER),
    DemoPerson("maria.santos", "Maria", "Santos", "Non-executive Board member", Role.BOARD_MEMBER),
    DemoPerson("richard.ashby", "Richard", "Ashby", "Chair of the Board", Role.CHAIR),
    DemoPerson("sophie.lane", "Sophie", "Lane", "Head of Learning and Development", Role.LEARNING_LEAD),
    DemoPerson("sophie.lane", "Sophie", "Lane", "Head of Learning and Development", Role.POLICY_LEAD),
    DemoPerson("ruth.okoro", "Ruth", "Okoro", "Policy and Guidance Manager", Role.POLICY_LEAD),
    DemoPerson("amy.wood", "Amy", "Wood", "Family Court Adviser", Role.PRACTITIONER, ("Tyneside 1",)),
    DemoPerson("ben.carter", "Ben", "Carter", "Family Court Adviser", Role.PRACTITIONER, ("Manchester 1",)),
    DemoPerson("chloe.ng", "Chloe", "Ng", "Family Court Adviser", Role.PRACTITIONER, ("Nottingham 1",)),
    DemoPerson("dev.sharma", "Dev", "Sharma", "Business Support Officer", Role.PRACTITIONER, ("Kent 1",)),
    DemoPerson("ian.marsh", "Ian", "Marsh", "Performance and Quality Committee member", Role.PQC_MEMBER),
    DemoPerson(ADMIN_USERNAME, "Sam", "Taylor", "System administrator", Role.ADMINISTRATOR),
]


def demo_totp_key(username: str) -> str:
    """The demo authenticator key (hex, 20 bytes), derived from the username so a code can be computed."""
    return hashlib.sha256(f"sin-demo-totp:{username}".encode()).hexdigest()[:40]


def _place_kwargs(place) -> dict:
    if isinstance(place, Team):
        return {"team": place}
    if isinstance(place, ServiceArea):
        return {"service_area": place}
    if isinstance(place, Region):
        return {"region": place}
    if isinstance(place, CorporateFunction):
        return {"function": place}
    return {}


def load_places() -> dict:
    """Regions, service areas, teams and corporate functions, by name."""
    places = {}
    for region_name, areas in PLACES.items():
        region = Region.objects.create(name=region_name)
        places[region_name] = region
        for area_name, teams in areas.items():
            area = ServiceArea.objects.create(name=area_name, region=region)
            places[area_name] = area
            for team_name in teams:
                places[team_name] = Team.objects.create(name=team_name, service_area=area)
    for function_name in FUNCTIONS:
        places[function_name] = CorporateFunction.objects.create(name=function_name)
    return places


def load_people(places: dict) -> dict:
    """Every demo person with their roles and authenticator, by username."""
    User = get_user_model()
    # One hash for everyone: hashing the same password 34 times would take most of a minute.
    password_hash = make_password(DEMO_PASSWORD)
    people = {}
    for demo in PEOPLE:
        if demo.username in people:  # a second role of the same person (the L&D lead is also a Policy lead)
            for place_name in demo.places or (None,):
                place = places[place_name] if place_name else None
                RoleAssignment.objects.create(user=people[demo.username], role=demo.role, **_place_kwargs(place))
            continue
        user = User(
            username=demo.username,
            first_name=demo.first_name,
            last_name=demo.last_name,
            email=f"{demo.username}@example.org",
            job_title=demo.job_title,
            is_staff=demo.role == Role.ADMINISTRATOR,
            is_superuser=demo.role == Role.ADMINISTRATOR,
        )
        user.password = password_hash
        user.save()
        for place_name in demo.places or (None,):
            place = places[place_name] if place_name else None
            assignment = RoleAssignment(user=user, role=demo.role, **_place_kwargs(place))
            assignment.full_clean()
            assignment.save()
        TOTPDevice.objects.create(user=user, name="Authenticator app", key=demo_totp_key(demo.username), confirmed=True)
        people[demo.username] = user
    return people
