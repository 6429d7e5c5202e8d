"""What the fleet tests read back from the database while the fleet works."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any

import httpx

from exdesk.domain import FINAL_STATUSES, WAITING_STATUSES, Approval
from exdesk.service import ExceptionDesk
from exdesk.store.approvals import approvals_of_cases

SECRET_ENV = "EXDESK_TEST_FLEET_WEBHOOK_SECRET"
"""The variable the fleet's workers read the webhook's HMAC secret from."""

STOPS = sorted(FINAL_STATUSES | WAITING_STATUSES)


def wait_for(condition: Callable[[], bool], seconds: float, every: float = 0.5) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass; whether it held."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)


def all_stopped(desk: ExceptionDesk, tenant_id: str) -> bool:
    """Whether every case of the tenant is at a stop (waiting for a person, or final) with
    no job of the fleet still to run or running."""
    with desk.db.connection() as conn:
        moving = conn.execute(
            "SELECT count(*) AS n FROM cases WHERE tenant_id=%s AND NOT status = ANY(%s)",
            (tenant_id, STOPS),
        ).fetchone()
        jobs = conn.execute(
            "SELECT count(*) AS n FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
            " AND task_name = 'advance_case'"
        ).fetchone()
    assert moving is not None
    assert jobs is not None
    return int(moving["n"]) == 0 and int(jobs["n"]) == 0


def pending_approvals(desk: ExceptionDesk, tenant_id: str) -> list[Approval]:
    """The tenant's pending approvals, oldest case first."""
    with desk.db.connection() as conn:
        rows = conn.execute(
            "SELECT case_id FROM cases WHERE tenant_id=%s ORDER BY created_at", (tenant_id,)
        ).fetchall()
        found = approvals_of_cases(conn, tenant_id, [r["case_id"] for r in rows])
    return [a for approvals in found.values() for a in approvals if a.status == "pending"]


KEEPALIVE = httpx.Limits(max_connections=256, keepalive_expiry=1.0)
"""Connections idle longer than a second are not reused: the server closes idle ones
after five, and a request sent on a connection as it closes fails with a read error."""


async def polite(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    idempotent: bool = False,
    tries: int = 60,
    **kwargs: Any,
) -> httpx.Response:
    """A request as a well-behaved client sends it: on 429, wait what ``Retry-After`` says
    (and a little jitter), then send it again; an idempotent one (a post of an event, which
    the desk dedupes by its id) is also sent again after a dropped connection."""
    for attempt in range(tries):
        try:
            answer = await client.request(method, url, **kwargs)
        except httpx.TransportError:
            if not idempotent or attempt == tries - 1:
                raise
            await asyncio.sleep(0.2 + random.random() / 4)
            continue
        if answer.status_code != 429:
            return answer
        await asyncio.sleep(float(answer.headers.get("retry-after", "1")) + random.random() / 4)
    return answer
