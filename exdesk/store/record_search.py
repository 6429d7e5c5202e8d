"""Searching the decision log: records of a tenant by case, order, customer, actor, step,
rule, outcome and time, with their hashes (for compliance pages and the audit API)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.store.queue import CUSTOMER_ID, ORDER_ID


@dataclass(frozen=True)
class RecordFilter:
    """Which records: every field given must match (text fields exactly, the actor also by
    prefix ending in ``*``, e.g. ``human:*``)."""

    case_id: str | None = None
    order_id: str | None = None
    customer_id: str | None = None
    actor: str | None = None
    step: str | None = None
    rule: str | None = None
    """A policy id among the record's policy results."""
    outcome: str | None = None
    """A person's decision (approve, reject, edit) or a policy effect (allow, deny…)."""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class FoundRecord:
    """One record as found, with the case's order and customer."""

    case_id: str
    seq: int
    at: datetime
    step: str
    actor: str
    order_id: str | None
    customer_id: str | None
    outcome: str | None
    rules: list[str]
    output: dict[str, Any]
    policy_results: list[dict[str, Any]]
    inputs_digest: str
    prev_hash: str
    hash: str


CSV_COLUMNS: Final = (
    "case_id",
    "seq",
    "at",
    "step",
    "actor",
    "order_id",
    "customer_id",
    "outcome",
    "rules",
    "inputs_digest",
    "prev_hash",
    "hash",
)


def _where(tenant_id: str, wanted: RecordFilter) -> tuple[str, dict[str, Any]]:
    clauses = ["r.tenant_id = %(tenant)s"]
    params: dict[str, Any] = {"tenant": tenant_id}
    exact = {
        "case_id": "r.case_id",
        "order_id": ORDER_ID,
        "customer_id": CUSTOMER_ID,
        "step": "r.step",
    }
    for name, column in exact.items():
        value = getattr(wanted, name)
        if value:
            clauses.append(f"{column} = %({name})s")
            params[name] = value.strip()
    if wanted.actor:
        actor = wanted.actor.strip()
        if actor.endswith("*"):
            clauses.append("r.actor LIKE %(actor)s")
            params["actor"] = actor[:-1].replace("%", "\\%").replace("_", "\\_") + "%"
        else:
            clauses.append("r.actor = %(actor)s")
            params["actor"] = actor
    if wanted.rule:
        clauses.append("r.policy_results @> %(rule)s::jsonb")
        params["rule"] = json.dumps([{"policy_id": wanted.rule.strip()}])
    if wanted.outcome:
        clauses.append(
            "(r.output->>'decision' = %(outcome)s OR r.policy_results @> %(effect)s::jsonb)"
        )
        params["outcome"] = wanted.outcome.strip()
        params["effect"] = json.dumps([{"effect": wanted.outcome.strip()}])
    if wanted.since is not None:
        clauses.append("r.at >= %(since)s")
        params["since"] = wanted.since
    if wanted.until is not None:
        clauses.append("r.at <= %(until)s")
        params["until"] = wanted.until
    return " AND ".join(clauses), params


def search_records(
    conn: Connection[DictRow], tenant_id: str, wanted: RecordFilter, *, limit: int
) -> list[FoundRecord]:
    """The matching records, newest first, at most ``limit``."""
    where, params = _where(tenant_id, wanted)
    params["limit"] = limit
    rows = conn.execute(
        "SELECT r.case_id, r.seq, r.at, r.step, r.actor, r.output, r.policy_results,"
        " r.inputs_digest, r.prev_hash, r.hash,"
        f" {ORDER_ID} AS order_id, {CUSTOMER_ID} AS customer_id"
        " FROM decision_records r JOIN exception_events e ON e.case_id = r.case_id"
        " LEFT JOIN LATERAL (SELECT output->>'order_id' AS order_id,"
        " output->>'customer_id' AS customer_id FROM decision_records d"
        " WHERE d.case_id = r.case_id AND d.step = 'enrich' LIMIT 1) n ON true"
        f" WHERE {where} ORDER BY r.at DESC, r.case_id, r.seq DESC LIMIT %(limit)s",
        params,
    ).fetchall()
    return [_found(row) for row in rows]


def _found(row: dict[str, Any]) -> FoundRecord:
    results = list(row["policy_results"] or [])
    effects = sorted({str(r.get("effect")) for r in results if r.get("effect")})
    decision = row["output"].get("decision") if isinstance(row["output"], dict) else None
    outcome = str(decision) if decision else (", ".join(effects) or None)
    return FoundRecord(
        case_id=row["case_id"],
        seq=row["seq"],
        at=row["at"],
        step=row["step"],
        actor=row["actor"],
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        outcome=outcome,
        rules=[f"{r.get('policy_id')}: {r.get('effect')}" for r in results],
        output=row["output"],
        policy_results=results,
        inputs_digest=row["inputs_digest"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def as_jsonl(records: Iterable[FoundRecord]) -> str:
    """One JSON object per record (output and policy results in full)."""
    lines = []
    for record in records:
        lines.append(
            json.dumps(
                {
                    "case_id": record.case_id,
                    "seq": record.seq,
                    "at": record.at.isoformat(),
                    "step": record.step,
                    "actor": record.actor,
                    "order_id": record.order_id,
                    "customer_id": record.customer_id,
                    "outcome": record.outcome,
                    "output": record.output,
                    "policy_results": record.policy_results,
                    "inputs_digest": record.inputs_digest,
                    "prev_hash": record.prev_hash,
                    "hash": record.hash,
                },
                sort_keys=True,
                default=str,
            )
        )
    return "".join(line + "\n" for line in lines)


def as_csv(records: Iterable[FoundRecord]) -> str:
    """A header and one row per record, with its hashes (rules joined by ``; ``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow(
            [
                r.case_id,
                r.seq,
                r.at.isoformat(),
                r.step,
                r.actor,
                r.order_id or "",
                r.customer_id or "",
                r.outcome or "",
                "; ".join(r.rules),
                r.inputs_digest,
                r.prev_hash,
                r.hash,
            ]
        )
    return buffer.getvalue()
