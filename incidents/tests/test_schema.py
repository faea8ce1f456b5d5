"""Property-based API tests from the OpenAPI schema (schemathesis 4): no input makes a server error.

The schema is loaded from the WSGI application in-process, so requests run
inside the test's database transaction and see the records built below. Half
of the generated requests are pointed at real incidents and actions, with the
record's current version, so the workflow's own rules run, not only the 404s.
"""

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import (  # noqa: E402
    HealthCheck,
    Phase,
    given,
    settings,
    strategies as st,  # noqa: E402
)
from schemathesis.checks import not_a_server_error  # noqa: E402

from accounts.tests.factories import api_token_issue  # noqa: E402
from incidents.choices import Decision, Stage  # noqa: E402
from incidents.models import Action, Incident  # noqa: E402
from incidents.tests.factories import incident_at, requested_action  # noqa: E402
from organisation.choices import Role  # noqa: E402

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 20


def _records(org):
    from incidents import services

    incidents = [incident_at(org, stage) for stage in (Stage.DRAFT, Stage.WITH_AD, Stage.CASE_REVIEW, Stage.ACTIONS)]
    incidents.append(incident_at(org, Stage.ACTIONS, final_decision=Decision.SHARE_BOARD))
    incidents.append(incident_at(org, Stage.NOTIFIED, kind="non_case"))
    target = incidents[3]
    services.action_add(actor=org.people[Role.ASSISTANT_DIRECTOR], incident_id=target.pk, expected_version=target.version,
                        action=requested_action(org.people[Role.LOCAL_MANAGER]))
    return [i.pk for i in incidents]


def _aim(case, incident_ids, action_ids, pick):
    """Point the generated request at a real record, with its current version."""
    params = case.path_parameters or {}
    model, ids = (Action, action_ids) if case.operation.path.startswith("/api/actions/") else (Incident, incident_ids)
    for name in ("id", "pk"):
        if name in params and ids:
            params[name] = ids[pick % len(ids)]
            if isinstance(case.body, dict) and "version" in case.body:
                version = model.objects.filter(pk=params[name]).values_list("version", flat=True).first()
                if version is not None:
                    case.body["version"] = version
    return case


@pytest.fixture
def connection_kept_open():
    """As Django's test Client does: the WSGI handler must not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", [Role.LOCAL_MANAGER, Role.CEO])
def test_no_input_makes_a_server_error(org, role, connection_kept_open):
    from config.wsgi import application

    headers = {"Authorization": f"Token {api_token_issue(org.people[role])}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers)
    incident_ids = _records(org)
    action_ids = list(Action.objects.values_list("pk", flat=True))

    operations = [result.ok() for result in schema.get_all_operations()]
    assert any("/steps/" in op.path for op in operations)
    assert len(operations) >= 8
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy(), aim=st.booleans(), pick=st.integers(min_value=0, max_value=50))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case, aim, pick):
            if aim:
                case = _aim(case, incident_ids, action_ids, pick)
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error], headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # every operation's failures, reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)


def test_intake_endpoint_with_a_source_token_makes_no_server_error(org, connection_kept_open):
    """The intake endpoint (2.10) under generated payloads, sent with a real source system's token."""
    from config.wsgi import application
    from intake.models import SourceSystem
    from intake.services import source_token_issue

    source = SourceSystem.objects.create(name="Health and Safety reporting", function=org.function,
                                         author=org.people[Role.HEAD_OF_PROFESSION])
    _, raw = source_token_issue(actor=org.people[Role.ADMINISTRATOR], source_system=source)
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers)
    [operation] = [result.ok() for result in schema.get_all_operations() if result.ok().path == "/api/intake/incidents/"]
    statuses = []

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES * 3, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        case.validate_response(response, checks=[not_a_server_error], headers=headers)

    run()
    # The token was accepted: the generated payloads reached validation (and some a new draft), not a 401.
    assert 401 not in statuses and 400 in statuses, statuses
