"""What the bounded agents propose (CONTRACT §3). Models only propose; the workflow decides."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from exdesk.domain._base import Confidence, ContractModel, Currency, Identifier, Money, SignedMoney
from exdesk.domain.network import CustomerTier, ServiceLevel
from exdesk.domain.taxonomy import Category

EngineName = Literal["local", "openai"]
"""Which implementation of an agent produced a proposal."""


# --- classifier -------------------------------------------------------------------------------


class ClassificationProposal(ContractModel):
    """The classifier's answer: one category, a calibrated confidence and why."""

    category: Category
    confidence: Confidence
    rationale: str
    alternatives: dict[Category, Confidence] = Field(
        default_factory=dict, description="Probability of the runner-up categories."
    )


# --- document extractor -----------------------------------------------------------------------

DocType = Literal[
    "purchase_order",
    "po_acknowledgment",
    "ship_notice",
    "invoice",
    "functional_ack",
    "packing_slip",
    "bill_of_lading",
    "unknown",
]
"""What a document is in business terms: X12 850 is a ``purchase_order``, 855 a
``po_acknowledgment``, 856 and text ASNs a ``ship_notice``, 810 and text invoices an
``invoice``, 997/999 a ``functional_ack``."""

DiscrepancyKind = Literal[
    "missing_line", "extra_line", "qty", "sku", "unit_price", "total", "po_number", "other"
]


class ExtractedLine(ContractModel):
    """One line item read from a document."""

    line_no: int | None = None
    sku: str | None = None
    buyer_sku: str | None = None
    description: str | None = None
    qty: float | None = None
    uom: str | None = None
    unit_price: SignedMoney | None = None
    amount: SignedMoney | None = None


class AckError(ContractModel):
    """One error reported by a 997/999 functional acknowledgment."""

    level: Literal["group", "transaction", "segment", "element"]
    code: str
    description: str
    segment_id: str | None = None
    segment_position: int | None = None
    element_position: int | None = None
    transaction_control_number: str | None = None


class ExtractedFields(ContractModel):
    """The fields a document yields; any of them may be absent."""

    po_number: str | None = None
    invoice_number: str | None = None
    shipment_id: str | None = None
    ship_date: date | None = None
    document_date: date | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    bill_of_lading_number: str | None = None
    ship_to_name: str | None = None
    currency: Currency | None = None
    total_amount: SignedMoney | None = None
    total_qty: float | None = None
    lines: list[ExtractedLine] = Field(default_factory=list)
    ack_status: (
        Literal["accepted", "accepted_with_errors", "partially_accepted", "rejected"] | None
    ) = None
    ack_errors: list[AckError] = Field(default_factory=list)
    acknowledged_group_control_number: str | None = None
    acknowledged_functional_id: str | None = None
    sender_id: str | None = None
    receiver_id: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class Discrepancy(ContractModel):
    """Where a document disagrees with the PO/order, with the values on both sides."""

    kind: DiscrepancyKind
    line_no: int | None = None
    sku: str | None = None
    expected: str | None = Field(default=None, description="The PO/order's value.")
    actual: str | None = Field(default=None, description="The document's value.")
    message: str


class DocumentExtraction(ContractModel):
    """The document extractor's answer."""

    doc_type: DocType
    format: Literal["x12", "text"]
    x12_transaction_set: str | None = None
    fields: ExtractedFields
    confidence: dict[str, Confidence] = Field(
        default_factory=dict, description="Per-field confidence, keyed by field name."
    )
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    warnings: list[str] = Field(
        default_factory=list,
        description="Things a reviewer should see: failed totals, suspicious instructions…",
    )


# --- fulfillment recommender ------------------------------------------------------------------

FulfillmentAction = Literal[
    "ship_from_alternate_dc",
    "split_shipment",
    "backorder",
    "substitute_sku",
    "expedite",
    "reship",
    "cancel_duplicate",
    "hold_for_inbound",
]
"""A remediation the recommender may propose (ops approves it above the policy limit)."""


class Allocation(ContractModel):
    """Units of one SKU an option would take from one warehouse."""

    line_no: int
    sku: Identifier
    qty: int = Field(ge=1)
    warehouse_id: Identifier
    substitute_for: Identifier | None = None


class FulfillmentOption(ContractModel):
    """One feasible way to fulfil the order despite the exception."""

    action: FulfillmentAction
    warehouse_id: Identifier | None = None
    carrier: Identifier | None = None
    service: ServiceLevel | None = None
    eta: date | None = None
    meets_promise: bool
    cost: Money
    currency: Currency = "USD"
    rationale: str
    allocations: list[Allocation] = Field(default_factory=list)


class FulfillmentRecommendation(ContractModel):
    """Ranked options, best first (meets the promise first, then lowest cost)."""

    options: list[FulfillmentOption]
    rationale: str


# --- customer drafter -------------------------------------------------------------------------


class FactUsed(ContractModel):
    """One fact a draft states, named as the case holds it."""

    name: str
    value: str


class CustomerDraft(ContractModel):
    """A customer message for a CS rep to review; never sent without approval."""

    channel: Literal["email"] = "email"
    locale: str = "en-US"
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=20_000)
    facts_used: list[FactUsed]


class DraftRequest(ContractModel):
    """The case's category and the facts the workflow approved for the customer's eyes.

    ``facts`` is the whole truth the draft may state: names such as ``order_id``,
    ``items``, ``new_eta``, ``carrier``, ``tracking_number``, ``next_step``, ``rma_id``.
    Nothing else — no cost, no other customer, no internal system name — is given.
    """

    case_id: str
    category: Category
    tier: CustomerTier = "standard"
    locale: str = "en-US"
    recipient_name: str | None = None
    customer_name: str | None = None
    facts: dict[str, str] = Field(default_factory=dict)


# --- workflow proposals (deterministic, no agent) ---------------------------------------------

CreditAction = Literal["release_hold", "keep_hold"]
"""What finance decides for an order on credit hold."""


class CreditReview(ContractModel):
    """The workflow's credit proposal: exposure against the limit, for finance to decide."""

    action: CreditAction
    customer_id: Identifier | None = None
    order_id: Identifier | None = None
    credit_limit: Money | None = None
    balance: SignedMoney | None = None
    order_value: Money | None = None
    exposure: SignedMoney | None = None
    currency: Currency = "USD"
    rationale: str


DocumentAction = Literal[
    "request_corrected_document", "resubmit_transmission", "accept_document", "record_only"
]
"""What happens after a document exception: ask the partner for a corrected document,
have the transmission re-sent, accept the document as it is, or just record it."""


class DocumentResolution(ContractModel):
    """The workflow's proposal for a document exception."""

    action: DocumentAction
    partner_message: str | None = None
    rationale: str


# --- what each stage carries, and what a person may put in its place -------------------------


class DocumentProposal(ContractModel):
    """The document stage's proposal: what was read (or why nothing could be) and what to do."""

    extraction: DocumentExtraction | None = None
    error: str | None = Field(default=None, description="Why the document could not be read.")
    resolution: DocumentResolution


class CustomerMessageProposal(ContractModel):
    """The customer-message stage's proposal: the draft and the request it answers (the facts
    it may state)."""

    draft: CustomerDraft
    request: DraftRequest


class ClassificationEdit(ContractModel):
    """A person's classification of a case in triage."""

    category: Category
