import pytest

from intake.models import SourceSystem
from intake.services import source_token_issue
from organisation.choices import Role


@pytest.fixture
def source(org):
    """Health and Safety reporting, routed to the Head of Profession of org.function."""
    return SourceSystem.objects.create(
        name="Health and Safety reporting",
        function=org.function,
        author=org.people[Role.HEAD_OF_PROFESSION],
    )


@pytest.fixture
def raw_token(source, org):
    _, raw = source_token_issue(actor=org.people[Role.ADMINISTRATOR], source_system=source)
    return raw


@pytest.fixture
def api(raw_token):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    return client


def payload(**overrides):
    data = {
        "category": "health_safety",
        "source_reference": "HS-2026-0001",
        "title": "Fire at the Leeds office",
        "what_happened": "A fire in the kitchen; the office was evacuated.",
        "incident_date": "2026-01-05",
        "aware_date": "2026-01-06",
        "immediate_actions": "Staff moved to another office.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}
