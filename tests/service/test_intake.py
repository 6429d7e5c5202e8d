"""Inputs that never lose data (issue 7 item 5): a batch is stored whole or not at all, and
an event re-sent under its id with other content is refused (409), never dropped silently."""

from __future__ import annotations

from typing import Any

import pytest
from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.errors import ConflictError
from exdesk.service import ExceptionDesk
from exdesk.store.cases import CaseFilter
from tests.support.small_network import event, short_pick, small_network

TENANT = "acme"


@pytest.fixture
def small_desk(desk: ExceptionDesk) -> ExceptionDesk:
    desk.load_network(TENANT, small_network())
    return desk


def stored_cases(desk: ExceptionDesk) -> int:
    return desk.cases(TENANT, CaseFilter(), limit=100).total


def test_a_batch_whose_last_event_cannot_be_stored_stores_nothing(
    small_desk: ExceptionDesk,
) -> None:
    first = short_pick("WMS-1")
    small_desk.accept(TENANT, [first], run=False)
    changed = first.model_copy(update={"summary": first.summary + " - found 4 in overflow"})
    batch = [
        event("EM-1", "Where is order SO-1001?"),
        event("EM-2", "Invoice copy please"),
        changed,
    ]

    with pytest.raises(ConflictError, match="WMS-1"):
        small_desk.accept(TENANT, batch, run=False)

    assert stored_cases(small_desk) == 1, "neither EM-1 nor EM-2 was kept"


def test_the_same_event_again_is_its_case_and_other_content_under_its_id_is_refused(
    small_desk: ExceptionDesk,
) -> None:
    original = short_pick("WMS-2")
    [ref] = small_desk.accept(TENANT, [original], run=False)

    [again] = small_desk.accept(TENANT, [original], run=False)

    assert again.case_id == ref.case_id
    assert not again.created
    new_eta = original.model_copy(update={"attributes": {**original.attributes, "picked_qty": 6}})
    with pytest.raises(ConflictError, match="other content"):
        small_desk.accept(TENANT, [new_eta], run=False)
    case = small_desk.case(TENANT, ref.case_id)
    assert case.event.attributes["picked_qty"] == 0, "the stored event is as first received"


def test_one_batch_holding_an_event_twice_makes_one_case_with_one_intake(
    small_desk: ExceptionDesk,
) -> None:
    """The batch's cases are stored together: the second copy finds the first's case."""
    original = short_pick("WMS-3")
    first, second, other = small_desk.accept(
        TENANT, [original, original, event("EM-3", "Where is order SO-1001?")], run=False
    )
    assert (first.created, second.created, other.created) == (True, False, True)
    assert second.case_id == first.case_id != other.case_id
    assert stored_cases(small_desk) == 2
    steps = [r.step for r in small_desk.case(TENANT, first.case_id).decisions]
    assert steps == ["intake"]
    assert small_desk.verify(TENANT).ok

    changed = original.model_copy(update={"summary": original.summary + " (recount)"})
    fresh = short_pick("WMS-4")
    with pytest.raises(ConflictError, match="WMS-3"):
        small_desk.accept(TENANT, [fresh, fresh.model_copy(), changed], run=False)
    assert stored_cases(small_desk) == 2, "WMS-4 was not kept"


def test_a_batchs_new_cases_are_anchored_in_the_ledger_in_event_order(
    small_desk: ExceptionDesk,
) -> None:
    """Every new case of a batch is anchored once, in the batch's order, after what the
    ledger held; an event that already has its case is not anchored again."""
    [known] = small_desk.accept(TENANT, [short_pick("WMS-0")], run=False)
    batch = [event(f"EM-{n}", f"Where is order SO-100{n % 3 + 1}?") for n in range(30)]
    batch.insert(7, short_pick("WMS-0"))
    with small_desk.db.connection() as conn:
        before = _ledger(conn)

    refs = small_desk.accept(TENANT, batch, run=False)

    with small_desk.db.connection() as conn:
        after = _ledger(conn)
    assert after[: len(before)] == before
    new = [ref.case_id for ref in refs if ref.created]
    assert len(new) == 30
    assert known.case_id not in new
    assert [(row["case_id"], row["reason"]) for row in after[len(before) :]] == [
        (case_id, "created") for case_id in new
    ]
    assert [row["seq"] for row in after] == list(range(1, len(after) + 1))
    assert small_desk.verify(TENANT).ok


def _ledger(conn: Connection[DictRow]) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT seq, case_id, reason, hash FROM ledger_entries WHERE tenant_id = %s ORDER BY seq",
        (TENANT,),
    ).fetchall()
