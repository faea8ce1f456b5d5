"""The table of steps (incidents.workflow) is the one place a step is described: everything reads it,
and it tells the truth about the rules, the services and the deadlines."""

import inspect

import pytest
import rules

from incidents import services
from incidents.api.serializers import STEP_FIELDS, StepSerializer
from incidents.choices import Kind, Stage, Step
from incidents.workflow import API_STEPS, PAGE_STEPS, ROWS, STAGE_DEADLINE_DAYS, awaited, transition_for


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.kind}-{row.step}")
def test_each_row_names_a_registered_rule_and_a_real_service_taking_its_arguments(row):
    assert rules.perm_exists(row.perm)
    assert rules.permissions.permissions[row.perm] is row.rule
    call = getattr(services, row.service)
    parameters = inspect.signature(call).parameters
    assert {"actor", "incident_id", "expected_version"} <= set(parameters)
    assert set(row.args) <= set(parameters), (row.step, set(row.args) - set(parameters))
    if row.takes_action:
        assert "action" in parameters
    assert row.title and row.done.endswith(".") and row.who and row.source


@pytest.mark.parametrize("step", API_STEPS)
def test_each_api_step_takes_the_fields_its_row_reads(step):
    rows = [row for row in ROWS if row.step == step or (step == Step.SUBMIT and row.service == "incident_submit")]
    fields = set(StepSerializer().fields)
    for row in rows:
        assert set(row.args.values()) <= fields
    assert set(STEP_FIELDS) == set(API_STEPS)


def test_every_stage_a_record_waits_at_has_one_awaited_step_and_its_deadline():
    """The defaults the README lists; each stage awaiting someone has exactly one row with days."""
    assert STAGE_DEADLINE_DAYS == {
        Stage.DRAFT: 1,
        Stage.RETURNED: 2,
        Stage.WITH_AD: 1,
        Stage.WITH_OD: 1,
        Stage.CASE_REVIEW: 20,
        Stage.CR1_SIGN_OFF: 5,
        Stage.FINAL_DECISION: 5,
        Stage.NOTIFIED: 2,
        Stage.ACTIONS: 60,
    }
    for kind in Kind:
        for stage in Stage:
            with_days = [row for row in ROWS if row.kind == kind and stage in row.from_stages and row.deadline_days]
            assert len(with_days) <= 1, (kind, stage)
    assert awaited(Kind.CASE, Stage.CLOSED) is None and awaited(Kind.CASE, Stage.NOT_NOTIFIABLE) is None


def test_the_ad_analysis_row_tells_the_truth_about_the_author():
    """Decision 0006: an AD who wrote the SIN adds its analysis; only the return is refused to the author."""
    analyse, give_back = transition_for(Kind.CASE, Step.AD_ANALYSE), transition_for(Kind.CASE, Step.AD_RETURN)
    assert "not the author" not in analyse.who
    assert "not the author" in give_back.who


def test_every_page_step_has_a_form_and_every_row_leads_somewhere_or_stays():
    for row in ROWS:
        assert row.form in {"text", "analysis", "decision", "confirm", "own"}
        if row.form == "text":
            assert row.text["label"] and row.text["submit"]
        assert row.to_stage is None or row.to_stage not in row.from_stages
    assert Step.SUBMIT not in PAGE_STEPS and Step.CR1_SUBMIT not in PAGE_STEPS
