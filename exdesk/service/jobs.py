"""Work done outside requests, as procrastinate jobs in the application's own database.

Case runs, resumes after decisions, deliveries, the escalation timer, the sweeper and
checkpoint retention are jobs that ``exdesk worker`` processes run, on any number of
machines. A job is deferred inside the transaction that makes it necessary (a case stored,
a decision recorded, a message committed), so work is never lost between the two; and the
sweeper re-defers whatever a crash or a lost job left behind.

Every advance of a case holds the job lock ``case:<id>``, so one worker at a time moves a
case; ``queueing_lock`` keeps at most one such job waiting per case. A job that fails on a
transient error (connection, pool, timeout) is retried with exponential backoff; a step
that fails for any other reason fails the case once, with its reason (the runner's job).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import procrastinate
from procrastinate import RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status
from procrastinate.manager import JobManager
from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.store.database import TRANSIENT_ERRORS

if TYPE_CHECKING:
    from exdesk.service.desk import ExceptionDesk

logger = logging.getLogger(__name__)

ADVANCE: Final = "advance_case"
DELIVER: Final = "deliver_message"
SWEEP: Final = "sweep"
ESCALATE: Final = "escalate_overdue"
RETAIN: Final = "retain_checkpoints"

_RETRY = RetryStrategy(max_attempts=12, exponential_wait=2, retry_exceptions=set(TRANSIENT_ERRORS))


@dataclass(frozen=True)
class JobQueue:
    """Defers jobs inside the caller's transaction (procrastinate with an external
    connection), so a job exists exactly when the change that needs it committed."""

    app: procrastinate.App

    def defer_advance(self, conn: Connection[DictRow], tenant_id: str, case_id: str) -> bool:
        """Ask a worker to take the case as far as it can go; False when a run of it is
        already waiting in the queue."""
        return self._defer(
            conn,
            ADVANCE,
            {"tenant_id": tenant_id, "case_id": case_id},
            lock=f"case:{case_id}",
            queueing_lock=f"advance:{case_id}",
            queue="cases",
        )

    def defer_delivery(
        self, conn: Connection[DictRow], outbox_id: str, at: datetime | None = None
    ) -> bool:
        """Ask a worker to attempt the message (at ``at``, else now)."""
        return self._defer(
            conn,
            DELIVER,
            {"outbox_id": outbox_id},
            queueing_lock=f"deliver:{outbox_id}",
            queue="delivery",
            schedule_at=at,
        )

    def _defer(
        self, conn: Connection[DictRow], task: str, kwargs: dict[str, Any], **options: Any
    ) -> bool:
        try:
            # A savepoint: a duplicate queueing lock must not abort the caller's transaction.
            with conn.transaction():
                self.app.configure_task(task, connection=conn, **options).defer(**kwargs)
        except AlreadyEnqueued:
            return False
        return True


def deferring_app() -> procrastinate.App:
    """An app that only defers (always through a caller's connection): it needs no pool."""
    return procrastinate.App(connector=procrastinate.SyncPsycopgConnector())


def run_worker(app: procrastinate.App, *, concurrency: int, **options: Any) -> None:
    """Run ``app``'s worker until it stops, ``concurrency`` jobs at once.

    procrastinate runs a synchronous task on the event loop's default executor, which holds
    min(32, CPUs + 4) threads: on a small machine fewer jobs than ``concurrency`` would run
    at once (6 of 16 on two CPUs, the rest queued behind cases waiting on a model). The
    loop gets an executor of ``concurrency`` threads, and two more for the periodic tasks'
    own work.
    """

    async def work() -> None:
        executor = ThreadPoolExecutor(concurrency + 2, thread_name_prefix="exdesk-job")
        asyncio.get_running_loop().set_default_executor(executor)
        async with app.open_async():
            await app.run_worker_async(concurrency=concurrency, **options)

    asyncio.run(work())


async def retry_stalled(manager: JobManager, seconds_since_heartbeat: float) -> int:
    """Put the jobs of workers that stopped (no heartbeat for ``seconds_since_heartbeat``)
    back in their queue; how many were put back.

    A stalled job whose twin is already waiting — a job with its queueing lock: the same
    case to advance, the same message to deliver, deferred by the sweep while the stalled
    one still held its place — is closed (``aborted``) instead: the twin does its work,
    and could not start while the stalled job held the case's lock, nor could the stalled
    job be put back beside it. Left as it was, it kept every later sweep from putting back
    any job at all."""
    put_back = 0
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat):
        try:
            await manager.retry_job(job)
        except UniqueViolation:
            logger.warning("closing job %s of a worker that stopped: its twin is waiting", job.id)
            await manager.finish_job(job, status=Status.ABORTED, delete_job=False)
        else:
            logger.warning("retrying job %s of a worker that stopped", job.id)
            put_back += 1
    return put_back


def worker_app(desk: ExceptionDesk, url: str) -> procrastinate.App:
    """The app ``exdesk worker`` runs: every task, bound to ``desk``."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))

    @app.task(name=ADVANCE, retry=_RETRY, pass_context=False)
    def advance_case(tenant_id: str, case_id: str) -> None:
        desk.advance(tenant_id, case_id)

    @app.task(name=DELIVER, retry=_RETRY, pass_context=False)
    def deliver_message(outbox_id: str) -> None:
        desk.deliver(outbox_id)

    @app.periodic(cron="* * * * *", periodic_id=SWEEP)
    @app.task(name=SWEEP, queueing_lock=SWEEP, pass_context=False)
    async def sweep(timestamp: int) -> None:
        await retry_stalled(app.job_manager, desk.settings.worker_stalled_seconds)
        await asyncio.to_thread(desk.sweep)

    @app.periodic(cron="*/5 * * * *", periodic_id=ESCALATE)
    @app.task(name=ESCALATE, queueing_lock=ESCALATE, retry=_RETRY, pass_context=False)
    def escalate_overdue(timestamp: int) -> None:
        for tenant in desk.tenants_with_pending_approvals():
            desk.escalate_overdue(tenant)

    @app.periodic(cron="17 * * * *", periodic_id=RETAIN)
    @app.task(name=RETAIN, queueing_lock=RETAIN, retry=_RETRY, pass_context=False)
    def retain_checkpoints(timestamp: int) -> None:
        desk.retain_checkpoints()

    return app
