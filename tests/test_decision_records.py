"""The decision log is typed: one output model per step, read back from what was stored,
including records written before outputs named their step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args

import pytest

from exdesk.domain import (
    DecisionRecord,
    EnrichStep,
    GateStep,
    RecommendationStep,
    StepName,
    StepOutput,
)


def _record(step: str, output: dict[str, Any]) -> dict[str, Any]:
    return {
        "tenant_id": "acme",
        "case_id": "case_1",
        "seq": 2,
        "at": datetime(2026, 11, 20, tzinfo=UTC),
        "step": step,
        "actor": "system",
        "inputs_digest": "0" * 64,
        "output": output,
        "prev_hash": "0" * 64,
        "hash": "1" * 64,
    }


def test_every_step_has_one_output_model() -> None:
    members = get_args(get_args(StepOutput)[0])
    steps = [member.model_fields["step"].default for member in members]
    assert sorted(steps) == sorted(get_args(StepName))
    assert len(set(steps)) == len(steps)


@pytest.mark.parametrize(
    ("step", "stored", "model"),
    [
        ("enrich", {"order_id": "SO-1", "skus": ["A"], "missing": []}, EnrichStep),
        (
            "recommend_fulfillment",
            {"options": [], "rationale": "nothing to plan"},
            RecommendationStep,
        ),
        (
            "approval_gate",
            {
                "approval_id": "apr_1",
                "decision": "edit",
                "user": "rita",
                "comment": None,
                "edited_proposal": {"category": "other"},
                "kind": "classification",
                "category": "other",
            },
            GateStep,
        ),
    ],
)
def test_an_output_stored_without_its_step_reads_as_its_records_step(
    step: str, stored: dict[str, Any], model: type
) -> None:
    record = DecisionRecord.model_validate(_record(step, stored))
    assert isinstance(record.output, model)
    assert record.output.step == step


def test_an_output_of_another_step_is_refused() -> None:
    with pytest.raises(ValueError, match=r"an? enrich record holds a resolve output"):
        DecisionRecord.model_validate(_record("enrich", {"step": "resolve", "status": "resolved"}))
