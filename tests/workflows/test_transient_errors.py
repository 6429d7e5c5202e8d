"""A transient database error that outlasts a node's retries stops the run where it is; the
next advance finishes the case with every step recorded once, whether the error struck
before any step was recorded or after some were."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from psycopg import OperationalError

from exdesk.examples import example_events
from exdesk.workflows.nodes import analysis
from tests.workflows.conftest import TENANT, MakeDesk, recorded_steps, twin_first_stop


class _LostConnection:
    """Stands in for a function while the database connection is lost: raises until healed."""

    def __init__(self, original: Callable[..., Any]) -> None:
        self._original = original
        self._lost = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._lost:
            raise OperationalError("server closed the connection unexpectedly")
        return self._original(*args, **kwargs)

    def heal(self) -> None:
        self._lost = False


@pytest.mark.parametrize(
    ("target", "recorded_before"),
    [("look_up_context", ["intake"]), ("severity_of", ["intake", "enrich", "classify"])],
)
def test_a_run_cut_short_by_a_lost_connection_finishes_on_the_next_advance(
    make_desk: MakeDesk, monkeypatch: pytest.MonkeyPatch, target: str, recorded_before: list[str]
) -> None:
    desk = make_desk()
    event = next(e for e in example_events() if e.order_id)
    expected = twin_first_stop(desk, event)

    failing = _LostConnection(getattr(analysis, target))
    monkeypatch.setattr(analysis, target, failing)
    ref = desk.submit(TENANT, event)
    with pytest.raises(OperationalError):
        desk.advance(TENANT, ref.case_id)
    cut = desk.case(TENANT, ref.case_id)
    assert recorded_steps(desk, ref.case_id) == recorded_before

    failing.heal()
    desk.advance(TENANT, ref.case_id)
    case = desk.case(TENANT, ref.case_id)

    assert cut.status != "failed"
    assert case.status == expected.status
    assert recorded_steps(desk, ref.case_id) == recorded_steps(desk, expected.case_id)
    assert [a.kind for a in case.approvals] == [a.kind for a in expected.approvals]
    assert desk.verify(TENANT).ok
