"""A run's checkpoint is saved by the thread that ran it, once the run has stopped — not by
a thread LangGraph starts for it, which the run would wait on — and a run an error cut
short is saved too, where it stopped."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg import OperationalError

from exdesk.examples import example_events
from exdesk.service import ExceptionDesk
from exdesk.workflows.nodes import analysis
from tests.workflows.conftest import TENANT, MakeDesk, recorded_steps


def _submitted(make_desk: MakeDesk) -> tuple[ExceptionDesk, str]:
    """A desk and a new case of an event naming its order, not yet run."""
    desk = make_desk()
    event = next(e for e in example_events() if e.order_id)
    return desk, desk.submit(TENANT, event).case_id


def _saving_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that write checkpoints and pending writes, as they do."""
    threads: list[str] = []
    put, put_writes = PostgresSaver.put, PostgresSaver.put_writes

    def watched_put(self: PostgresSaver, *args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return put(self, *args)

    def watched_put_writes(self: PostgresSaver, *args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return put_writes(self, *args)

    monkeypatch.setattr(PostgresSaver, "put", watched_put)
    monkeypatch.setattr(PostgresSaver, "put_writes", watched_put_writes)
    return threads


def test_a_run_is_saved_by_its_own_thread_when_it_stops(
    make_desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk, case_id = _submitted(make_desk)
    threads = _saving_threads(monkeypatch)

    desk.advance(TENANT, case_id)

    # the stop's checkpoint and the gate's pending interrupt, both from this thread
    assert len(threads) >= 2
    assert set(threads) == {threading.current_thread().name}
    snapshot = desk.runner._graph().get_state({"configurable": {"thread_id": case_id}})
    assert snapshot.interrupts  # saved where it waits: the gate
    assert desk.case(TENANT, case_id).status == "awaiting_approval"


def test_a_run_an_error_cut_short_is_saved_where_it_stopped(
    make_desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk, case_id = _submitted(make_desk)

    def lost(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(analysis, "severity_of", lost)
    with pytest.raises(OperationalError):
        desk.advance(TENANT, case_id)

    snapshot = desk.runner._graph().get_state({"configurable": {"thread_id": case_id}})
    assert snapshot.next == ("assess_severity",)  # the checkpoint after classify
    assert snapshot.values["seq"] == len(recorded_steps(desk, case_id)) == 3


def test_a_save_that_fails_for_good_fails_the_case_with_its_reason(
    make_desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint that cannot be saved is the run's error, as LangGraph raises it: the case
    is failed with the reason in its chain, never left standing where it was."""
    desk, case_id = _submitted(make_desk)

    def unsavable(self: PostgresSaver, *args: Any) -> Any:
        raise ValueError("the state cannot be serialised")

    monkeypatch.setattr(PostgresSaver, "put", unsavable)
    desk.advance(TENANT, case_id)

    case = desk.case(TENANT, case_id)
    assert case.status == "failed"
    assert "the state cannot be serialised" in (case.failure_reason or "")
    assert recorded_steps(desk, case_id)[-1] == "fail"
    assert desk.verify(TENANT).ok
