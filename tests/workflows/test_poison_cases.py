"""A case whose stored input makes a step fail (an event stored before today's limits, such
as the year 9999) is ``failed`` once with that reason: never retried, never in the way of a
start-up's resume of interrupted runs."""

from __future__ import annotations

from typing import Any

from exdesk.examples import example_events
from exdesk.service import ExceptionDesk
from exdesk.store.cases import get_case_row
from tests.workflows.conftest import TENANT, MakeDesk, recorded_steps


def _row(desk: ExceptionDesk, case_id: str) -> dict[str, Any]:
    """The case's stored status, reason and steps (its event no longer validates)."""
    with desk.db.connection() as conn:
        row = get_case_row(conn, TENANT, case_id)
    assert row is not None
    return {
        "status": row["status"],
        "failure_reason": row["failure_reason"] or "",
        "steps": recorded_steps(desk, case_id),
    }


def test_a_step_failing_on_its_input_fails_the_case_once_and_start_up_passes_it_by(
    make_desk: MakeDesk,
) -> None:
    desk = make_desk()
    event = next(iter(example_events()))
    ref = desk.submit(TENANT, event)
    with desk.db.connection() as conn:
        conn.execute(
            "UPDATE exception_events SET event = jsonb_set(event, '{occurred_at}',"
            " '\"9999-12-31T23:59:59+00:00\"') WHERE case_id = %s",
            (ref.case_id,),
        )

    desk.advance(TENANT, ref.case_id)
    failed = _row(desk, ref.case_id)
    moved = desk.resume_interrupted()
    desk.advance(TENANT, ref.case_id)
    after = _row(desk, ref.case_id)

    assert failed["status"] == "failed"
    assert "occurred_at" in failed["failure_reason"]
    assert failed["steps"].count("fail") == 1
    assert moved == 0
    assert after == failed
