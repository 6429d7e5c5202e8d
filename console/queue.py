"""The queue: what waits for the signed-in person, most urgent first, with counts, filters
and a search by order, customer or case id."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Final, get_args

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from exdesk.console.web import Viewer, desk_of, landing, page, secured
from exdesk.domain import CaseStatus, Category, Role
from exdesk.service.review import work_queue
from exdesk.store.queue import QueueFilter

router = APIRouter(prefix="/console", include_in_schema=False)

QUEUE_LIMIT: Final = 1000
"""Lines a queue page shows (the counts cover every matching case)."""

STATUSES: Final[tuple[str, ...]] = get_args(CaseStatus)
CATEGORIES: Final[tuple[str, ...]] = get_args(Category)
DECIDING_ROLES: Final[tuple[str, ...]] = ("cs_rep", "ops", "finance")


def _one_of(value: str | None, allowed: tuple[str, ...]) -> str | None:
    value = (value or "").strip()
    return value if value in allowed else None


def _age(since: datetime, now: datetime) -> str:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


@router.get("")
def home(viewer: Viewer) -> Response:
    """The person's landing page."""
    return secured(RedirectResponse(landing(viewer[0]), status_code=303))


@router.get("/queue")
def queue_page(
    request: Request,
    viewer: Viewer,
    status: Annotated[str | None, Query(max_length=40)] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    waiting_for: Annotated[str | None, Query(max_length=40)] = None,
    customer: Annotated[str | None, Query(max_length=100)] = None,
    order: Annotated[str | None, Query(max_length=100)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    all_cases: Annotated[str | None, Query(alias="all", max_length=5)] = None,
) -> Response:
    """What waits for the person's roles (``all=1``: every case of the tenant)."""
    session, _ = viewer
    everything = bool(all_cases) or not session.roles.intersection(DECIDING_ROLES)
    wanted = QueueFilter(
        roles=None if everything else frozenset(session.roles),
        status=_one_of(status, STATUSES),  # type: ignore[arg-type]
        category=_one_of(category, CATEGORIES),  # type: ignore[arg-type]
        waiting_for=_one_of(waiting_for, DECIDING_ROLES),  # type: ignore[arg-type]
        customer_id=(customer or "").strip() or None,
        order_id=(order or "").strip() or None,
        search=(q or "").strip() or None,
    )
    queue = work_queue(desk_of(request), session.tenant_id, wanted, QUEUE_LIMIT)
    now = datetime.now(UTC)
    mine: list[Role] = sorted(r for r in session.roles if r in DECIDING_ROLES)
    return page(
        "queue.html",
        session,
        queue=queue,
        wanted=wanted,
        everything=everything,
        mine=mine,
        now=now,
        age=_age,
        statuses=STATUSES,
        categories=CATEGORIES,
        deciding_roles=DECIDING_ROLES,
        limit=QUEUE_LIMIT,
    )
