"""A run sends a record nothing outside acts on (enrich, classify, route…) with its next
record that something does (a gate, a message, a stop), or before its checkpoint. A record
appended meanwhile outside the run (a delivery's outcome) must neither fork the chain nor
lose a step: the run starts again from its last checkpoint."""

from __future__ import annotations

from typing import Any

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.domain import FailStep
from exdesk.examples import example_events
from exdesk.store.decision_log import StepEntry, append_record
from exdesk.store.record_hashes import digest
from tests.workflows.conftest import TENANT, MakeDesk, recorded_steps, twin_first_stop


def test_a_run_sends_its_lone_records_with_the_gate_that_stops_it(
    make_desk: MakeDesk, agents: AgentSet
) -> None:
    """Until the run's gate commits, nothing it recorded is visible; then all of it is."""
    desk = make_desk()
    event = next(e for e in example_events() if e.order_id)
    ref = desk.submit(TENANT, event)
    seen: list[list[str]] = []
    classifier = agents.classifier
    classify = classifier.classify

    def watching(request: Any) -> Any:
        seen.append(recorded_steps(desk, ref.case_id))  # enrich has run: its record is not sent
        return classify(request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(classifier, "classify", watching)
        desk.advance(TENANT, ref.case_id)
    assert seen == [["intake"]]
    steps = recorded_steps(desk, ref.case_id)
    assert steps[:3] == ["intake", "enrich", "classify"]
    assert desk.verify(TENANT).ok


def test_a_record_appended_meanwhile_runs_the_case_again_from_its_checkpoint(
    make_desk: MakeDesk, agents: AgentSet
) -> None:
    """A delivery's outcome lands under the run's unsent records: they are refused, the
    run starts again, and the case ends where its twin does with every step once."""
    desk = make_desk()
    event = next(e for e in example_events() if e.order_id)
    expected = twin_first_stop(desk, event)

    ref = desk.submit(TENANT, event)
    classifier = agents.classifier
    classify = classifier.classify
    calls = 0

    def delivered_meanwhile(request: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:  # outside the run, as a delivery job appends its outcome
            entry = StepEntry("system", digest("delivered"), FailStep(reason="delivered"))
            with desk.db.transaction() as conn:
                append_record(conn, TENANT, ref.case_id, "deliver:x", entry)
        return classify(request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(classifier, "classify", delivered_meanwhile)
        desk.advance(TENANT, ref.case_id)
    case = desk.case(TENANT, ref.case_id)

    assert calls == 2
    assert case.status == expected.status
    steps = recorded_steps(desk, ref.case_id)
    assert steps[:2] == ["intake", "fail"]  # the outcome stands where it landed
    assert [steps[0], *steps[2:]] == recorded_steps(desk, expected.case_id)
    assert [a.kind for a in case.approvals] == [a.kind for a in expected.approvals]
    assert desk.verify(TENANT).ok
