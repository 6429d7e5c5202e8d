"""Signed ledger checkpoints: the tenant ledger's head, signed with Ed25519, kept outside
the database by whoever audits it.

The ledger is a hash chain: entry *n*'s hash fixes entries 1..n, and through their anchors
every case chain up to each anchored head. Whoever holds a checkpoint of entry *n* can
later tell whether the ledger still holds exactly that entry — a database rewritten
wholesale, its hashes recomputed, no longer does. The signature says the desk issued the
checkpoint; the public key in it must be the desk's (compare its fingerprint).

A checkpoint is one JSON object::

    {"format": "exdesk-ledger-checkpoint/1", "tenant_id": "acme", "ledger_seq": 42,
     "head_hash": "<hex>", "at": "2026-12-03T10:00:00+00:00",
     "public_key": "<base64 of the 32-byte Ed25519 public key>",
     "signature": "<base64 of the 64-byte signature>"}

signed over the canonical JSON (version 2) of every field but ``signature``.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pydantic import BaseModel, ConfigDict, Field

from exdesk.errors import InputError
from exdesk.store.audit_checks import check_ledger
from exdesk.store.audit_findings import AuditProblem
from exdesk.store.audit_log import LedgerData
from exdesk.store.canonical import canonical_json_v2
from exdesk.store.cases import GENESIS_HASH
from exdesk.store.signing import b64, key_fingerprint, public_key_text

CHECKPOINT_FORMAT: Final = "exdesk-ledger-checkpoint/1"


class LedgerCheckpoint(BaseModel):
    """A tenant ledger's head at one moment, signed by the desk."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["exdesk-ledger-checkpoint/1"] = CHECKPOINT_FORMAT
    tenant_id: str = Field(min_length=1)
    ledger_seq: int = Field(ge=0, description="The ledger entry signed (0: an empty ledger).")
    head_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    at: datetime
    public_key: str = Field(description="Base64 of the raw 32-byte Ed25519 public key.")
    signature: str = Field(description="Base64 of the 64-byte Ed25519 signature.")

    def signed_bytes(self) -> bytes:
        """What the signature covers: the canonical JSON (v2) of every other field."""
        body = self.model_dump(mode="json", exclude={"signature"})
        body["at"] = self.at.astimezone(UTC).isoformat()
        return canonical_json_v2(body).encode()

    @property
    def key_fingerprint(self) -> str:
        """SHA-256 of the raw public key, first 16 hex digits: what to compare by eye."""
        return key_fingerprint(self.public_key)


def sign_checkpoint(
    key: Ed25519PrivateKey, tenant_id: str, ledger: LedgerData, at: datetime | None = None
) -> LedgerCheckpoint:
    """Sign the ledger's last entry — after checking the ledger's chain, so a broken ledger
    is never vouched for (InputError names the problem)."""
    problems: list[AuditProblem] = []
    check_ledger(ledger, problems)
    if problems:
        raise InputError(f"the ledger does not verify, nothing signed: {problems[0]}")
    last = ledger.entries[-1] if ledger.entries else None
    unsigned = LedgerCheckpoint(
        tenant_id=tenant_id,
        ledger_seq=int(last["seq"]) if last else 0,
        head_hash=last["hash"] if last else GENESIS_HASH,
        at=(at or datetime.now(UTC)).astimezone(UTC),
        public_key=public_key_text(key),
        signature="",
    )
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode()
    return unsigned.model_copy(update={"signature": signature})


def check_checkpoint(
    checkpoint: LedgerCheckpoint,
    tenant_id: str,
    ledger: LedgerData,
    trusted_public_key: str | None = None,
) -> list[AuditProblem]:
    """What is wrong between a checkpoint and the ledger as it is now (empty: nothing).

    Together with the ledger's own chain (``audit verify``), an entry that still holds the
    signed hash proves entries 1..``ledger_seq`` are those the checkpoint saw.
    """
    where = f"checkpoint of entry {checkpoint.ledger_seq} ({checkpoint.at.isoformat()})"
    try:
        public = Ed25519PublicKey.from_public_bytes(b64(checkpoint.public_key))
        public.verify(b64(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError, InputError):
        return [AuditProblem(f"the {where} is not validly signed by its public key")]
    problems: list[AuditProblem] = []
    if trusted_public_key is not None and checkpoint.public_key != trusted_public_key:
        problems.append(
            AuditProblem(
                f"the {where} is signed by key {checkpoint.key_fingerprint}, not by this"
                f" desk's key {key_fingerprint(trusted_public_key)}"
            )
        )
    if checkpoint.tenant_id != tenant_id:
        problems.append(AuditProblem(f"the {where} is tenant {checkpoint.tenant_id}'s"))
        return problems
    if checkpoint.ledger_seq == 0:
        return problems
    entry = next((e for e in ledger.entries if int(e["seq"]) == checkpoint.ledger_seq), None)
    if entry is None:
        problems.append(
            AuditProblem(
                f"entry {checkpoint.ledger_seq} signed by the {where} is gone: the ledger was"
                " truncated or replaced"
            )
        )
    elif entry["hash"] != checkpoint.head_hash:
        problems.append(
            AuditProblem(
                f"entry {checkpoint.ledger_seq} differs from the signed {where}: the ledger"
                " was rewritten"
            )
        )
    return problems
