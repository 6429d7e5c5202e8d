"""The case lock: one holder at a time, and a new holder reads the case as the last one
left it (the row is read in the lock's round trip, after the lock is held)."""

from __future__ import annotations

import threading
import time

from exdesk.examples import example_events
from exdesk.service import ExceptionDesk
from exdesk.store.locks import case_is_being_advanced, case_lock, locked_case

TENANT = "acme"


def test_a_new_holder_reads_what_the_last_holder_committed(loaded_desk: ExceptionDesk) -> None:
    desk = loaded_desk
    ref = desk.submit(TENANT, next(iter(example_events())))
    holding, read_rows = threading.Event(), []

    def second_holder() -> None:
        holding.wait()
        with locked_case(desk.db, TENANT, ref.case_id) as locked:
            read_rows.append(locked.row)

    waiter = threading.Thread(target=second_holder)
    waiter.start()
    with case_lock(desk.db, ref.case_id):
        holding.set()
        time.sleep(0.3)  # the waiter has sent its lock and its read, and waits
        with desk.db.connection() as conn:
            conn.execute(
                "UPDATE cases SET failure_reason = 'left by the last holder' WHERE case_id = %s",
                (ref.case_id,),
            )
    waiter.join(timeout=10)

    assert len(read_rows) == 1
    row = read_rows[0]
    assert row is not None
    assert row["failure_reason"] == "left by the last holder"
    assert row["event"]["source_event_id"]  # the row comes with its event


def test_another_tenants_case_reads_as_none_and_the_lock_is_released(
    loaded_desk: ExceptionDesk,
) -> None:
    desk = loaded_desk
    ref = desk.submit(TENANT, next(iter(example_events())))

    with locked_case(desk.db, "someone-else", ref.case_id) as locked:
        assert locked.row is None

    with desk.db.connection() as conn, case_is_being_advanced(conn, ref.case_id) as busy:
        assert not busy
