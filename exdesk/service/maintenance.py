"""Housekeeping the workers do on a timer: pick up work a crash or a lost job left behind,
and drop the workflow checkpoints of cases closed long ago."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import FINAL_STATUSES, WAITING_STATUSES
from exdesk.service.jobs import JobQueue
from exdesk.store.database import Database
from exdesk.store.outbox import due_message_ids

logger = logging.getLogger(__name__)

SWEEP_BATCH: Final = 500
"""Cases (and messages) re-deferred per sweep at most; the next sweep takes the rest."""


@dataclass(frozen=True)
class SweepReport:
    """What one sweep put back in the queue."""

    cases: int
    messages: int


def cases_to_move(
    conn: Connection[DictRow], stale_seconds: float, limit: int = SWEEP_BATCH
) -> list[tuple[str, str]]:
    """(tenant, case) of every case that should be moving but has not moved for
    ``stale_seconds``: a run a crash cut short, or a decision stored but not acted on.
    Cases waiting for a person, and final ones, are not."""
    rows = conn.execute(
        "SELECT c.tenant_id, c.case_id FROM cases c"
        " WHERE c.updated_at < now() - make_interval(secs => %s)"
        " AND c.status <> ALL(%s)"
        " AND (c.status <> ALL(%s) OR NOT EXISTS (SELECT 1 FROM approvals a"
        "      WHERE a.case_id = c.case_id AND a.status = 'pending'))"
        " ORDER BY c.updated_at LIMIT %s",
        (stale_seconds, sorted(FINAL_STATUSES), sorted(WAITING_STATUSES), limit),
    ).fetchall()
    return [(row["tenant_id"], row["case_id"]) for row in rows]


def sweep(db: Database, jobs: JobQueue, stale_seconds: float) -> SweepReport:
    """Defer a run of every case that should be moving (``cases_to_move``) and a delivery of
    every message that is due. Duplicates are harmless: a case has at most one run waiting,
    and a run finds nothing to do once the case waits or is final."""
    with db.transaction() as conn:
        moving = cases_to_move(conn, stale_seconds)
        cases = sum(jobs.defer_advance(conn, tenant, case_id) for tenant, case_id in moving)
        messages = sum(jobs.defer_delivery(conn, m) for m in due_message_ids(conn, SWEEP_BATCH))
    if cases or messages:
        logger.info("sweep deferred %d case runs and %d deliveries", cases, messages)
    return SweepReport(cases, messages)


CHECKPOINT_TABLES: Final = ("checkpoint_writes", "checkpoint_blobs", "checkpoints")
"""LangGraph's tables, keyed by ``thread_id`` (our case id)."""


def retain_checkpoints(db: Database, days: float, batch: int = 1000) -> int:
    """Delete the checkpoint history of cases closed more than ``days`` ago; return how many
    cases lost theirs. A closed case never resumes, and the audit reads the decision log,
    so nothing needs them; open cases keep every checkpoint."""
    retained = 0
    while True:
        with db.transaction() as conn:
            rows = conn.execute(
                "SELECT c.case_id FROM cases c WHERE c.status = ANY(%s)"
                " AND c.updated_at < now() - make_interval(secs => %s)"
                " AND EXISTS (SELECT 1 FROM checkpoints k WHERE k.thread_id = c.case_id)"
                " LIMIT %s",
                (sorted(FINAL_STATUSES), days * 86400, batch),
            ).fetchall()
            ids = [row["case_id"] for row in rows]
            for table in CHECKPOINT_TABLES:
                conn.execute(f"DELETE FROM {table} WHERE thread_id = ANY(%s)", (ids,))
        retained += len(ids)
        if len(ids) < batch:
            return retained
