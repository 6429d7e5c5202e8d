"""How decision records and ledger entries are hashed, and how a step refers to its inputs.

A record's hash covers every field but the hash itself, in the canonical JSON of the
record's ``hash_version`` (``exdesk.store.canonical``); a ledger entry's covers
``LEDGER_FIELDS``. The decision log (``exdesk.store.decision_log``) writes with these, the
audit (``exdesk.store.audit_checks``) checks with them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from exdesk.store.canonical import (
    HashVersion,
    canonical_json_v1,
    canonical_json_v1_bytes,
    canonical_json_v2,
    canonical_object_v2,
    v1_readings,
)

canonical_json = canonical_json_v1
"""The first release's serialisation, still what ``inputs_digest`` and ledger hashes use."""


def digest(value: Any) -> str:
    """SHA-256 of a value's canonical JSON (version 1): how a record refers to its inputs."""
    return hashlib.sha256(canonical_json_v1_bytes(value)).hexdigest()


def utc_text(moment: datetime | str) -> str:
    """A timestamp as hashed: ISO 8601 in UTC (an exported timestamp is parsed first)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(UTC).isoformat()


_JSONB_FIELDS = ("output", "policy_results", "model")


def _hash_body(fields: dict[str, Any]) -> dict[str, Any]:
    body = {key: value for key, value in fields.items() if key != "hash"}
    body["at"] = utc_text(body["at"])
    return body


def record_hash(fields: dict[str, Any], written: Mapping[str, str] | None = None) -> str:
    """The hash of a decision record: every field but ``hash`` itself, in the canonical JSON
    of the record's ``hash_version`` (1 when the field is absent, as in the first release).
    ``written``: fields whose version-2 canonical JSON the caller has already."""
    body = _hash_body(fields)
    version: HashVersion = body.pop("hash_version", 1) or 1
    if version == 2:
        body["hash_version"] = 2
        known = written or {}
        members = {
            key: known[key] if key in known else canonical_json_v2(value)
            for key, value in body.items()
        }
        return hashlib.sha256(canonical_object_v2(members).encode()).hexdigest()
    body.pop("case_digest", None)
    return hashlib.sha256(canonical_json_v1(body).encode()).hexdigest()


def record_hash_matches(fields: dict[str, Any], expected: str) -> bool:
    """Whether a stored record's fields hash to ``expected``.

    A version-1 hash was computed over the values before jsonb stored them; what jsonb
    returns may spell a number differently (``-0.0`` reads back as ``0.0``). Each spelling
    the read-back value may have had is tried (see ``canonical.v1_readings``).
    """
    if record_hash(fields) == expected:
        return True
    if (fields.get("hash_version") or 1) != 1:
        return False
    stored = {key: fields[key] for key in _JSONB_FIELDS}
    for reading in v1_readings(stored):
        if reading is not stored and record_hash({**fields, **reading}) == expected:
            return True
    return False


LEDGER_FIELDS = (
    "tenant_id",
    "seq",
    "at",
    "case_id",
    "case_seq",
    "case_hash",
    "reason",
    "prev_hash",
)
"""What a ledger entry's hash covers (not the hash, not its signature)."""


def ledger_hash(fields: dict[str, Any]) -> str:
    """The hash of a ledger entry (canonical JSON version 1: an entry holds no number but
    integers, which every version writes alike)."""
    body = {key: fields[key] for key in LEDGER_FIELDS}
    body["at"] = utc_text(body["at"])
    return hashlib.sha256(canonical_json_v1_bytes(body)).hexdigest()


def hash_fields_of(row: dict[str, Any]) -> dict[str, Any]:
    """The fields a stored record's hash covers, as read back from the database."""
    version = row.get("hash_version") or 1
    extra = {"hash_version": version, "case_digest": row.get("case_digest")} if version > 1 else {}
    return {
        "tenant_id": row["tenant_id"],
        "case_id": row["case_id"],
        "seq": row["seq"],
        "at": row["at"],
        "step": row["step"],
        "actor": row["actor"],
        "inputs_digest": row["inputs_digest"],
        "output": row["output"],
        "confidence": row["confidence"],
        "policy_results": row["policy_results"],
        "model": row["model"],
        "trace_id": row["trace_id"],
        "span_id": row["span_id"],
        "prev_hash": row["prev_hash"],
        **extra,
    }
