"""One worker at a time per case: a session-level advisory lock held for a whole run.

Open-source LangGraph does not serialise two runs or resumes of one thread; this does.
The lock is per case, so many cases of one tenant advance in parallel.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.store.cases import CASE_ROW
from exdesk.store.database import Database

_CASE_LOCK_CLASS = 7_362_101
"""First key of the two-key advisory lock space used for cases."""


_LOCK = "SELECT pg_advisory_lock(%s, hashtext(%s))"
_UNLOCK = "SELECT pg_advisory_unlock(%s, hashtext(%s))"


@contextmanager
def case_lock(db: Database, case_id: str) -> Iterator[None]:
    """Hold the case's lock (waiting for the current holder) until the block exits.

    Held on its own pooled connection; released even if the block raises. A crashed
    process's locks vanish with its connections.
    """
    with db.connection() as conn:
        conn.execute(_LOCK, (_CASE_LOCK_CLASS, case_id))
        with _released(conn, case_id):
            yield


class LockedCase(NamedTuple):
    """A case held by :func:`locked_case`."""

    row: dict[str, Any] | None
    """The case's row (with its event) as it stands once the lock is held; None when the
    tenant has no such case."""
    conn: Connection[DictRow]
    """The connection holding the lock (autocommit, idle): what must be written while the
    lock is held can be sent on it, with no connection of its own."""


@contextmanager
def locked_case(db: Database, tenant_id: str, case_id: str) -> Iterator[LockedCase]:
    """:func:`case_lock`, with the case's row read in the same round trip as the lock is
    taken."""
    with db.connection() as conn, _released(conn, case_id):
        with conn.pipeline():
            conn.execute(_LOCK, (_CASE_LOCK_CLASS, case_id))
            # A statement of its own: its snapshot is taken once the lock is held.
            read = conn.execute(CASE_ROW, (tenant_id, case_id))
        yield LockedCase(read.fetchone(), conn)


@contextmanager
def _released(conn: Connection[DictRow], case_id: str) -> Iterator[None]:
    try:
        yield
    finally:
        conn.execute(_UNLOCK, (_CASE_LOCK_CLASS, case_id))


@contextmanager
def case_is_being_advanced(conn: Connection[DictRow], case_id: str) -> Iterator[bool]:
    """Whether a run holds the case's lock; when none does, the case is held on ``conn``
    (an autocommit connection) for the block, so it stays as the block reads it."""
    row = conn.execute(
        "SELECT pg_try_advisory_lock(%s, hashtext(%s)) AS got", (_CASE_LOCK_CLASS, case_id)
    ).fetchone()
    got = bool(row and row["got"])
    try:
        yield not got
    finally:
        if got:
            conn.execute(_UNLOCK, (_CASE_LOCK_CLASS, case_id))
