"""The soak: events and approvals through the API while a chaos loop SIGKILLs workers.

Afterwards every event has exactly one case, every case is at its stop, every chain
verifies, and the webhook receiver got every outbox message — each idempotency key
applied once. ``EXDESK_SOAK_EVENTS`` sets the size (CI runs a short soak; ``make soak``
runs 10,000 events with 4 workers).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

import httpx
import pytest

from exdesk.delivery import WebhookConfig, set_connector
from exdesk.domain import ExceptionEvent, OutboxKind, OutboxMessage
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
from tests.support.fleet import chaos, running_fleet
from tests.support.receivers import webhook_receiver
from tests.workflows.conftest import TENANT

EVENTS = int(os.environ.get("EXDESK_SOAK_EVENTS", "120"))
WORKERS = int(os.environ.get("EXDESK_SOAK_WORKERS", "4"))
KILL_EVERY = float(os.environ.get("EXDESK_SOAK_KILL_EVERY", "10"))
"""Seconds between SIGKILLs (a replacement worker takes a few seconds of CPU to start)."""
PATIENCE = 900 + EVENTS // 4
"""Seconds each stage may take (the fleet runs several cases a second)."""

pytestmark = [pytest.mark.slow, pytest.mark.soak, pytest.mark.timeout(3 * PATIENCE)]
BATCH = 20
"""Events per request (lists are all-or-nothing)."""


def _events(count: int) -> list[ExceptionEvent]:
    examples = example_events()
    return [
        examples[i % len(examples)].model_copy(
            update={"source_event_id": f"{examples[i % len(examples)].source_event_id}#soak{i}"}
        )
        for i in range(count)
    ]


async def _send(url: str, key: str, events: list[ExceptionEvent]) -> list[int]:
    """Post the events in batches, 4 requests in flight; each batch's status."""
    batches = [events[i : i + BATCH] for i in range(0, len(events), BATCH)]
    gate = asyncio.Semaphore(4)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=KEEPALIVE) as client:

        async def one(batch: list[ExceptionEvent]) -> int:
            async with gate:
                started = time.monotonic()
                answer = await polite(
                    client,
                    "POST",
                    "/v1/exceptions",
                    idempotent=True,
                    json=[e.model_dump(mode="json") for e in batch],
                    headers={"Authorization": f"Bearer {key}"},
                )
                took = time.monotonic() - started
                print(f"batch of {len(batch)}: {answer.status_code} in {took:.1f} s")
                return answer.status_code

        return list(await asyncio.gather(*(one(b) for b in batches)))


async def _approve(url: str, decisions: list[tuple[str, str, str]]) -> list[int]:
    gate = asyncio.Semaphore(16)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=KEEPALIVE) as client:

        async def one(case_id: str, approval_id: str, key: str) -> int:
            async with gate:
                answer = await polite(
                    client,
                    "POST",
                    f"/v1/cases/{case_id}/approvals/{approval_id}",
                    json={"decision": "approve"},
                    headers={"Authorization": f"Bearer {key}"},
                )
                return answer.status_code

        return list(await asyncio.gather(*(one(*d) for d in decisions)))


def test_nothing_is_lost_while_workers_are_killed(
    queued_desk: ExceptionDesk, tmp_path: Path
) -> None:
    desk = queued_desk
    keys = {
        role: desk.create_api_key(TENANT, f"soak-{role}", [role])[1]
        for role in ("integration", "cs_rep", "ops", "finance")
    }
    events = _events(EVENTS)
    env = {SECRET_ENV: "soak-secret", "EXDESK_WORKER_STALLED_SECONDS": "5"}
    with (
        webhook_receiver() as receiver,
        running_fleet(
            desk.settings, tmp_path / "logs", workers=WORKERS, concurrency=2, extra_env=env
        ) as fleet,
    ):
        config = WebhookConfig.model_validate({"url": receiver.url, "secret_env": SECRET_ENV})
        with desk.db.connection() as conn:
            for kind in get_args(OutboxKind):
                set_connector(conn, TENANT, kind, config)
        # The first kill lands while the first batches are being worked: the short soak
        # is over within seconds, before a first kill ``KILL_EVERY`` in would come.
        with chaos(fleet, every=KILL_EVERY, first_after=1.0) as kills:
            sent = asyncio.run(_send(fleet.api_url, keys["integration"], events))
            assert set(sent) <= {200, 201}, sent
            assert wait_for(lambda: all_stopped(desk, TENANT), PATIENCE), fleet.log_tail()
            waiting = pending_approvals(desk, TENANT)
            decisions = [(a.case_id, a.approval_id, keys[a.required_role]) for a in waiting]
            decided = asyncio.run(_approve(fleet.api_url, decisions))
            assert set(decided) <= {200}, decided
            assert wait_for(lambda: all_stopped(desk, TENANT), PATIENCE), fleet.log_tail()
        assert kills, "the chaos loop killed workers"
        outbox = desk.outbox(TENANT)
        assert wait_for(lambda: _delivered(receiver.by_key(), outbox), PATIENCE), fleet.log_tail()

    with desk.db.connection() as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM exception_events WHERE tenant_id=%s) AS events,"
            " (SELECT count(*) FROM cases WHERE tenant_id=%s) AS cases,"
            " (SELECT count(*) FROM cases WHERE tenant_id=%s AND status IN ('failed','received'))"
            " AS unfinished",
            (TENANT, TENANT, TENANT),
        ).fetchone()
    assert counts is not None
    assert counts["events"] == EVENTS
    assert counts["cases"] == EVENTS
    assert counts["unfinished"] == 0
    assert {m.status for m in desk.outbox(TENANT)} == {"sent"}
    assert desk.verify(TENANT).ok


def _delivered(received: dict[str, int], outbox: Sequence[OutboxMessage]) -> bool:
    """Every message of the outbox reached the receiver under its own idempotency key (the
    outbox id). A key seen twice — a worker killed between sending and recording — is
    applied once by the receiver, which is what the key is for."""
    return bool(outbox) and {m.outbox_id for m in outbox} <= set(received)
