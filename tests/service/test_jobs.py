"""Queue mode: the API's intake and decisions only store and defer; workers run the cases,
retry what failed for a passing reason, and the sweep finds what a lost job left behind."""

from __future__ import annotations

import asyncio
import threading

import procrastinate
import procrastinate.testing
import psycopg
import pytest

from exdesk.domain import NetworkSnapshot
from exdesk.service import ExceptionDesk
from exdesk.service.jobs import retry_stalled, run_worker, worker_app
from tests.support.scenarios import open_orders, short_pick, status_question
from tests.workflows.conftest import TENANT, person


@pytest.fixture
def queued(queued_desk: ExceptionDesk) -> ExceptionDesk:
    """A desk in queue mode on the test's database, the example network loaded."""
    return queued_desk


def run_worker_until_idle(desk: ExceptionDesk) -> None:
    """One worker that stops once no job is ready."""
    worker_app(desk, desk.db.url).run_worker(
        wait=False, concurrency=2, install_signal_handlers=False, listen_notify=False
    )


def _jobs(desk: ExceptionDesk, status: str) -> int:
    with desk.db.connection() as conn:
        row = conn.execute(
            "SELECT count(*) AS n FROM procrastinate_jobs WHERE status = %s AND task_name = %s",
            (status, "advance_case"),
        ).fetchone()
    return int(row["n"]) if row else 0


def test_intake_stores_and_defers_and_a_worker_runs_the_cases(
    queued: ExceptionDesk, example_network: NetworkSnapshot
) -> None:
    orders = open_orders(example_network)[:4]
    events = [short_pick(order, f"WMS-Q{i}") for i, order in enumerate(orders)]

    refs = queued.accept(TENANT, events)

    assert all(queued.case(TENANT, r.case_id).status == "received" for r in refs)
    assert _jobs(queued, "todo") == len(events)
    again = queued.accept(TENANT, events)
    assert not any(r.created for r in again)
    assert _jobs(queued, "todo") == len(events), "a repeat delivery defers nothing more"

    run_worker_until_idle(queued)

    statuses = {queued.case(TENANT, r.case_id).status for r in refs}
    assert statuses <= {"awaiting_approval", "escalated", "resolved"}
    assert _jobs(queued, "todo") == 0


def test_a_decision_is_stored_with_its_resume_and_a_worker_runs_the_case_on(
    queued: ExceptionDesk, example_network: NetworkSnapshot
) -> None:
    order = open_orders(example_network)[5]
    [ref] = queued.accept(TENANT, [status_question(example_network, order, "mail-q1")])
    run_worker_until_idle(queued)
    case = queued.case(TENANT, ref.case_id)
    [approval] = [a for a in case.approvals if a.status == "pending"]

    decided = queued.decide(person("rita", "cs_rep"), approval.approval_id, "approve")

    assert decided.status == "awaiting_approval", "nothing ran in the caller"
    assert [a.status for a in decided.approvals] == ["approved"]
    run_worker_until_idle(queued)
    done = queued.case(TENANT, ref.case_id)
    assert done.status == "resolved"
    assert [a.kind for a in done.actions] == ["customer_message"]
    with queued.db.connection() as conn:
        row = conn.execute(
            "SELECT count(*) AS n FROM procrastinate_jobs WHERE task_name = 'deliver_message'"
        ).fetchone()
    assert row is not None
    assert row["n"] == 1, "the message's delivery was deferred with it"


def test_a_passing_database_error_is_retried_and_never_fails_the_case(
    queued: ExceptionDesk, example_network: NetworkSnapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = open_orders(example_network)[6]
    [ref] = queued.accept(TENANT, [short_pick(order, "WMS-Q9")])
    real_invoke = type(queued.runner)._run
    calls = {"n": 0}

    def flaky(self: object, tenant_id: str, case_id: str, *args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        real_invoke(self, tenant_id, case_id, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(type(queued.runner), "_run", flaky)
    run_worker_until_idle(queued)

    assert queued.case(TENANT, ref.case_id).status == "received"
    with queued.db.connection() as conn:
        retried = conn.execute(
            "SELECT attempts, scheduled_at > now() AS later FROM procrastinate_jobs"
            " WHERE task_name = 'advance_case' AND status = 'todo'"
        ).fetchone()
        assert retried == {"attempts": 1, "later": True}
        conn.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")
    run_worker_until_idle(queued)
    assert queued.case(TENANT, ref.case_id).status != "failed"
    assert queued.case(TENANT, ref.case_id).status != "received"


def test_the_sweep_defers_a_case_whose_job_was_lost(
    queued: ExceptionDesk, example_network: NetworkSnapshot
) -> None:
    order = open_orders(example_network)[7]
    [ref] = queued.accept(TENANT, [short_pick(order, "WMS-Q10")])
    with queued.db.connection() as conn:
        conn.execute("DELETE FROM procrastinate_jobs")
        conn.execute("UPDATE cases SET updated_at = now() - interval '1 hour'")

    report = queued.sweep()

    assert report.cases == 1
    assert queued.sweep().cases == 0, "one run waits per case"
    run_worker_until_idle(queued)
    assert queued.case(TENANT, ref.case_id).status != "received"


def test_the_sweep_closes_a_stalled_job_whose_twin_waits_and_puts_back_the_others(
    queued: ExceptionDesk, example_network: NetworkSnapshot
) -> None:
    """Two cases' jobs were taken by a worker that then died, and a sweep deferred the first
    case again meanwhile: its stalled job cannot be put back beside that twin (one job waits
    per case), and the twin cannot start while the stalled job holds the case's lock. The
    stalled one is closed, the other put back, and both cases run — where the first sweep
    used to fail on the first job and every later sweep with it."""
    orders = open_orders(example_network)[8:10]
    first, second = queued.accept(
        TENANT, [short_pick(orders[0], "WMS-Q11"), short_pick(orders[1], "WMS-Q12")]
    )
    with queued.db.connection() as conn:
        taken = conn.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = NULL"
            " WHERE task_name = 'advance_case' RETURNING id, args->>'case_id' AS case_id"
        ).fetchall()
        assert queued.jobs.defer_advance(conn, TENANT, first.case_id)
    stalled = {row["case_id"]: row["id"] for row in taken}
    app = worker_app(queued, queued.db.url)

    async def sweep() -> int:
        async with app.open_async():
            return await retry_stalled(app.job_manager, 0)

    assert asyncio.run(sweep()) == 1
    with queued.db.connection() as conn:
        rows = conn.execute("SELECT id, status FROM procrastinate_jobs").fetchall()
    status = {row["id"]: row["status"] for row in rows}
    assert status[stalled[first.case_id]] == "aborted"
    assert status[stalled[second.case_id]] == "todo"
    run_worker_until_idle(queued)
    assert queued.case(TENANT, first.case_id).status != "received"
    assert queued.case(TENANT, second.case_id).status != "received"


def test_a_worker_runs_as_many_blocking_jobs_at_once_as_its_concurrency() -> None:
    """Case runs are synchronous jobs on threads: a worker of concurrency 40 has 40 running
    at once (cases waiting on a model), beyond the event loop's default pool of at most 32
    threads (6 on two CPUs) that procrastinate would otherwise run them on."""
    app = procrastinate.App(connector=procrastinate.testing.InMemoryConnector())
    jobs = 40
    together = threading.Barrier(jobs, timeout=20)
    met: list[int] = []

    @app.task(name="meet", pass_context=False)
    def meet() -> None:
        together.wait()  # breaks unless all 40 are running at once
        met.append(1)

    with app.open():
        for _ in range(jobs):
            meet.defer()
    run_worker(app, concurrency=jobs, wait=False, install_signal_handlers=False)
    assert len(met) == jobs
