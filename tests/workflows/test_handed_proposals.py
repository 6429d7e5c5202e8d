"""A proposal node hands its proposal on as its stage reads it: the nodes after it read the
very model the agent proposed (not validated again from its JSON), and it is the model its
JSON would validate to — of the stage's class, equal, dumping to the same JSON."""

from __future__ import annotations

from typing import Any

import pytest

from exdesk.examples import example_events
from exdesk.workflows.nodes import proposals
from exdesk.workflows.state import PARTS, PROPOSAL_MODELS, CaseState, Update
from tests.workflows.conftest import TENANT, MakeDesk


def test_each_stages_proposal_reads_as_its_json_validates(
    make_desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[tuple[Any, dict[str, Any]]] = []
    propose = proposals.proposed

    def watched(state: CaseState, stage: Any, seq: int, proposal: Any) -> Update:
        update = propose(state, stage, seq, proposal)
        handed.append((stage, update["proposals"][stage]))
        return update

    monkeypatch.setattr(proposals, "proposed", watched)
    make_desk().ingest(TENANT, example_events())

    assert {stage for stage, _ in handed} == set(PROPOSAL_MODELS)
    for stage, raw in handed:
        model = PROPOSAL_MODELS[stage]
        validated = model.model_validate(raw)
        with monkeypatch.context() as patched:
            patched.setattr(model, "model_validate", _not_again)
            held = PARTS.read(model, raw)
        assert type(held) is model
        assert held == validated
        assert held.model_dump(mode="json") == raw


def _not_again(raw: object) -> None:
    raise AssertionError("a handed-on proposal was validated again")
