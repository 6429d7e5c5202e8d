"""Taking exceptions in: each event becomes a case with its intake record, a batch in one
transaction (all of it, or nothing), and — in queue mode — the job that will run it."""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import ExceptionEvent, IntakeStep
from exdesk.service.jobs import JobQueue
from exdesk.store.cases import CaseRef, insert_cases
from exdesk.store.database import Database
from exdesk.store.decision_log import StepEntry, append_first_records
from exdesk.store.record_hashes import digest

INTAKE_KEY = "0001:intake"
"""Every case's first record is its intake, written when the case is created."""


def record_intakes(
    conn: Connection[DictRow],
    tenant_id: str,
    events: Sequence[ExceptionEvent],
    initiated_by: str | None,
) -> list[CaseRef]:
    """The case for each event (or the one that exists) and, for a new one, its intake
    record anchored in the ledger. Inside the caller's transaction; the cases are stored
    first, together (see :func:`insert_cases`)."""
    refs = insert_cases(conn, tenant_id, events, initiated_by)
    firsts = [
        (ref.case_id, INTAKE_KEY, _intake_entry(event, initiated_by, ref))
        for event, ref in zip(events, refs, strict=True)
        if ref.created
    ]
    append_first_records(conn, tenant_id, firsts, anchor="created")
    return refs


def _intake_entry(event: ExceptionEvent, initiated_by: str | None, ref: CaseRef) -> StepEntry:
    return StepEntry(
        actor="system",
        inputs_digest=digest(event.model_dump(mode="json")),
        output=IntakeStep(
            source=event.source,
            source_event_id=event.source_event_id,
            initiated_by=initiated_by,
            event_digest=ref.event_digest,
        ),
    )


def accept_events(
    db: Database,
    tenant_id: str,
    events: Sequence[ExceptionEvent],
    *,
    initiated_by: str | None,
    jobs: JobQueue | None,
) -> list[CaseRef]:
    """Store every event's case in one transaction; with ``jobs``, defer each new case's
    run in that same transaction. Returns one reference per event, in order."""
    # Deferring a job opens a savepoint, which a batched transaction cannot hold.
    with db.transaction() if jobs is not None else db.batched_transaction() as conn:
        refs = record_intakes(conn, tenant_id, events, initiated_by)
        if jobs is not None:
            for ref in refs:
                if ref.created:
                    jobs.defer_advance(conn, tenant_id, ref.case_id)
    return refs
