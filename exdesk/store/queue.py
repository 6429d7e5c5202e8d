"""A work queue: the tenant's cases with the approval each waits for, in one query, sorted
so the most urgent comes first (overdue, then by severity, then by deadline)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import ApprovalKind, CaseStatus, Category, Role


@dataclass(frozen=True)
class QueueFilter:
    """What a queue shows: cases waiting for one of ``roles`` (None: every case), narrowed
    by status, category, the role waited for, customer, order, or a search term."""

    roles: frozenset[Role] | None = None
    status: CaseStatus | None = None
    category: Category | None = None
    waiting_for: Role | None = None
    customer_id: str | None = None
    order_id: str | None = None
    search: str | None = None
    """An order id, customer id or case id (exact, case-insensitive), or a case id prefix."""


@dataclass(frozen=True)
class QueueItem:
    """One line of a queue."""

    case_id: str
    status: CaseStatus
    category: Category | None
    severity: str | None
    confidence: float | None
    order_id: str | None
    customer_id: str | None
    summary: str
    created_at: datetime
    approval_id: str | None
    kind: ApprovalKind | None
    waiting_for: Role | None
    requested_at: datetime | None
    deadline: datetime | None


@dataclass(frozen=True)
class Queue:
    """A queue's lines and its counts by status, category and role waited for."""

    items: list[QueueItem]
    total: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_waiting_for: dict[str, int] = field(default_factory=dict)


_BASE = """
FROM cases c
JOIN exception_events e ON e.case_id = c.case_id
LEFT JOIN LATERAL (
    SELECT approval_id, kind, required_role, requested_at FROM approvals
    WHERE approvals.case_id = c.case_id AND approvals.status = 'pending'
    ORDER BY requested_at DESC LIMIT 1
) a ON true
LEFT JOIN LATERAL (
    SELECT output->>'order_id' AS order_id, output->>'customer_id' AS customer_id
    FROM decision_records d WHERE d.case_id = c.case_id AND d.step = 'enrich' LIMIT 1
) n ON true
"""

ORDER_ID = "coalesce(e.event->>'order_id', n.order_id)"
CUSTOMER_ID = "coalesce(e.event->>'customer_id', n.customer_id)"
"""The case's order and customer: the event's, else those the network named for it."""

_SEVERITY_RANK = (
    "CASE c.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2"
    " WHEN 'low' THEN 3 ELSE 4 END"
)


def _where(tenant_id: str, wanted: QueueFilter) -> tuple[str, dict[str, Any]]:
    clauses = ["c.tenant_id = %(tenant)s"]
    params: dict[str, Any] = {"tenant": tenant_id}
    if wanted.roles is not None:
        clauses.append("a.required_role = ANY(%(roles)s)")
        params["roles"] = sorted(wanted.roles)
    simple = {
        "c.status": wanted.status,
        "c.category": wanted.category,
        "a.required_role": wanted.waiting_for,
        CUSTOMER_ID: wanted.customer_id,
        ORDER_ID: wanted.order_id,
    }
    for number, (column, value) in enumerate(simple.items()):
        if value is not None:
            clauses.append(f"{column} = %(v{number})s")
            params[f"v{number}"] = value
    if wanted.search:
        clauses.append(
            f"(lower({ORDER_ID}) = %(term)s OR lower({CUSTOMER_ID}) = %(term)s"
            " OR c.case_id LIKE %(prefix)s)"
        )
        term = wanted.search.strip().lower()
        params["term"] = term
        params["prefix"] = term.replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
    return " AND ".join(clauses), params


def read_queue(
    conn: Connection[DictRow],
    tenant_id: str,
    wanted: QueueFilter,
    *,
    sla: timedelta,
    limit: int,
) -> Queue:
    """The queue's first ``limit`` lines and its counts (over every matching case)."""
    where, params = _where(tenant_id, wanted)
    params["sla"] = sla
    params["limit"] = limit
    rows = conn.execute(
        "SELECT c.case_id, c.status, c.category, c.severity, c.confidence, c.created_at,"
        f" {ORDER_ID} AS order_id, {CUSTOMER_ID} AS customer_id,"
        " e.event->>'summary' AS summary, a.approval_id, a.kind, a.required_role,"
        " a.requested_at, a.requested_at + %(sla)s AS deadline"
        f" {_BASE} WHERE {where}"
        " ORDER BY (a.requested_at + %(sla)s < now()) DESC NULLS LAST,"
        f" {_SEVERITY_RANK}, a.requested_at + %(sla)s NULLS LAST, c.created_at DESC"
        " LIMIT %(limit)s",
        params,
    ).fetchall()
    counts = conn.execute(
        "SELECT c.status, c.category, a.required_role, count(*) AS n"
        f" {_BASE} WHERE {where} GROUP BY 1, 2, 3",
        params,
    ).fetchall()
    queue = Queue([_item(row) for row in rows], sum(row["n"] for row in counts))
    for row in counts:
        for key, bucket in (
            ("status", queue.by_status),
            ("category", queue.by_category),
            ("required_role", queue.by_waiting_for),
        ):
            name = row[key] or "none"
            bucket[name] = bucket.get(name, 0) + row["n"]
    return queue


def _item(row: dict[str, Any]) -> QueueItem:
    return QueueItem(
        case_id=row["case_id"],
        status=row["status"],
        category=row["category"],
        severity=row["severity"],
        confidence=row["confidence"],
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        summary=" ".join((row["summary"] or "").split()),
        created_at=row["created_at"],
        approval_id=row["approval_id"],
        kind=row["kind"],
        waiting_for=row["required_role"],
        requested_at=row["requested_at"],
        deadline=row["deadline"],
    )
