"""The resolution a precedent carries, taken from cases the workflow really closed."""

from __future__ import annotations

from exdesk.domain import Case, ExceptionEvent, RemediationOrder, Role
from exdesk.service import ExceptionDesk
from exdesk.store.api_keys import Principal
from exdesk.tools.precedents import PrecedentIndex
from exdesk.workflows.stages import resolution_of
from tests.api.support import carrier_delay, credit_hold, short_pick
from tests.support.typed import payload_of

TENANT = "acme"


def _person(user: str, role: Role) -> Principal:
    return Principal(TENANT, user, frozenset({role}), key_id="test")


def _run(desk: ExceptionDesk, event: dict[str, object]) -> Case:
    ref = desk.submit(TENANT, ExceptionEvent.model_validate(event))
    desk.advance(TENANT, ref.case_id)
    return desk.case(TENANT, ref.case_id)


def _approve_all(desk: ExceptionDesk, case: Case) -> Case:
    for round_no in range(6):
        waiting = [a for a in case.approvals if a.status == "pending"]
        if not waiting:
            return case
        approval = waiting[0]
        user = f"{approval.required_role}-{round_no}"
        case = desk.decide(_person(user, approval.required_role), approval.approval_id, "approve")
    raise AssertionError(f"still waiting: {case.status}")


def test_a_resolved_case_records_its_actions_and_approvers(
    loaded_desk: ExceptionDesk, index: PrecedentIndex
) -> None:
    case = _approve_all(loaded_desk, _run(loaded_desk, short_pick("WMS-7001")))
    assert case.status == "resolved"

    resolution = resolution_of(case)

    executed = next(m for m in case.actions if m.kind == "remediation")
    assert resolution.remediation_action == payload_of(executed, RemediationOrder).option.action
    assert resolution.actions == sorted({m.kind for m in case.actions})
    assert resolution.approved_by == sorted(
        {a.decided_by for a in case.approvals if a.status == "approved" and a.decided_by}
    )
    assert resolution.approved_by
    assert resolution.category == "inventory_shortage"
    assert resolution.route == case.route
    assert resolution.status == "resolved"


def test_a_rejected_case_says_who_rejected_what(
    loaded_desk: ExceptionDesk, index: PrecedentIndex
) -> None:
    case = _run(loaded_desk, credit_hold("ERP-7002"))
    [waiting] = [a for a in case.approvals if a.status == "pending"]
    case = loaded_desk.decide(_person("fran", waiting.required_role), waiting.approval_id, "reject")
    assert case.status == "rejected"

    resolution = resolution_of(case)

    assert resolution.status == "rejected"
    assert resolution.rejected_kind == waiting.kind
    assert resolution.rejected_by == "fran"
    assert resolution.actions == []


def test_precedents_of_a_new_case_carry_the_resolution_of_closed_ones(
    loaded_desk: ExceptionDesk, index: PrecedentIndex
) -> None:
    closed = _approve_all(loaded_desk, _run(loaded_desk, short_pick("WMS-7003")))
    other = _approve_all(loaded_desk, _run(loaded_desk, carrier_delay("CAR-7004")))
    for case in (closed, other):
        assert index.index_final_case(TENANT, case.case_id)
    new = _run(loaded_desk, short_pick("WMS-7005", picked=2))

    found = index.similar(TENANT, new, k=5)

    assert found[0].case_id == closed.case_id
    assert found[0].resolution == resolution_of(closed)
    assert found[0].approved_by == resolution_of(closed).approved_by
    assert found[0].category == "inventory_shortage"
    assert {p.case_id for p in found} == {closed.case_id, other.case_id}
