"""One case per event, one effect per approval, and many cases of a tenant in parallel."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from exdesk.domain import NetworkSnapshot
from exdesk.errors import ConflictError
from exdesk.store.cases import CaseFilter
from tests.support.scenarios import open_orders, short_pick, status_question
from tests.workflows.conftest import TENANT, MakeDesk, first_stop, pending, person


def test_the_same_event_submitted_concurrently_makes_one_case(
    make_desk: MakeDesk, example_network: NetworkSnapshot
) -> None:
    desk = make_desk()
    event = short_pick(open_orders(example_network)[0], "wms-race")
    barrier = threading.Barrier(8)

    def submit(_: int) -> str:
        barrier.wait()
        return desk.submit(TENANT, event).case_id

    with ThreadPoolExecutor(8) as pool:
        case_ids = set(pool.map(submit, range(8)))

    assert len(case_ids) == 1
    [case_id] = case_ids
    assert [d.step for d in desk.case(TENANT, case_id).decisions] == ["intake"]
    assert desk.cases(TENANT, CaseFilter()).total == 1
    with desk.db.connection() as conn:
        received = conn.execute(
            "SELECT times_received FROM exception_events WHERE case_id=%s", (case_id,)
        ).fetchone()
    assert received is not None
    assert received["times_received"] == 8


def test_two_simultaneous_approvals_take_effect_once(
    make_desk: MakeDesk, example_network: NetworkSnapshot
) -> None:
    desk = make_desk()
    case = first_stop(
        desk, status_question(example_network, open_orders(example_network)[1], "mail-race")
    )
    approval = pending(case)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user: str) -> None:
        barrier.wait()
        try:
            desk.decide(person(user, "cs_rep"), approval.approval_id, "approve")
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(u,)) for u in ("rita", "rick")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["conflict", "ok"]
    case = desk.case(TENANT, case.case_id)
    assert case.status == "resolved"
    assert [d.step for d in case.decisions].count("approval_gate") == 1
    assert [d.step for d in case.decisions].count("execute") == 1
    assert len(case.actions) == 1


def test_many_cases_of_one_tenant_advance_in_parallel_and_the_ledger_holds(
    make_desk: MakeDesk, example_network: NetworkSnapshot
) -> None:
    desk = make_desk()
    events = [
        short_pick(o, f"wms-par-{i}") for i, o in enumerate(open_orders(example_network)[:16])
    ]

    refs = desk.ingest(TENANT, events)

    cases = [desk.case(TENANT, r.case_id) for r in refs]
    assert all(c.status in {"awaiting_approval", "escalated", "resolved"} for c in cases)
    report = desk.verify(TENANT)
    assert report.ok, report.problems
    assert report.cases == 16
    assert report.ledger_entries >= 32  # created + first stop, per case
