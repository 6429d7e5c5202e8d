"""What a reviewer reads: a work queue, one case with what its approver must see (the
draft's request and recipient, the classification threshold), a draft checked before it is
submitted, and the decision log searched. The console calls here; rules stay in policies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from exdesk.domain import Case, CustomerDraft, DraftRequest, DraftStep
from exdesk.policies.claims import Claim, check_claims, read_claims
from exdesk.policies.draft_guard import check_draft
from exdesk.store.network import NetworkReader
from exdesk.store.queue import Queue, QueueFilter, read_queue
from exdesk.store.record_search import FoundRecord, RecordFilter, search_records
from exdesk.tools.precedents import Precedent

if TYPE_CHECKING:
    from exdesk.service.desk import ExceptionDesk


@dataclass(frozen=True)
class CaseReview:
    """One case with what its reviewer needs beside it."""

    case: Case
    threshold: float | None
    """The confidence the case's category needs to route without a person."""
    request: DraftRequest | None
    """What the newest draft answers: the facts it may state."""
    recipient: str | None
    """Who the draft goes to: the contact on file of the case's customer."""
    customer_id: str | None
    """The case's customer: the event's, else the one the network named for it."""
    similar: list[Precedent] = field(default_factory=list)
    draft: CustomerDraft | None = None
    """The draft as it stands: the newest message approval's (an edit included), else the
    case's."""
    claims: list[Claim] = field(default_factory=list)
    """What the current draft states, each with the fact behind it (or why none is)."""


def work_queue(desk: ExceptionDesk, tenant_id: str, wanted: QueueFilter, limit: int) -> Queue:
    """A queue (see :func:`exdesk.store.queue.read_queue`), deadlines from the policy's SLA."""
    sla = timedelta(hours=desk.policy.escalation.approval_sla_hours)
    with desk.db.connection() as conn:
        return read_queue(conn, tenant_id, wanted, sla=sla, limit=limit)


def review_case(desk: ExceptionDesk, tenant_id: str, case_id: str) -> CaseReview:
    """The case, its threshold, its draft's request and recipient, similar closed cases."""
    case = desk.case(tenant_id, case_id)
    category = case.classification.category if case.classification else None
    threshold = desk.policy.thresholds.for_category(category) if category else None
    request = next(
        (
            record.output.request
            for record in reversed(case.decisions)
            if isinstance(record.output, DraftStep)
        ),
        None,
    )
    recipient = None
    customer_id = case.event.customer_id or _enriched_customer(case)
    if customer_id:
        with desk.db.connection() as conn:
            customer = NetworkReader(conn, tenant_id).customer(customer_id)
        recipient = str(customer.contact.email) if customer and customer.contact else None
    try:
        similar = desk.precedents.similar(tenant_id, case, 3)
    except Exception:  # similar cases are a help, never a reason the page fails
        similar = []
    draft = next(
        (
            a.proposal
            for a in reversed(case.approvals)
            if a.kind == "customer_message" and isinstance(a.proposal, CustomerDraft)
        ),
        case.draft,
    )
    claims = read_claims(draft, request) if draft and request else []
    return CaseReview(case, threshold, request, recipient, customer_id, similar, draft, claims)


def _enriched_customer(case: Case) -> str | None:
    for record in case.decisions:
        customer = getattr(record.output, "customer_id", None)
        if record.step == "enrich" and customer:
            return str(customer)
    return None


def draft_problems(draft: CustomerDraft, request: DraftRequest | None) -> list[str]:
    """What the content rules and the claim checker say of an edited draft (empty: it may be
    submitted). The workflow checks the submitted draft again; this is the same check, early."""
    if request is None:
        return []
    found = [v.message for v in check_draft(draft, request)]
    found += [v.message for v in check_claims(draft, request)]
    return list(dict.fromkeys(found))


def search_log(
    desk: ExceptionDesk, tenant_id: str, wanted: RecordFilter, limit: int = 500
) -> list[FoundRecord]:
    """Decision records of the tenant matching the filter, newest first."""
    with desk.db.connection() as conn:
        return search_records(conn, tenant_id, wanted, limit=limit)
