"""A run that stops at its gate leaves nothing for the garbage collector: LangGraph's runner
keeps a node's exception's traceback in a closure of its own frame, and the gate's interrupt
is such an exception — a reference cycle holding the run's whole loop (channels, executor,
futures; some 250 objects a case) until a collection finds it. The run clears those frames
as it ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from langgraph.pregel._loop import SyncPregelLoop

from exdesk.domain import CaseStatus
from exdesk.examples import example_events
from exdesk.service import ExceptionDesk
from exdesk.workflows import graph as graph_module
from tests.workflows.conftest import TENANT, MakeDesk


@contextmanager
def _cyclic_garbage() -> Iterator[list[object]]:
    """What the block leaves that only the cycle collector frees."""
    gc.collect()
    found: list[object] = []
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield found
        gc.collect()
        found += gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def _run_in_garbage(desk: ExceptionDesk, cases: int) -> tuple[list[CaseStatus], list[object]]:
    """Run ``cases`` new cases of example events naming their order: their statuses, and
    what the runs left that only the cycle collector frees."""
    events = [e for e in example_events() if e.order_id][:cases]
    refs = [desk.submit(TENANT, event) for event in events]
    with _cyclic_garbage() as garbage:
        for ref in refs:
            desk.advance(TENANT, ref.case_id)
    return [desk.case(TENANT, ref.case_id).status for ref in refs], garbage


def test_a_run_stopped_at_its_gate_leaves_no_loop_in_a_reference_cycle(
    make_desk: MakeDesk,
) -> None:
    statuses, garbage = _run_in_garbage(make_desk(), 5)

    assert "awaiting_approval" in statuses
    assert [o for o in garbage if isinstance(o, SyncPregelLoop)] == []
    assert len(garbage) < 50 * len(statuses)


def test_a_run_a_node_error_ends_leaves_no_loop_in_a_reference_cycle(
    make_desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nor when a node raises: the case fails (recorded), and the runner's generator frame,
    which holds the error's traceback, is finalised as the error leaves it — no cycle."""

    def broken(deps: object, state: object) -> dict[str, object]:
        raise ValueError("a node that breaks")

    monkeypatch.setitem(graph_module._NODES, "assess_severity", broken)
    statuses, garbage = _run_in_garbage(make_desk(), 3)

    assert set(statuses) == {"failed"}
    assert [o for o in garbage if isinstance(o, SyncPregelLoop)] == []
