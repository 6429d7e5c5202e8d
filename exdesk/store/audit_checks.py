"""The checks of ``audit verify``, as pure functions of what was read (``audit_log``).

For each case: the chain (every record, to the head, whatever its anchors), the anchors,
the case row's head and projection, the event row, every approval and outbox row against
the records that opened, decided or committed them. What only an unfinished run explains
(a tail not anchored yet, a decision stored but not yet recorded) is a :class:`Suspect`:
the caller makes it a problem once it knows no run is advancing the case.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from exdesk.domain import FINAL_STATUSES, WAITING_STATUSES
from exdesk.store.audit_findings import Anchors, AuditProblem, CaseFindings, Suspect
from exdesk.store.audit_log import CaseBundle, LedgerData, Row
from exdesk.store.audit_rows import check_approvals, check_event, check_outbox, check_projection
from exdesk.store.cases import GENESIS_HASH
from exdesk.store.record_hashes import hash_fields_of, ledger_hash, record_hash_matches


def check_ledger(
    ledger: LedgerData, problems: list[AuditProblem], found: CaseFindings | None = None
) -> Anchors:
    """Verify the ledger's chain, signatures and head; return the anchors of its verified
    entries (and, into ``found``, which of them no signature vouches for)."""
    found = found or CaseFindings()
    anchors: Anchors = defaultdict(dict)
    previous = GENESIS_HASH
    expected_seq = 1
    signed_before = False
    for row in ledger.entries:
        seq = int(row["seq"])
        if seq != expected_seq:
            problems.append(AuditProblem(f"entry {expected_seq} is missing (found {seq} next)"))
            return anchors
        if row["prev_hash"] != previous:
            problems.append(AuditProblem(f"entry {seq} does not link to entry {seq - 1}"))
            return anchors
        if ledger_hash(dict(row)) != row["hash"]:
            problems.append(AuditProblem(f"entry {seq} was changed (hash mismatch)"))
            return anchors
        trouble = _signature_trouble(
            found, "ledger_entry", row, signed_before, required=False, before="entries"
        )
        if trouble is not None:
            problems.append(AuditProblem(f"entry {seq} {trouble}"))
            return anchors
        if row.get("signature"):
            signed_before = True
        else:
            found.unsigned_anchors.add((row["case_id"], int(row["case_seq"])))
        anchors[row["case_id"]][int(row["case_seq"])] = row["case_hash"]
        previous = row["hash"]
        expected_seq += 1
    head = ledger.head
    if ledger.entries and (
        head is None or head["seq"] != expected_seq - 1 or head["hash"] != previous
    ):
        problems.append(AuditProblem("the ledger head does not match its last entry"))
    return anchors


def _signature_trouble(
    found: CaseFindings,
    kind: Literal["record", "ledger_entry"],
    row: Row,
    signed_before: bool,
    *,
    required: bool,
    before: str,
) -> str | None:
    """Why a row's signature (or its absence) does not verify, or None.

    Signed rows must be signed by the desk's key (when it is known); once a chain or the
    ledger is signed, every later row of it must be; with the key known, so must every
    row written by release 2 or later (``required``).
    """
    signature = row.get("signature")
    check = found.signatures
    if signature:
        if check is None:
            found.coverage.signatures_unchecked += 1
        elif not check.valid(kind, row["hash"], signature):
            return (
                f"is not signed by this desk's key ({check.fingerprint}): forged, or signed"
                " with another key"
            )
        return None
    if signed_before:
        return f"is not signed though the {before} before it are: appended outside the desk"
    if required and check is not None:
        return "is not signed: appended outside the desk"
    found.coverage.unsigned_rows += 1
    return None


def check_case(bundle: CaseBundle, anchors: dict[int, str], found: CaseFindings) -> None:
    """Every check of one case; problems and suspects go into ``found``."""
    case_id = bundle.case_id
    problems = found.problems
    found.records += len(bundle.records)
    if not anchors:
        problems.append(AuditProblem("has no anchor in the ledger", case_id))
    if not _chain_verifies(bundle, anchors, found):
        return
    records = bundle.records
    if not records:
        problems.append(AuditProblem("has no decision records", case_id))
        return
    last = records[-1]
    if (bundle.case["last_seq"], bundle.case["last_hash"]) != (last["seq"], last["hash"]):
        problems.append(
            AuditProblem(
                f"the case row's chain head (record {bundle.case['last_seq']}) is not its last"
                f" record ({last['seq']}): records were added or removed behind the desk's back",
                case_id,
            )
        )
    check_event(bundle, found)
    check_projection(bundle, found)
    check_approvals(bundle, found)
    check_outbox(bundle, found)
    _check_tail(bundle, anchors, found)


def _chain_verifies(bundle: CaseBundle, anchors: dict[int, str], found: CaseFindings) -> bool:
    case_id, problems = bundle.case_id, found.problems
    previous = GENESIS_HASH
    hashes: dict[int, str] = {}
    versions: dict[int, int] = {}
    signed_before = False
    for expected_seq, row in enumerate(bundle.records, start=1):
        seq = int(row["seq"])
        if seq != expected_seq:
            problems.append(
                AuditProblem(f"is missing (the chain jumps to {seq})", case_id, expected_seq)
            )
            return False
        if row["prev_hash"] != previous:
            problems.append(
                AuditProblem(
                    "does not link to the record before it (reordered or removed)", case_id, seq
                )
            )
            return False
        if row["tenant_id"] != bundle.case["tenant_id"]:
            problems.append(AuditProblem("belongs to another tenant", case_id, seq))
            return False
        if not record_hash_matches(hash_fields_of(row), row["hash"]):
            problems.append(
                AuditProblem(f"was changed (step {row['step']}: hash mismatch)", case_id, seq)
            )
            return False
        version = int(row.get("hash_version") or 1)
        trouble = _signature_trouble(
            found, "record", row, signed_before, required=version >= 2, before="records"
        )
        if trouble is not None:
            problems.append(AuditProblem(trouble, case_id, seq))
            return False
        signed_before = signed_before or bool(row.get("signature"))
        hashes[seq], versions[seq] = row["hash"], version
        previous = row["hash"]
    for case_seq, case_hash in sorted(anchors.items()):
        if case_seq not in hashes:
            problems.append(
                AuditProblem("is anchored in the ledger but missing (deleted)", case_id, case_seq)
            )
            return False
        if hashes[case_seq] != case_hash:
            problems.append(
                AuditProblem("differs from the hash the ledger anchored", case_id, case_seq)
            )
            return False
        unsigned = (case_id, case_seq) in found.unsigned_anchors
        if unsigned and versions[case_seq] >= 2 and found.signatures is not None:
            problems.append(
                AuditProblem(
                    "is anchored by a ledger entry without the desk's signature: appended"
                    " outside the desk",
                    case_id,
                    case_seq,
                )
            )
            return False
    return True


def _check_tail(bundle: CaseBundle, anchors: dict[int, str], found: CaseFindings) -> None:
    """Every waiting or final case's head is anchored; any other unanchored tail belongs
    to a run in progress (or cut short)."""
    last_anchor = max(anchors, default=0)
    head = int(bundle.records[-1]["seq"])
    if head <= last_anchor:
        return
    status = bundle.case["status"]
    if status in WAITING_STATUSES or status in FINAL_STATUSES:
        message = (
            f"is {status} but its head (record {head}) is not anchored in the ledger"
            f" (records after {last_anchor} are not)"
        )
    else:
        message = (
            f"records {last_anchor + 1}..{head} are not anchored in the ledger and no run is"
            " advancing the case: appended outside the workflow, or a run cut short (run"
            " `exdesk cases resume`, then verify again)"
        )
    found.suspects.append(Suspect(bundle, AuditProblem(message, bundle.case_id)))
