"""A batched (pipelined) transaction commits all of its writes or none: a statement that
fails after the block's last read, or an exception in the block, rolls back what the block
wrote before it, even what went out without being read back."""

from __future__ import annotations

import psycopg
import pytest

from exdesk.examples import example_events
from exdesk.service import ExceptionDesk

TENANT = "acme"
_MARK = "UPDATE cases SET failure_reason = %s WHERE case_id = %s"


def _reason(desk: ExceptionDesk, case_id: str) -> str | None:
    with desk.db.connection() as conn:
        row = conn.execute("SELECT failure_reason FROM cases WHERE case_id = %s", (case_id,))
        found = row.fetchone()
    assert found is not None
    reason: str | None = found["failure_reason"]
    return reason


@pytest.fixture
def case_id(loaded_desk: ExceptionDesk) -> str:
    return loaded_desk.submit(TENANT, next(iter(example_events()))).case_id


def test_every_write_commits_with_the_end_of_the_block(
    loaded_desk: ExceptionDesk, case_id: str
) -> None:
    with loaded_desk.db.batched_transaction() as conn:
        conn.execute(_MARK, ("first", case_id))
        read = conn.execute("SELECT failure_reason FROM cases WHERE case_id = %s", (case_id,))
        seen = read.fetchone()
        conn.execute(_MARK, ("second", case_id))  # goes out with the COMMIT

    assert seen is not None
    assert seen["failure_reason"] == "first"  # the block reads its own writes
    assert _reason(loaded_desk, case_id) == "second"


def _fail_after_writing(desk: ExceptionDesk, case_id: str) -> None:
    with desk.db.batched_transaction() as conn:
        conn.execute(_MARK, ("written before", case_id))
        conn.execute("SELECT 1 / 0")


def _raise_after_writing(desk: ExceptionDesk, case_id: str) -> None:
    with desk.db.batched_transaction() as conn:
        conn.execute(_MARK, ("sent", case_id))
        conn.execute("SELECT 1").fetchone()  # the update has reached the server
        raise RuntimeError("the step failed after writing")


def test_a_statement_failing_after_the_last_read_rolls_back_all_of_it(
    loaded_desk: ExceptionDesk, case_id: str
) -> None:
    with pytest.raises(psycopg.errors.DivisionByZero):
        _fail_after_writing(loaded_desk, case_id)

    assert _reason(loaded_desk, case_id) is None


def test_an_exception_in_the_block_rolls_back_what_went_out(
    loaded_desk: ExceptionDesk, case_id: str
) -> None:
    with pytest.raises(RuntimeError):
        _raise_after_writing(loaded_desk, case_id)

    assert _reason(loaded_desk, case_id) is None
    with loaded_desk.db.connection() as conn:  # and the connection is usable again
        assert conn.execute("SELECT 1 AS one").fetchone() == {"one": 1}
