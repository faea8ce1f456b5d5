"""The API answers as its OpenAPI schema says: schemathesis 4 over every operation, with every check.

Every check (no server error; status codes, content types, headers and bodies as documented;
schema-valid requests accepted and schema-violating ones refused; authentication enforced;
a created record found again...), in every phase schemathesis has (the schema's examples,
its coverage cases, generated cases both valid and invalid) and in stateful walks along the
links between operations. What a 400 may refuse although the schema cannot say so is listed,
operation by operation, in the repository's schemathesis.toml, which this test loads (a run
of the command line from the repository's root reads it too).

The schema is loaded from the WSGI application in-process, so requests run inside the test's
database transaction and see the records built below. Each operation is called by the person
whose step it is (the AD for the AD's steps, the NIS reviewer for the CR1...), signed in with
a session, and intake by a source system's token; most generated requests are pointed at a
real record fit for the step, with its current version, so the workflow's own rules run, not
only the 404s.
"""

import random
import re
import zlib
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.contrib.sessions.models import Session  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402

from conftest import sign_in  # noqa: E402
from incidents import services  # noqa: E402
from incidents.choices import Decision, Stage  # noqa: E402
from incidents.models import Action, Incident  # noqa: E402
from incidents.tests.factories import incident_at, requested_action  # noqa: E402
from intake.models import SourceSystem, SourceToken, hash_token  # noqa: E402
from intake.services import source_token_issue  # noqa: E402
from organisation.choices import Role  # noqa: E402

pytestmark = pytest.mark.django_db

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"
# Generated cases per operation and phase: enough to find what the CLI found, fast enough for every run.
MAX_EXAMPLES = 8
SOURCE = "source system"

# Who takes each step: the person the process asks (others are refused with 403, which is checked too).
STEP_TAKERS = {
    "submit": Role.LOCAL_MANAGER,
    "ad_analyse": Role.ASSISTANT_DIRECTOR,
    "ad_return": Role.ASSISTANT_DIRECTOR,
    "od_sign_off": Role.OPERATIONAL_DIRECTOR,
    "od_return": Role.OPERATIONAL_DIRECTOR,
    "od_not_notifiable": Role.OPERATIONAL_DIRECTOR,
    "ceo_decision": Role.CEO,
    "ceo_final_decision": Role.CEO,
    "cr1_return": Role.OPERATIONAL_DIRECTOR,
    "cr1_sign_off": Role.OPERATIONAL_DIRECTOR,
    "learning_record": Role.ASSISTANT_DIRECTOR,
    "close": Role.ASSISTANT_DIRECTOR,
}
# The stage at which each step can be taken, for the records the requests are pointed at.
STEP_STAGES = {
    "submit": Stage.DRAFT,
    "ad_analyse": Stage.WITH_AD,
    "ad_return": Stage.WITH_AD,
    "od_sign_off": Stage.WITH_OD,
    "od_return": Stage.WITH_OD,
    "od_not_notifiable": Stage.WITH_OD,
    "ceo_decision": Stage.CASE_REVIEW,
    "ceo_final_decision": Stage.FINAL_DECISION,
    "cr1_return": Stage.CR1_SIGN_OFF,
    "cr1_sign_off": Stage.CR1_SIGN_OFF,
    "learning_record": Stage.ACTIONS,
    "close": Stage.ACTIONS,
}


def who_calls(method: str, path: str):
    if path.startswith("/api/intake/"):
        return SOURCE
    step = re.search(r"/steps/(\w+)/$", path)
    if step:
        return STEP_TAKERS[step.group(1)]
    if path.endswith("/case-review/"):
        return Role.NIS_REVIEWER if method.upper() == "PUT" else Role.OPERATIONAL_DIRECTOR
    if path.endswith("/actions/"):
        return Role.ASSISTANT_DIRECTOR
    if path.startswith("/api/actions/"):
        return Role.LOCAL_MANAGER  # the owner of the actions below
    if path.startswith("/api/briefings/"):
        return Role.BOARD_MEMBER
    return Role.LOCAL_MANAGER


def fit_stage(method: str, path: str) -> Stage | None:
    step = re.search(r"/steps/(\w+)/$", path)
    if step:
        return STEP_STAGES[step.group(1)]
    if path.endswith("/case-review/"):
        return Stage.CASE_REVIEW
    if path.endswith("/actions/"):
        return Stage.ACTIONS
    if method.upper() == "PATCH":
        return Stage.DRAFT
    return None


CALLERS = sorted({*STEP_TAKERS.values(), Role.NIS_REVIEWER, Role.LOCAL_MANAGER, Role.BOARD_MEMBER})
SESSION_KEYS = {role: f"schemathesis{role.replace('_', '')}".ljust(32, "0") for role in CALLERS}
CSRF_TOKEN = "schemathesiscsrf".ljust(32, "0")
SOURCE_TOKEN = "schemathesis-source-system-token-0000000000"


def credentials(caller) -> dict:
    """A session of a person signed in with the second factor (and the CSRF pair DRF asks of a session),
    or a source system's bearer token."""
    if caller == SOURCE:
        return {"headers": {"Authorization": f"Bearer {SOURCE_TOKEN}"}}
    return {"cookies": {"sessionid": SESSION_KEYS[caller], "csrftoken": CSRF_TOKEN}, "headers": {"X-CSRFToken": CSRF_TOKEN}}


class World:
    """The records the generated requests are pointed at, and the credentials of those who send them."""

    def __init__(self, org):
        self.org = org
        stages = [
            Stage.DRAFT,
            Stage.WITH_AD,
            Stage.WITH_OD,
            Stage.CASE_REVIEW,
            Stage.CR1_SIGN_OFF,
            Stage.FINAL_DECISION,
            Stage.ACTIONS,
        ]
        # Two of each: a step taken on one (and so moving it on) leaves the other for the next request.
        self.by_stage = {stage: [incident_at(org, stage).pk for _ in range(2)] for stage in stages}
        self.by_stage[Stage.ACTIONS].append(incident_at(org, Stage.ACTIONS, final_decision=Decision.SHARE_BOARD).pk)
        self.by_stage[Stage.NOTIFIED] = [incident_at(org, Stage.NOTIFIED, kind="non_case").pk]
        target = Incident.objects.get(pk=self.by_stage[Stage.ACTIONS][0])
        services.action_add(
            actor=org.people[Role.ASSISTANT_DIRECTOR],
            incident_id=target.pk,
            expected_version=target.version,
            action=requested_action(org.people[Role.LOCAL_MANAGER]),
        )
        self.incident_ids = [pk for pks in self.by_stage.values() for pk in pks]
        self.action_ids = list(Action.objects.values_list("pk", flat=True))
        # The credentials the cases carry: made before there is a database (the coverage cases are
        # built when the tests are collected), so the sessions and the token take known keys here.
        for role in CALLERS:
            client = sign_in(Client(), org.people[role])
            Session.objects.filter(session_key=client.cookies["sessionid"].value).update(session_key=SESSION_KEYS[role])
        source = SourceSystem.objects.create(
            name="Health and Safety reporting", function=org.function, author=org.people[Role.HEAD_OF_PROFESSION]
        )
        token, _ = source_token_issue(actor=org.people[Role.ADMINISTRATOR], source_system=source)
        SourceToken.objects.filter(pk=token.pk).update(token_hash=hash_token(SOURCE_TOKEN), prefix=SOURCE_TOKEN[:8])

    def aim(self, case) -> None:
        """Point the request at a real record fit for it, with its current version.

        Only values the schema allows are replaced (an integer id, a version in range), so a
        case generated to break the schema still breaks it where it did.
        """
        params = case.path_parameters or {}
        current = params.get("id")
        # Coverage cases carry the id as text ("0"), generated ones as a number.
        if not (
            isinstance(current, int)
            and not isinstance(current, bool)
            or isinstance(current, str)
            and current.isascii()
            and current.isdigit()
        ):
            return
        # The same choice each time the same case is drawn (Hypothesis replays cases).
        chance = random.Random(zlib.crc32(repr((case.method, case.operation.path, current, case.body)).encode()))
        if chance.random() < 0.2:
            return
        if case.operation.path.startswith("/api/actions/"):
            model, pk = Action, chance.choice(self.action_ids)
        else:
            stage = fit_stage(case.method, case.operation.path)
            pks = self.by_stage.get(stage) if stage and chance.random() < 0.8 else self.incident_ids
            model, pk = Incident, chance.choice(pks or self.incident_ids)
        params["id"] = str(pk) if isinstance(current, str) else pk
        version = case.body.get("version") if isinstance(case.body, dict) else None
        if isinstance(version, int) and not isinstance(version, bool) and 0 <= version < 2**31:
            case.body["version"] = model.objects.filter(pk=pk).values_list("version", flat=True).first()


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


def _schema_document() -> dict:
    """The schema /api/schema/ serves, made as it makes it (no request, no database: at collection time)."""
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def _load_schema():
    from config.wsgi import application

    schema = schemathesis.openapi.from_dict(_schema_document(), config=SchemathesisConfig.from_path(CONFIG))
    schema.app = application  # called in-process, inside the test's transaction
    return schema


api = _load_schema()


# Each operation called by its own person (or system).
@api.auth(refresh_interval=None, retry_on=[])
class PersonOrSystem:
    def get(self, case, ctx):
        return credentials(who_calls(case.method, case.operation.path))

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), **data.get("headers", {})}
        case.cookies = {**(case.cookies or {}), **data.get("cookies", {})}


@pytest.fixture
def world(org, connection_kept_open):
    return World(org)


@api.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, world):
    world.aim(case)
    case.call_and_validate()


def test_walks_along_the_links_answer_as_the_schema_says(world):
    """Stateful: sequences of calls along the links (a record created, then read, changed, stepped on)."""

    class Walk(api.as_state_machine()):
        # Each walk starts from the same records (in a savepoint of the test, undone after it), so
        # that a walk Hypothesis replays meets what it met the first time.
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def before_call(self, case):
            world.aim(case)

    Walk.run(
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )


def test_the_run_covers_the_whole_api(client, org):
    """The schema the run reads is the one the API serves, and covers all of it."""
    sign_in(client, org.people[Role.LOCAL_MANAGER])
    assert client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json() == _schema_document()
    operations = [result.ok() for result in api.get_all_operations()]
    labels = {f"{op.method.upper()} {op.path}" for op in operations}
    assert len(operations) >= 24
    assert {
        "POST /api/intake/incidents/",
        "GET /api/incidents/{id}/document.pdf",
        "POST /api/incidents/{id}/steps/close/",
    } <= labels
    assert api.config.config_path == str(CONFIG)
