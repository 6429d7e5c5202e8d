"""A batch (``exdesk ingest``, ``cases resume``) runs every case, on one worker or several:
a case whose run raises does not keep the others from running, and the error is raised
once they have."""

from __future__ import annotations

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.domain import NetworkSnapshot
from exdesk.examples import example_events
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from exdesk.workflows.runner import RunResult


@pytest.mark.parametrize("workers", [1, 3])
def test_one_case_raising_leaves_the_rest_of_the_batch_run(
    settings: Settings,
    agents: AgentSet,
    example_network: NetworkSnapshot,
    workers: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = example_events()[:6]
    with ExceptionDesk.open(
        settings.model_copy(update={"workers": workers}), agents=agents
    ) as desk:
        desk.load_network("acme", example_network)
        advance = desk.advance
        broken: list[str] = []

        def advance_or_break(tenant_id: str, case_id: str) -> RunResult:
            if not broken:
                broken.append(case_id)
                raise RuntimeError("the database went away")
            return advance(tenant_id, case_id)

        monkeypatch.setattr(desk, "advance", advance_or_break)
        with pytest.raises(RuntimeError, match="went away"):
            desk.ingest("acme", events)
        with desk.db.connection() as conn:
            rows = conn.execute(
                "SELECT case_id, status FROM cases WHERE tenant_id = 'acme'"
            ).fetchall()
    statuses = {row["case_id"]: row["status"] for row in rows}
    assert len(statuses) == 6
    assert statuses.pop(broken[0]) == "received"
    assert "received" not in statuses.values()
