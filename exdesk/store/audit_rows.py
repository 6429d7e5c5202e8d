"""The checks of the rows beside the records: the event row, the case row's projection,
the approvals and the outbox, each against the records that committed to them."""

from __future__ import annotations

from typing import Any, Final

from exdesk.domain import ExceptionEvent
from exdesk.store.audit_findings import AuditProblem, CaseFindings, Suspect
from exdesk.store.audit_log import CaseBundle, Row
from exdesk.store.canonical import canonical_json_v2, v1_readings
from exdesk.store.commitments import (
    APPROVAL_COLUMNS,
    EVENT_COLUMNS,
    OUTBOX_COLUMNS,
    PROJECTION_COLUMNS,
    row_digest,
)
from exdesk.store.record_hashes import digest


def _output(record: Row) -> dict[str, Any]:
    output = record["output"]
    return output if isinstance(output, dict) else {}


def check_event(bundle: CaseBundle, found: CaseFindings) -> None:
    """The event row exists and is the one the intake record committed to."""
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


def check_projection(bundle: CaseBundle, found: CaseFindings) -> None:
    """The case row's status and projection are those its last record committed to."""
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


def check_approvals(bundle: CaseBundle, found: CaseFindings) -> None:
    """Each approval was opened by a record that committed to what it asks, and its
    decision, if any, is the one an ``approval_gate`` record holds."""
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
        "decided_via": output.get("via"),
        "decided_via_key": output.get("via_key"),
    }
    # rows exported before release 2's console have no decided_via columns
    differing = [column for column, value in expected.items() if row.get(column) != value]
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


def check_outbox(bundle: CaseBundle, found: CaseFindings) -> None:
    """Each outbox row was committed, as it stands, by an ``execute`` record."""
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
