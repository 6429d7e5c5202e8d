"""A case's first run starts from its event: whatever checkpoint a run cut short before its
first record left behind is not read (it holds no progress), so nothing in it leaks in."""

from __future__ import annotations

from typing import get_args

from exdesk.domain import Stage
from exdesk.examples import example_events
from tests.workflows.conftest import TENANT, MakeDesk, recorded_steps, twin_first_stop


def test_a_first_run_ignores_a_checkpoint_left_before_any_record(make_desk: MakeDesk) -> None:
    desk = make_desk()
    event = next(e for e in example_events() if e.order_id)
    expected = twin_first_stop(desk, event)

    ref = desk.submit(TENANT, event)
    # A checkpoint claiming a person had set every stage aside — with no record of it.
    desk.runner._graph().update_state(
        {"configurable": {"thread_id": ref.case_id}},
        {"stages_skipped": list(get_args(Stage))},
        as_node="enrich",
    )
    desk.advance(TENANT, ref.case_id)
    case = desk.case(TENANT, ref.case_id)
    assert recorded_steps(desk, ref.case_id) == recorded_steps(desk, expected.case_id)
    assert case.status == expected.status == "awaiting_approval"
    assert [a.kind for a in case.approvals] == [a.kind for a in expected.approvals]
    assert desk.verify(TENANT).ok
