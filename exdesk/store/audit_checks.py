"""The checks of ``audit verify``, as pure functions of what was read (``audit_log``).

For each case: the chain (every record, to the head, whatever its anchors), the anchors,
the case row's head and projection, the event row, every approval and outbox row against
the records that opened, decided or committed them. What only an unfinished run explains
(a tail not anchored yet, a decision stored but not yet recorded) is a :class:`Suspect`:
the caller makes it a problem once it knows no run is advancing the case.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from exdesk.domain import FINAL_STATUSES, WAITING_STATUSES, ExceptionEvent
from exdesk.store.audit_log import CaseBundle, LedgerData, Row
from exdesk.store.canonical import canonical_json_v2, v1_readings
from exdesk.store.commitments import (
    APPROVAL_COLUMNS,
    EVENT_COLUMNS,
    OUTBOX_COLUMNS,
    PROJECTION_COLUMNS,
    row_digest,
)
from exdesk.store.decision_log import (
    GENESIS_HASH,
    digest,
    hash_fields_of,
    ledger_hash,
    record_hash_matches,
)
from exdesk.store.signing import SignatureCheck


@dataclass(frozen=True)
class AuditProblem:
    """One thing that does not verify, located as precisely as possible."""

    message: str
    case_id: str | None = None
    seq: int | None = None

    def __str__(self) -> str:
        where = "ledger" if self.case_id is None else f"case {self.case_id}"
        if self.seq is not None:
            where += f" record {self.seq}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Suspect:
    """A problem unless a run is advancing the case (or was, and has moved it on)."""

    bundle: CaseBundle
    problem: AuditProblem


@dataclass
class Coverage:
    """What the records could not vouch for: rows beside records written before release 2
    (no digest), counted so the report can say so."""

    approvals_without_digest: int = 0
    outbox_without_digest: int = 0
    events_by_inputs_digest: int = 0
    cases_status_only: int = 0
    unsigned_rows: int = 0
    signatures_unchecked: int = 0

    def lines(self) -> list[str]:
        """One sentence per gap, for the report."""
        said = []
        if self.approvals_without_digest:
            said.append(
                f"{self.approvals_without_digest} approvals were opened by records without an"
                " approval digest (before release 2): their proposal, role and excluded users"
                " are not checked"
            )
        if self.outbox_without_digest:
            said.append(
                f"{self.outbox_without_digest} outbox rows were committed by records without"
                " outbox digests (before release 2): their payload and recipient are not"
                " checked"
            )
        if self.events_by_inputs_digest:
            said.append(
                f"{self.events_by_inputs_digest} events were checked against their intake"
                " record's inputs digest, re-derived through today's event model (records"
                " before release 2)"
            )
        if self.unsigned_rows:
            said.append(
                f"{self.unsigned_rows} records and ledger entries carry no signature (written"
                " before release 2, or without the desk's key): the chain and the ledger vouch"
                " for them, not the key"
            )
        if self.signatures_unchecked:
            said.append(
                f"{self.signatures_unchecked} signatures were not checked: no public key was"
                " given (the desk's own, or --public-key offline)"
            )
        if self.cases_status_only:
            said.append(
                f"{self.cases_status_only} cases end in a record without a case digest (before"
                " release 2): only their status is checked against the log, not the other"
                " projection columns"
            )
        return said


@dataclass
class CaseFindings:
    """What checking the cases found."""

    signatures: SignatureCheck | None = None
    """The desk's public key; None checks no signature (but still wants them in order)."""
    unsigned_anchors: set[tuple[str, int]] = field(default_factory=set)
    """(case, seq) anchored by a ledger entry without a signature."""
    problems: list[AuditProblem] = field(default_factory=list)
    suspects: list[Suspect] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    records: int = 0


Anchors = dict[str, dict[int, str]]
"""Per case, the chain heads the ledger anchored: ``{case_seq: case_hash}``."""


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
    _check_event(bundle, found)
    _check_projection(bundle, found)
    _check_approvals(bundle, found)
    _check_outbox(bundle, found)
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


def _output(record: Row) -> dict[str, Any]:
    output = record["output"]
    return output if isinstance(output, dict) else {}


def _check_event(bundle: CaseBundle, found: CaseFindings) -> None:
    case_id, event = bundle.case_id, bundle.event
    intake = bundle.records[0]
    if intake["step"] != "intake":
        found.problems.append(AuditProblem("is not the case's intake", case_id, 1))
        return
    if event is None:
        found.problems.append(
            AuditProblem("its event row is missing (the case is hidden from the API)", case_id)
        )
        return
    output = _output(intake)
    said = {
        "tenant_id": intake["tenant_id"],
        "source": output.get("source"),
        "source_event_id": output.get("source_event_id"),
        "initiated_by": output.get("initiated_by"),
    }
    differing = [column for column, value in said.items() if event.get(column) != value]
    if differing:
        found.problems.append(
            AuditProblem(
                f"its event row's {', '.join(differing)} differ from its intake record", case_id, 1
            )
        )
        return
    committed = output.get("event_digest")
    if committed is not None:
        if row_digest(event, EVENT_COLUMNS) != committed:
            found.problems.append(
                AuditProblem(
                    "its event row differs from what the intake record digested", case_id, 1
                )
            )
        return
    found.coverage.events_by_inputs_digest += 1
    if intake["inputs_digest"] not in _event_digests_v1(event):
        found.problems.append(
            AuditProblem(
                "its event differs from the one the intake record digested (inputs digest)",
                case_id,
                1,
            )
        )


def _event_digests_v1(event: Row) -> set[str]:
    """The digests a release-1 intake may have taken of this stored event: of the event as
    submitted (every field, its tenant_id unset or the caller's), spelt as jsonb may have
    changed it."""
    payload = event["event"]
    digests: set[str] = set()
    for tenant in (None, event["tenant_id"]):
        try:
            model = ExceptionEvent.model_validate({**payload, "tenant_id": tenant})
        except ValueError:
            continue
        for reading in v1_readings(model.model_dump(mode="json")):
            digests.add(digest(reading))
    return digests


_STEP_STATUS: Final[dict[str, str]] = {
    "intake": "received",
    "classify": "classified",
    "escalate": "escalated",
    "execute": "executing",
    "fail": "failed",
}
"""The status a step always leaves the case in (others: see :func:`_status_after`)."""

DECIDED_STATUS: Final[dict[str, str]] = {
    "approve": "approved",
    "reject": "rejected",
    "edit": "edited",
}
"""An approval's status after each decision (``exdesk.policies.approvals.DECISION_STATUS``)."""


def _status_after(record: Row, status: str | None) -> str | None:
    """The case status a record leaves, given the one before it (records before release 2,
    which carry no case digest)."""
    step, output = record["step"], _output(record)
    if step in _STEP_STATUS:
        return _STEP_STATUS[step]
    if step in {"check_policies", "resolve"}:
        return str(output.get("status"))
    if step == "route" and output.get("approval_id"):
        return "awaiting_approval"
    if step == "approval_gate":
        decision = str(output.get("decision"))
        if output.get("kind") == "classification":
            return "rejected" if decision == "reject" else "classified"
        return DECIDED_STATUS.get(decision, status)
    return status


def _check_projection(bundle: CaseBundle, found: CaseFindings) -> None:
    case_id, case, last = bundle.case_id, bundle.case, bundle.records[-1]
    committed = last.get("case_digest")
    if committed is not None:
        if row_digest(case, PROJECTION_COLUMNS) != committed:
            found.problems.append(
                AuditProblem(
                    f"the case row (status {case['status']}) differs from what its last record"
                    f" ({last['seq']}) committed to: status or projection columns changed",
                    case_id,
                )
            )
        return
    found.coverage.cases_status_only += 1
    status: str | None = None
    for record in bundle.records:
        status = _status_after(record, status)
    if status != case["status"]:
        found.problems.append(
            AuditProblem(
                f"the case row says {case['status']} but its log leaves it {status}", case_id
            )
        )


def _same_json(left: Any, right: Any) -> bool:
    return canonical_json_v2(left) == canonical_json_v2(right)


def _check_approvals(bundle: CaseBundle, found: CaseFindings) -> None:
    case_id, problems = bundle.case_id, found.problems
    opened: dict[str, Row] = {}
    decided: dict[str, Row] = {}
    named: dict[str, Row] = {}
    for record in bundle.records:
        approval_id = _output(record).get("approval_id")
        if not approval_id:
            continue
        if record["step"] in {"route", "check_policies"}:
            opened[approval_id] = record
        elif record["step"] == "approval_gate":
            decided[approval_id] = record
        else:
            named[approval_id] = record
    rows = {row["approval_id"]: row for row in bundle.approvals}
    for approval_id, row in rows.items():
        opener = opened.get(approval_id)
        if opener is None or row["tenant_id"] != bundle.case["tenant_id"]:
            problems.append(
                AuditProblem(f"approval {approval_id} was not opened by any record", case_id)
            )
            continue
        committed = _output(opener).get("approval_digest")
        if committed is None:
            found.coverage.approvals_without_digest += 1
            if row["step_key"] != opener["step_key"]:
                problems.append(
                    AuditProblem(
                        f"approval {approval_id} names another step", case_id, opener["seq"]
                    )
                )
        elif row_digest(row, APPROVAL_COLUMNS) != committed:
            problems.append(
                AuditProblem(
                    f"approval {approval_id} differs from what the record that opened it"
                    " committed to (kind, role, proposal, reason, decisions, excluded users)",
                    case_id,
                    opener["seq"],
                )
            )
        _check_decision(bundle, row, decided.get(approval_id), found)
    for approval_id, record in [*opened.items(), *decided.items(), *named.items()]:
        if approval_id not in rows:
            problems.append(
                AuditProblem(
                    f"names approval {approval_id}, which is missing", case_id, record["seq"]
                )
            )


def _check_decision(bundle: CaseBundle, row: Row, gate: Row | None, found: CaseFindings) -> None:
    case_id, approval_id = bundle.case_id, row["approval_id"]
    if gate is None:
        if row["status"] != "pending" or row["decision"] is not None or row["decided_by"]:
            found.suspects.append(
                Suspect(
                    bundle,
                    AuditProblem(
                        f"approval {approval_id} is {row['status']} by {row['decided_by']} but no"
                        " approval_gate record holds that decision",
                        case_id,
                    ),
                )
            )
        return
    output = _output(gate)
    decision = output.get("decision")
    expected = {
        "status": DECIDED_STATUS.get(str(decision)),
        "decision": decision,
        "decided_by": output.get("user"),
        "comment": output.get("comment"),
    }
    differing = [column for column, value in expected.items() if row[column] != value]
    if not _same_json(row["edited_proposal"], output.get("edited_proposal")):
        differing.append("edited_proposal")
    if gate["actor"] != f"human:{output.get('user')}":
        differing.append("actor")
    if differing:
        found.problems.append(
            AuditProblem(
                f"approval {approval_id}'s {', '.join(differing)} differ from the decision this"
                f" approval_gate record holds ({decision} by {output.get('user')})",
                case_id,
                gate["seq"],
            )
        )


def _check_outbox(bundle: CaseBundle, found: CaseFindings) -> None:
    case_id, problems = bundle.case_id, found.problems
    committed: dict[str, tuple[Row, str | None]] = {}
    for record in bundle.records:
        if record["step"] != "execute":
            continue
        output = _output(record)
        digests = output.get("outbox_digests") or {}
        for outbox_id in output.get("outbox_ids") or []:
            committed[outbox_id] = (record, digests.get(outbox_id))
    rows = {row["outbox_id"]: row for row in bundle.outbox}
    for outbox_id, row in rows.items():
        if outbox_id not in committed or row["tenant_id"] != bundle.case["tenant_id"]:
            problems.append(
                AuditProblem(f"outbox {outbox_id} was not committed by any execute record", case_id)
            )
            continue
        record, expected = committed[outbox_id]
        if expected is None:
            found.coverage.outbox_without_digest += 1
        elif row_digest(row, OUTBOX_COLUMNS) != expected:
            problems.append(
                AuditProblem(
                    f"outbox {outbox_id} differs from what this execute record committed to"
                    " (kind, recipient, payload)",
                    case_id,
                    record["seq"],
                )
            )
    for outbox_id, (record, _) in committed.items():
        if outbox_id not in rows:
            problems.append(
                AuditProblem(
                    f"committed outbox {outbox_id}, which is missing", case_id, record["seq"]
                )
            )


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
