"""Concurrent clients against a real fleet: `exdesk serve` and two `exdesk worker` processes.

100 posts of one event and 150 distinct events at once, then 50 approvals at once with
racing duplicates, sent as clients that honour 429 and its Retry-After send them: no 5xx,
one case per event, every case at a stop, every approved message delivered once to the
partner's endpoint, every chain intact.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest

from exdesk.delivery import WebhookConfig, set_connector
from exdesk.domain import ExceptionEvent, OutboxKind
from exdesk.examples import example_events
from exdesk.service import ExceptionDesk
from tests.fleet.support import (
    KEEPALIVE,
    SECRET_ENV,
    all_stopped,
    pending_approvals,
    polite,
    wait_for,
)
from tests.support.fleet import running_fleet
from tests.support.receivers import WebhookReceiver, webhook_receiver
from tests.workflows.conftest import TENANT

pytestmark = pytest.mark.slow


def _connect_everything(desk: ExceptionDesk, receiver: WebhookReceiver) -> None:
    config = WebhookConfig.model_validate({"url": receiver.url, "secret_env": SECRET_ENV})
    with desk.db.connection() as conn:
        for kind in get_args(OutboxKind):
            set_connector(conn, TENANT, kind, config)


def _copies(events: list[ExceptionEvent], count: int, tag: str) -> list[ExceptionEvent]:
    return [
        events[i % len(events)].model_copy(
            update={"source_event_id": f"{events[i % len(events)].source_event_id}#{tag}{i}"}
        )
        for i in range(count)
    ]


async def _post_all(url: str, key: str, events: list[ExceptionEvent]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=KEEPALIVE) as client:
        headers = {"Authorization": f"Bearer {key}"}
        return list(
            await asyncio.gather(
                *(
                    polite(
                        client,
                        "POST",
                        "/v1/exceptions",
                        idempotent=True,
                        json=e.model_dump(mode="json"),
                        headers=headers,
                    )
                    for e in events
                )
            )
        )


async def _decide_all(
    url: str, decisions: list[tuple[str, str, str]]
) -> list[tuple[str, httpx.Response]]:
    """(case id, approval id, key) → each decision's answer, all sent at once."""
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=KEEPALIVE) as client:

        async def one(case_id: str, approval_id: str, key: str) -> tuple[str, httpx.Response]:
            answer = await polite(
                client,
                "POST",
                f"/v1/cases/{case_id}/approvals/{approval_id}",
                json={"decision": "approve"},
                headers={"Authorization": f"Bearer {key}"},
            )
            return approval_id, answer

        return list(await asyncio.gather(*(one(*d) for d in decisions)))


def _statuses(answers: list[httpx.Response]) -> Counter[int]:
    return Counter(a.status_code for a in answers)


def test_concurrent_posts_and_approvals_lose_nothing_and_answer_no_5xx(
    queued_desk: ExceptionDesk, tmp_path: Path
) -> None:
    desk = queued_desk
    keys = {
        role: desk.create_api_key(TENANT, f"fleet-{role}", [role])[1]
        for role in ("integration", "cs_rep", "ops", "finance")
    }
    examples = example_events()
    same = _copies(examples, 1, "same")[0]
    distinct = _copies(examples, 150, "distinct")

    with (
        webhook_receiver() as receiver,
        running_fleet(
            desk.settings, tmp_path / "logs", workers=2, extra_env={SECRET_ENV: "fleet-secret"}
        ) as fleet,
    ):
        _connect_everything(desk, receiver)
        posted = asyncio.run(_post_all(fleet.api_url, keys["integration"], [same] * 100 + distinct))

        statuses = _statuses(posted)
        assert set(statuses) <= {200, 201}, (statuses, fleet.log_tail())
        same_cases = {a.json()["case_id"] for a in posted[:100]}
        assert len(same_cases) == 1, "100 posts of one event make one case"
        distinct_cases = {a.json()["case_id"] for a in posted[100:]}
        assert len(distinct_cases) == 150, "every distinct event has its own case"
        assert wait_for(lambda: all_stopped(desk, TENANT), 600), fleet.log_tail()

        waiting = pending_approvals(desk, TENANT)[:50]
        assert len(waiting) >= 20, "the examples leave cases waiting for people"
        decisions = [(a.case_id, a.approval_id, keys[a.required_role]) for a in waiting]
        racing = decisions[:10]  # ten approvals decided twice at the same moment
        answers = asyncio.run(_decide_all(fleet.api_url, decisions + racing))

        statuses = _statuses([answer for _, answer in answers])
        assert set(statuses) <= {200, 409}, (statuses, fleet.log_tail())
        per_approval: dict[str, list[int]] = {}
        for approval_id, answer in answers:
            per_approval.setdefault(approval_id, []).append(answer.status_code)
        for approval_id, codes in per_approval.items():
            assert codes.count(200) == 1, (approval_id, codes)
        assert wait_for(lambda: all_stopped(desk, TENANT), 600), fleet.log_tail()
        assert wait_for(lambda: _all_sent(desk), 300), fleet.log_tail()
        assert fleet.alive(), fleet.log_tail()

    cases = _cases_by_status(desk)
    assert "failed" not in cases, cases
    assert "received" not in cases, cases
    decided = {a.approval_id for a in waiting}
    still_pending = {a.approval_id for a in pending_approvals(desk, TENANT)}
    assert not decided & still_pending, "every approved gate moved its case on"
    outbox = desk.outbox(TENANT)
    assert outbox, "approved proposals commit messages"
    keys_received = receiver.by_key()
    assert sorted(keys_received.values()) == [1] * len(outbox), "each message arrives once"
    assert desk.verify(TENANT).ok


def _cases_by_status(desk: ExceptionDesk) -> dict[str, int]:
    with desk.db.connection() as conn:
        rows = conn.execute(
            "SELECT status, count(*) AS n FROM cases WHERE tenant_id=%s GROUP BY status",
            (TENANT,),
        ).fetchall()
    return {row["status"]: int(row["n"]) for row in rows}


def _all_sent(desk: ExceptionDesk) -> bool:
    with desk.db.connection() as conn:
        row: Any = conn.execute(
            "SELECT count(*) FILTER (WHERE status <> 'sent') AS open FROM outbox"
            " WHERE tenant_id=%s",
            (TENANT,),
        ).fetchone()
    return int(row["open"]) == 0
