"""``exdesk eval import``: decided cases become labelled datasets.

What people approved, edited or rejected is the best label there is. Reading every case of a
tenant through :class:`~exdesk.service.ExceptionDesk`, this writes three datasets in the
evaluation formats (README "Evaluations"):

* ``classifier/decided.jsonl`` — a classification sample per case whose category a person
  confirmed: a triage decision (approved: the proposed category; edited: the person's), or an
  approved or edited later stage (the person acted on the case under its category). A
  rejection says nothing about the category and is left out.
* ``extractor/decided.jsonl`` — an extraction sample per document a person approved or
  whose resolution they edited (the reading was accepted): the approved reading's non-empty
  fields, lines and discrepancies, with the order looked up in the tenant's network.
* ``drafter/decided.jsonl`` — a draft case per customer message decided: the request, the
  approved (or edited) draft as the reference and its facts as the required ones; a rejected
  draft is kept with ``decision: reject`` and no reference.

Each sample's ``metadata`` names the case, the decision, who made it and when
(``origin: decided-cases``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from exdesk.domain import (
    Approval,
    Case,
    ClassificationEdit,
    ClassificationProposal,
    CustomerDraft,
    DocumentProposal,
    DraftStep,
)
from exdesk.service import ExceptionDesk
from exdesk.store.cases import CaseFilter
from exdesk.store.network import NetworkReader

PAGE = 200
_LINE_FIELDS = ("sku", "buyer_sku", "description", "qty", "unit_price", "amount")


def decided_cases(desk: ExceptionDesk, tenant: str) -> Iterator[Case]:
    """Every case of the tenant with at least one decided approval, with its decisions."""
    cursor: str | None = None
    while True:
        page = desk.cases(tenant, CaseFilter(), limit=PAGE, cursor=cursor)
        for listed in page.cases:
            if any(a.status != "pending" for a in listed.approvals):
                yield desk.case(tenant, listed.case_id)
        cursor = page.next_cursor
        if cursor is None:
            return


def _metadata(case: Case, approval: Approval) -> dict[str, str]:
    decided_at = approval.decided_at.isoformat() if approval.decided_at else "?"
    return {
        "origin": "decided-cases",
        "provenance": (
            f"tenant {case.tenant_id} case {case.case_id}: {approval.kind} "
            f"{approval.decision} by {approval.decided_by} at {decided_at}"
        ),
        "licence": "internal",
        "decision": str(approval.decision),
        "source": case.event.source,
    }


def _decided(case: Case, kind: str) -> Approval | None:
    """The last decided approval of a kind."""
    found = [a for a in case.approvals if a.kind == kind and a.status != "pending"]
    return found[-1] if found else None


def classification_sample(case: Case) -> dict[str, Any] | None:
    """The case's event labelled with the category a person confirmed, or None."""
    category = None
    triage = _decided(case, "classification")
    if triage is not None and triage.decision == "edit":
        assert isinstance(triage.edited_proposal, ClassificationEdit)
        category = triage.edited_proposal.category
    elif triage is not None and triage.decision == "approve":
        assert isinstance(triage.proposal, ClassificationProposal)
        category = triage.proposal.category
    confirming = triage if category is not None else None
    if confirming is None and case.classification is not None:
        confirming = next(
            (
                a
                for a in reversed(case.approvals)
                if a.kind != "classification" and a.decision in ("approve", "edit")
            ),
            None,
        )
        category = case.classification.category if confirming else None
    if confirming is None or category is None:
        return None
    event = case.event
    return {
        "id": f"case-{case.case_id}",
        "category": category,
        "source": event.source,
        "summary": event.summary,
        "order_id": event.order_id,
        "shipment_id": event.shipment_id,
        "customer_id": event.customer_id,
        "sku": event.sku,
        "warehouse_id": event.warehouse_id,
        "document": event.document.model_dump(mode="json") if event.document else None,
        "attributes": event.attributes,
        "informational": False,
        "metadata": _metadata(case, confirming),
    }


def extraction_sample(case: Case, desk: ExceptionDesk) -> dict[str, Any] | None:
    """The document as read and accepted by a person, or None."""
    approval = _decided(case, "document")
    document = case.event.document
    if approval is None or approval.decision == "reject" or document is None:
        return None
    assert isinstance(approval.proposal, DocumentProposal)
    extraction = approval.proposal.extraction
    if extraction is None:
        return None
    fields = extraction.fields.model_dump(mode="json", exclude={"lines", "extra", "ack_errors"})
    order = None
    if case.event.order_id:
        with desk.db.connection() as conn:
            found = NetworkReader(conn, case.tenant_id).order(case.event.order_id)
        order = found.model_dump(mode="json") if found else None
    expected: dict[str, Any] = {
        "doc_type": extraction.doc_type,
        "fields": {k: v for k, v in fields.items() if v is not None},
        "lines": [
            {
                k: v
                for k, v in line.model_dump(mode="json").items()
                if k in _LINE_FIELDS and v is not None
            }
            for line in extraction.fields.lines
        ],
    }
    if order is not None:
        expected["discrepancies"] = [
            {
                k: v
                for k, v in {"kind": d.kind, "line_no": d.line_no, "sku": d.sku}.items()
                if v is not None
            }
            for d in extraction.discrepancies
        ]
    return {
        "id": f"case-{case.case_id}",
        "document": {"kind": document.kind, "name": document.name, "content": document.content},
        "order": order,
        "expected": expected,
        "metadata": {**_metadata(case, approval), "layout": document.kind},
    }


def draft_sample(case: Case) -> dict[str, Any] | None:
    """The drafter's request with the decided draft as the reference, or None."""
    approval = _decided(case, "customer_message")
    step = next(
        (d.output for d in reversed(case.decisions) if isinstance(d.output, DraftStep)), None
    )
    if approval is None or step is None:
        return None
    reference: CustomerDraft | None = None
    if approval.decision == "approve":
        assert isinstance(approval.proposal, CustomerDraft)
        reference = approval.proposal
    elif approval.decision == "edit":
        assert isinstance(approval.edited_proposal, CustomerDraft)
        reference = approval.edited_proposal
    request = step.request
    return {
        "id": f"case-{case.case_id}",
        "request": request.model_dump(mode="json"),
        "required_facts": [f.name for f in reference.facts_used] if reference else [],
        "answers": None,
        "forbidden_identifiers": [],
        "reference": reference.model_dump(mode="json") if reference else None,
        "decision": approval.decision,
        "note": approval.comment or "",
        "metadata": {
            **_metadata(case, approval),
            "category": request.category,
            "tier": request.tier,
            "locale": request.locale,
            "language": request.locale[:2],
        },
    }


def import_decided_cases(desk: ExceptionDesk, tenant: str, out: Path) -> dict[str, int]:
    """Write the three datasets under ``out``; returns how many samples each holds."""
    rows: dict[str, list[dict[str, Any]]] = {
        "classifier/decided.jsonl": [],
        "extractor/decided.jsonl": [],
        "drafter/decided.jsonl": [],
    }
    for case in decided_cases(desk, tenant):
        for name, sample in (
            ("classifier/decided.jsonl", classification_sample(case)),
            ("extractor/decided.jsonl", extraction_sample(case, desk)),
            ("drafter/decided.jsonl", draft_sample(case)),
        ):
            if sample is not None:
                rows[name].append(sample)
    for name, samples in rows.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in samples), encoding="utf-8"
        )
    return {name: len(samples) for name, samples in rows.items()}
