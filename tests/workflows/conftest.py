"""Workflow test fixtures: desks with policy variants over the example network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.domain import Case, ExceptionEvent, NetworkSnapshot, Role
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from exdesk.store.api_keys import Principal
from tests.support.scenarios import policy_file

TENANT = "acme"
MakeDesk = Callable[..., ExceptionDesk]


@pytest.fixture
def make_desk(
    settings: Settings, agents: AgentSet, example_network: NetworkSnapshot, tmp_path: Path
) -> Iterator[MakeDesk]:
    """Open a desk on the test database with policy fields changed, network loaded."""
    opened: list[ExceptionDesk] = []

    def make(**policy_changes: Any) -> ExceptionDesk:
        folder = tmp_path / f"policy{len(opened)}"
        folder.mkdir()
        custom = settings.model_copy(update={"policy_file": policy_file(folder, **policy_changes)})
        desk = ExceptionDesk.open(custom, agents=agents)
        opened.append(desk)
        desk.load_network(TENANT, example_network)
        return desk

    yield make
    for desk in opened:
        desk.close()


def first_stop(desk: ExceptionDesk, event: ExceptionEvent) -> Case:
    """Submit an event and run its case to its first stop."""
    ref = desk.submit(TENANT, event)
    desk.advance(TENANT, ref.case_id)
    return desk.case(TENANT, ref.case_id)


def twin_first_stop(desk: ExceptionDesk, event: ExceptionEvent) -> Case:
    """The first stop of a copy of ``event`` under another id: where its case ends when
    nothing disturbs the run."""
    twin = event.model_copy(update={"source_event_id": f"{event.source_event_id}-twin"})
    return first_stop(desk, twin)


def recorded_steps(desk: ExceptionDesk, case_id: str) -> list[str]:
    """The steps the case's decision log holds, in order."""
    with desk.db.connection() as conn:
        rows = conn.execute(
            "SELECT step FROM decision_records WHERE case_id = %s ORDER BY seq", (case_id,)
        ).fetchall()
    return [row["step"] for row in rows]


def person(user: str, *roles: Role) -> Principal:
    """An operator of the test tenant."""
    return Principal(TENANT, user, frozenset(roles), key_id="test")


def pending(case: Case) -> Any:
    """The case's pending approval (there must be one)."""
    waiting = [a for a in case.approvals if a.status == "pending"]
    assert len(waiting) == 1, f"expected one pending approval, found {waiting}"
    return waiting[0]


def approve_everything(desk: ExceptionDesk, case: Case, limit: int = 6) -> Case:
    """Approve each pending approval as a fresh user holding its role, until none is left."""
    for round_no in range(limit):
        waiting = [a for a in case.approvals if a.status == "pending"]
        if not waiting:
            return case
        approval = waiting[0]
        case = desk.decide(
            person(f"{approval.required_role}-{round_no}", approval.required_role),
            approval.approval_id,
            "approve",
        )
    raise AssertionError(f"still waiting after {limit} approvals: {case.status}")
