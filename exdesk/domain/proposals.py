"""What the bounded agents propose (CONTRACT §3). Models only propose; the workflow decides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Final, Literal, TypeVar

from pydantic import ConfigDict, Field, PlainSerializer, field_validator, model_validator

from exdesk.domain._base import Confidence, ContractModel, Currency, Identifier, Money, SignedMoney
from exdesk.domain.network import CustomerTier, ServiceLevel
from exdesk.domain.taxonomy import Category

EngineName = Literal["local", "openai"]
"""Which implementation of an agent produced a proposal."""

EngineChoice = Literal["local", "openai", "cascade", "shadow"]
"""What ``EXDESK_<AGENT>_ENGINE`` selects: one engine, or two combined. ``cascade``: the
local engine first, the model only when the local answer is uncertain; ``shadow``: the
local engine decides, the model runs alongside and is only recorded."""

FallbackChoice = Literal["local", "triage"]
"""What a model engine's agent uses when the model fails: the local engine's answer, or a
proposal that sends the case to a person (``triage``)."""


# --- classifier -------------------------------------------------------------------------------


class ClassificationProposal(ContractModel):
    """The classifier's answer: one category, a calibrated confidence and why."""

    category: Category
    confidence: Confidence
    rationale: str
    alternatives: dict[Category, Confidence] = Field(
        default_factory=dict, description="Probability of the runner-up categories."
    )
    informational: bool = Field(
        default=False,
        description="The event reports routine progress (out for delivery, a 997 that "
        "accepts), not an exception; its category is then `other`.",
    )
    signal: str | None = Field(
        default=None,
        description="The structured code that decided, e.g. `x12-214:X6/AJ` or `997:AK5=A`; "
        "None when the text model decided.",
    )
    out_of_distribution: bool = Field(
        default=False,
        description="The event is unlike anything the classifier learned from (unknown "
        "language, too short, far from its training data); its confidence was lowered.",
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


AckStatus = Literal["accepted", "accepted_with_errors", "partially_accepted", "rejected"]
"""How a partner acknowledged what it received: an 855 for a PO, a 997/999 for a functional
group, a TA1 for interchanges (some accepted and some rejected is ``partially_accepted``)."""


class AckError(ContractModel):
    """One error reported by an acknowledgment: X12 997/999, EDIFACT CONTRL or APERAK."""

    level: Literal["interchange", "group", "transaction", "segment", "element"]
    code: str
    description: str
    segment_id: str | None = None
    segment_position: int | None = None
    element_position: int | None = None
    transaction_control_number: str | None = None


_ValueT = TypeVar("_ValueT")

Sparse = Annotated[_ValueT | None, Field(exclude_if=lambda value: value is None)]
"""A detail left out of the JSON while it is None.

The extraction details were a free ``dict`` before they were typed, and stored decision
records (hashed over their JSON) hold them: a key the dict did not have must not come back
as ``null``. Fields that are not ``Sparse`` were always in the dict, null or not."""

DecimalText = Annotated[
    Decimal, PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json")
]
"""A decimal as written on the document, a decimal string on the wire; unlike ``Money`` it
has no bound, since the document's amounts were stored as they came."""


class _Details(ContractModel):
    """Base of the extraction details: strings are kept exactly as the document has them."""

    model_config = ConfigDict(str_strip_whitespace=False, use_attribute_docstrings=True)


class X12Envelope(_Details):
    """The envelope an X12 transaction set (or a TA1 interchange acknowledgment) came in."""

    interchange_control_number: Sparse[str] = None
    """ISA13."""
    group_control_number: Sparse[str] = None
    """GS06 (absent for a TA1, which travels outside any group)."""
    functional_id: Sparse[str] = None
    """GS01, e.g. ``PO``, ``SH``, ``IN``, ``FA``."""
    version: Sparse[str] = None
    """GS08 (for a TA1, the interchange's ISA12)."""
    transaction_set_control_number: Sparse[str] = None
    """ST02."""


class EdifactEnvelope(_Details):
    """The envelope a UN/EDIFACT message came in (UNB/UNG/UNH)."""

    syntax: Sparse[str] = None
    """UNB S001, e.g. ``UNOC:3``."""
    interchange_control_reference: Sparse[str] = None
    """UNB 0020."""
    group_reference: Sparse[str] = None
    """UNG 0048, when the message travelled in a functional group."""
    message_reference: Sparse[str] = None
    """UNH 0062."""
    message_type: Sparse[str] = None
    """UNH S009 type, e.g. ``ORDERS``, ``INVOIC``."""
    version: Sparse[str] = None
    """UNH S009 version and release, e.g. ``D96A``."""
    association_code: Sparse[str] = None
    """UNH S009 association assigned code, e.g. ``EAN008``."""


class ExtractedParty(_Details):
    """One X12 N1 loop (with its N2/N3/N4) or EDIFACT NAD; empty elements are left out."""

    code: Sparse[str] = None
    """N101 / NAD 3035 party code: ``ST``/``DP`` ship-to, ``BY`` buyer, ``SF``/``SU``…"""
    name: Sparse[str] = None
    """N102, followed by N201 when there is one."""
    id_qualifier: Sparse[str] = None
    """N103, what kind of ID ``id`` is (``92`` assigned by buyer, ``1`` DUNS…)."""
    id: Sparse[str] = None
    """N104."""
    address: Sparse[str] = None
    """N301/N302 lines joined with ``, ``."""
    city: Sparse[str] = None
    """N401."""
    state: Sparse[str] = None
    """N402."""
    postal_code: Sparse[str] = None
    """N403."""
    country: Sparse[str] = None
    """N404."""


class ShipmentPackaging(_Details):
    """An 856 shipment's TD1 (empty elements are left out)."""

    packaging: Sparse[str] = None
    """TD101 packaging code, e.g. ``CTN25``."""
    lading_quantity: Sparse[str] = None
    """TD102, how many packages."""
    weight: Sparse[str] = None
    """TD107."""
    weight_unit: Sparse[str] = None
    """TD108, e.g. ``LB``."""


class LineStatus(_Details):
    """What an 855 says about one PO line (its ACK segments)."""

    line_no: int | None = None
    """The PO1 line number."""
    status: str | None = None
    """The first ACK01 status code (``IA`` accepted, ``IR`` rejected…), None without ACK."""
    statuses: list[str] = Field(default_factory=list)
    """Every ACK01 code of the line."""
    description: str | None = None
    """The statuses in words, joined with ``; ``."""
    ordered_qty: float | None = None
    """The quantity as ordered (PO102)."""
    acknowledged_qty: float | None = None
    """The quantity the supplier accepts (ACK02 of accepting statuses; 0 when rejected)."""


class AcknowledgedTransaction(_Details):
    """One transaction set a 997/999 acknowledges (AK2/IK2 with its AK5/IK5)."""

    transaction_set: str | None = None
    """AK201, e.g. ``850``."""
    name: str | None = None
    """The transaction set's name, None when it is not a known set."""
    control_number: str | None = None
    """AK202, the acknowledged ST02."""
    status: str | None = None
    """AK501/IK501 (``A``, ``E``, ``R``…), None when the set has no AK5/IK5."""
    status_description: Sparse[str] = None
    """The status in words (only with an AK5/IK5)."""


class AcknowledgedInterchange(_Details):
    """One interchange a TA1 acknowledges."""

    control_number: str | None = None
    """TA101, the acknowledged ISA13."""
    status: str | None = None
    """TA104: ``A`` accepted, ``E`` accepted with errors, ``R`` rejected."""
    status_description: str | None = None
    """The status in words."""
    note_code: str | None = None
    """TA105 (``000`` no error)."""


class OtherTransaction(_Details):
    """A transaction set of the same file that the extraction is not about, in brief."""

    transaction_set: Sparse[str] = None
    """ST01, e.g. ``856``."""
    control_number: Sparse[str] = None
    """ST02."""
    doc_type: Sparse[DocType] = None
    """What the transaction set is in business terms."""
    po_number: Sparse[str] = None
    """Its PO number."""
    invoice_number: Sparse[str] = None
    """Its invoice number."""
    shipment_id: Sparse[str] = None
    """Its shipment ID."""
    ack_status: Sparse[AckStatus] = None
    """Its acknowledgment status (997/999/855/TA1)."""
    lines: Sparse[int] = None
    """How many line items it has."""


SkuResolutionMethod = Literal["identifier", "description"]
"""How a line's SKU was found: through another identifier the line carries (buyer part,
GTIN…) that the order or catalog knows, or through its description."""


class ResolvedSku(_Details):
    """A line whose SKU was found through another identifier or its description."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    line_no: int | None = None
    """The document line."""
    from_: str | None = Field(default=None, alias="from")
    """The SKU the document gives (``from`` in JSON), None when it gives none."""
    to: str | None = None
    """The known SKU (order or catalog) the line is about."""
    by: SkuResolutionMethod | None = None
    """How it was found."""


LineTableMethod = Literal["header", "pattern"]
"""How a text document's line items were found: under a header row naming the columns, or
as header-less rows of a known shape."""


class LineTable(_Details):
    """How a text document's line items were read."""

    method: LineTableMethod | None = None
    """How the lines were found."""
    columns: list[str] = Field(default_factory=list)
    """The header's columns by kind (``sku``, ``qty``, ``unit_price``, ``other``…)."""


class ExtractedDetails(_Details):
    """What a document says beyond the contract's fields; only what it holds is written."""

    x12_envelope: Sparse[X12Envelope] = None
    """Where an X12 transaction set travelled (interchange, group, set control numbers)."""
    edifact_envelope: Sparse[EdifactEnvelope] = None
    """Where an EDIFACT message travelled (interchange, group, message reference)."""
    message_function: Sparse[str] = None
    """An EDIFACT message's BGM function code (1225: ``9`` original, ``29`` accepted…)."""
    message_function_description: Sparse[str] = None
    """The function code in words."""
    pdf_pages: Sparse[int] = None
    """How many pages a PDF document has."""
    parties: Sparse[list[ExtractedParty]] = None
    """The N1 loops of an X12 heading (850/855/810) or shipment level (856)."""
    references: Sparse[dict[str, str]] = None
    """X12 REF / EDIFACT RFF qualifier → its first value (``BM`` bill of lading, ``ON``…)."""
    line_ids: Sparse[list[dict[str, str]]] = None
    """Each X12 line's product IDs, qualifier → ID (``VP`` vendor part, ``UP`` UPC…)."""
    line_statuses: Sparse[list[LineStatus]] = None
    """Each 855 line's acknowledgment."""
    po_numbers: Sparse[list[str]] = None
    """Every PO an 856 ships against, when it covers more than one."""
    invoice_numbers: Sparse[list[str]] = None
    """The invoice numbers an 856's order levels name (REF*IV)."""
    line_po_numbers: Sparse[list[str | None]] = None
    """The PO of each 856 item, parallel to ``lines``."""
    line_packs: Sparse[list[str | None]] = None
    """The SSCC of the pack each 856 item is in, parallel to ``lines``."""
    packaging: Sparse[ShipmentPackaging] = None
    """The 856 shipment's packages and weight (TD1)."""
    routing: Sparse[str] = None
    """The 856 routing text (TD505) when the carrier was named by its SCAC."""
    estimated_delivery_date: Sparse[date] = None
    """The 856's expected delivery (DTM 017 or 067)."""
    requested_delivery_date: Sparse[date] = None
    """The 850's requested delivery (DTM 002 or 064)."""
    po_type: Sparse[str] = None
    """BEG02 of an 850 (``SA`` stand-alone, ``BK`` blanket…)."""
    po_date: Sparse[str] = None
    """The PO's date as the 810 (BIG03) or 855 (BAK04) writes it, ``CCYYMMDD``."""
    transaction_type: Sparse[str] = None
    """BIG07 of an 810 (``CR`` credit memo, ``DI`` debit invoice…)."""
    seller_order_number: Sparse[str] = None
    """BAK08 of an 855."""
    acknowledgment_type: Sparse[str] = None
    """BAK02 of an 855 (``AC``, ``AD``, ``RJ``…)."""
    acknowledgment_type_description: Sparse[str] = None
    """BAK02 in words."""
    group_status: Sparse[str] = None
    """AK901 of a 997/999 (``A``, ``E``, ``P``, ``R``…)."""
    group_status_description: Sparse[str] = None
    """AK901 in words."""
    transaction_sets_included: Sparse[int] = None
    """AK902: how many transaction sets the acknowledged group held."""
    transaction_sets_received: Sparse[int] = None
    """AK903: how many were received."""
    transaction_sets_accepted: Sparse[int] = None
    """AK904: how many were accepted."""
    acknowledged_transactions: Sparse[list[AcknowledgedTransaction]] = None
    """Each transaction set a 997/999 acknowledges."""
    acknowledged_interchanges: Sparse[list[AcknowledgedInterchange]] = None
    """Each interchange a TA1 acknowledges."""
    other_transactions: Sparse[list[OtherTransaction]] = None
    """The file's other transaction sets, when it holds more than this one."""
    sku_resolutions: Sparse[list[ResolvedSku]] = None
    """Lines whose SKU was resolved through the order or the catalog."""
    line_table: Sparse[LineTable] = None
    """How a text document's line items were read."""
    subtotal: Sparse[DecimalText] = None
    """A text document's subtotal."""
    tax: Sparse[DecimalText] = None
    """A text document's tax (VAT, GST…)."""
    shipping: Sparse[DecimalText] = None
    """A text document's shipping or freight charge."""
    discount: Sparse[DecimalText] = None
    """A text document's discount (as written, sign included)."""


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
    ack_status: AckStatus | None = None
    ack_errors: list[AckError] = Field(default_factory=list)
    acknowledged_group_control_number: str | None = None
    acknowledged_functional_id: str | None = None
    sender_id: str | None = None
    receiver_id: str | None = None
    extra: ExtractedDetails = Field(default_factory=ExtractedDetails)
    """Details beyond these fields (the name and JSON shape predate their typing)."""


class Discrepancy(ContractModel):
    """Where a document disagrees with the PO/order, with the values on both sides."""

    kind: DiscrepancyKind
    line_no: int | None = None
    sku: str | None = None
    expected: str | None = Field(default=None, description="The PO/order's value.")
    actual: str | None = Field(default=None, description="The document's value.")
    message: str


DocumentDirection = Literal["inbound", "outbound"]
"""Who sent a document (CONTRACT §7): ``inbound`` a partner sent it to us, ``outbound`` we
sent it (or were about to)."""

DocumentFormat = Literal["x12", "edifact", "text", "pdf"]
"""How the extracted document was read: X12 segments, EDIFACT segments, text, or the text
layer of a PDF."""


class DocumentExtraction(ContractModel):
    """The document extractor's answer."""

    doc_type: DocType
    format: DocumentFormat
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
    direction: DocumentDirection | None = None
    """Who sent the document: from the input when it says, else its envelope (ISA/GS or UNB
    sender against our own EDI ids) or its letterhead; None when nothing tells."""
    acknowledged_direction: DocumentDirection | None = None
    """For an acknowledgment (997/999/TA1/CONTRL/855): who sent the document it answers —
    the opposite of the acknowledgment's own direction."""


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
    "monitor",
]
"""A remediation the recommender may propose (ops approves it above the policy limit).
``expedite`` is a faster service for freight already in the carrier's network;
``monitor`` watches a shipment whose promise still holds (or waits for it) and spends
nothing."""


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
    """The freight: what the option's shipments cost the carrier's way."""
    goods_cost: Money = Decimal("0.00")
    """Goods the option sends on top of the order's own (a replacement), at cost."""
    fees: Money = Decimal("0.00")
    """Anything else it spends (a carrier's service change fee…)."""
    total_cost: Money | None = None
    """Everything the option spends: ``cost + goods_cost + fees`` (computed when absent,
    refused when it disagrees). The auto-approve limit applies to it."""
    currency: Currency = "USD"
    rationale: str
    allocations: list[Allocation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _total_is_the_sum(self) -> FulfillmentOption:
        total = self.cost + self.goods_cost + self.fees
        if self.total_cost is None:
            self.total_cost = total
        elif self.total_cost != total:
            raise ValueError(
                f"total_cost {self.total_cost} is not cost {self.cost} + goods_cost "
                f"{self.goods_cost} + fees {self.fees} = {total}"
            )
        return self

    @property
    def spend(self) -> Decimal:
        """``total_cost``, never None once validated."""
        return self.total_cost if self.total_cost is not None else self.cost


class FulfillmentRecommendation(ContractModel):
    """Ranked options, best first (meets the promise first, then lowest cost)."""

    options: list[FulfillmentOption]
    rationale: str


# --- customer drafter -------------------------------------------------------------------------

FactKind = Literal["quantity", "date", "money", "identifier", "carrier", "text"]
"""What a fact's value is, which says how a draft states it and how a claim is checked: a
whole number, an ISO date (``YYYY-MM-DD``), a decimal amount, an identifier (order, PO,
tracking, RMA, SKU), a carrier (its code as the network holds it, e.g. ``UPSN``) or text (a
description, a city, a name, a code the drafter words in the customer's language)."""

MessagePurpose = Literal[
    "delay_notice",
    "loss_notice",
    "damage_notice",
    "shortage_notice",
    "address_change",
    "address_confirmation",
    "status",
    "invoice_copy",
    "proof_of_delivery",
    "return",
    "credit_hold",
    "duplicate_order",
    "document_issue",
    "integration_notice",
    "general",
]
"""What a customer message is for: the news it gives or the request it answers. Derived
deterministically from the category and the customer's own message (a status question, a
request for an invoice copy or a proof of delivery, an address the customer asks to change
or one we need confirmed)."""

DEFAULT_PURPOSE: Final[dict[Category, MessagePurpose]] = {
    "carrier_delay": "delay_notice",
    "shipment_lost": "loss_notice",
    "shipment_damaged": "damage_notice",
    "inventory_shortage": "shortage_notice",
    "address_issue": "address_confirmation",
    "return_request": "return",
    "customer_inquiry": "status",
    "credit_hold": "credit_hold",
    "duplicate_order": "duplicate_order",
    "document_mismatch": "document_issue",
    "integration_failure": "integration_notice",
    "other": "general",
}
"""What a message of each category is for when nothing in the customer's message says more."""

CustomerQuestion = Literal["restocking_fee", "replacement", "return_pickup", "tracking_number"]
"""Something the customer's message asks besides its main request, which the draft answers."""

LocaleSource = Literal["message", "contact", "default"]
"""Where a draft's language came from: the customer's own message, the contact on file, or
the default when neither says."""


class Fact(ContractModel):
    """One thing the case holds that the customer may be told, and the object it was read
    from (CONTRACT §7)."""

    name: str = Field(min_length=1)
    """What the value is, in the drafter's vocabulary (``order_id``, ``qty_ordered``,
    ``short_qty``, ``carrier``, ``eta``, ``delivered_date``, ``new_eta``…)."""
    value: str
    """The value as the system of record holds it (dates ISO, carriers by code)."""
    kind: FactKind
    source: str = Field(min_length=1)
    """The object it comes from: ``order:SO-1``, ``order:SO-1/line:2``, ``shipment:SH-9``,
    ``rma:RMA-3/line:1``, ``option:1`` (the remediation chosen), ``customer:C-1``,
    ``event:po_number`` (a reference the event itself carried)…"""


class FactUsed(ContractModel):
    """One fact a draft states, named as the case holds it and with where it comes from.

    Drafts written before facts had a kind and a source (release 1) have neither."""

    name: str
    value: str
    kind: FactKind | None = None
    source: str | None = None


class CustomerDraft(ContractModel):
    """A customer message for a CS rep to review; never sent without approval."""

    channel: Literal["email"] = "email"
    locale: str = "en-US"
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=20_000)
    facts_used: list[FactUsed]
    to: str | None = Field(
        default=None,
        description="The recipient: the e-mail address on file of the case's customer, set by "
        "the workflow (CONTRACT §7). Free text never supplies it, and an edit cannot change it; "
        "None: no contact on file, nothing can be sent.",
    )


def _legacy_kind(name: str) -> FactKind:
    """The kind a fact of a release-1 request (``{name: value}``) has, from its name."""
    if name in {"eta", "date"} or name.endswith(("_eta", "_date")):
        return "date"
    if name.endswith(("_days", "_qty")) or name == "qty":
        return "quantity"
    if name == "carrier":
        return "carrier"
    if name.endswith(("_amount", "_price", "_cost")):
        return "money"
    if name.endswith(("_id", "_number")):
        return "identifier"
    return "text"


class DraftRequest(ContractModel):
    """The case's category, what the message is for, and the facts the workflow approved for
    the customer's eyes.

    ``facts`` is the whole truth the draft may state, each fact typed and with its source.
    Nothing else — no cost, no other customer, no internal system name — is given. Requests
    stored before facts were typed held ``facts`` as ``{name: value}``; that shape still
    reads, each fact getting a kind from its name and the source ``request``.
    """

    case_id: str
    category: Category
    purpose: MessagePurpose | None = None
    """None in requests stored before purposes existed (the category then decides)."""
    tier: CustomerTier = "standard"
    locale: str = "en-US"
    locale_source: LocaleSource = "contact"
    recipient_name: str | None = None
    customer_name: str | None = None
    questions: list[CustomerQuestion] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)

    @field_validator("facts", mode="before")
    @classmethod
    def _facts_from_release_1(cls, value: object) -> object:
        if isinstance(value, dict):
            return [
                {"name": name, "value": text, "kind": _legacy_kind(name), "source": "request"}
                for name, text in value.items()
            ]
        return value

    def fact(self, name: str) -> Fact | None:
        """The first fact called ``name``, if the request holds one."""
        return next((fact for fact in self.facts if fact.name == name), None)

    def value(self, name: str) -> str | None:
        """The value of the first fact called ``name``, if any."""
        fact = self.fact(name)
        return fact.value if fact is not None else None


# --- workflow proposals (deterministic, no agent) ---------------------------------------------

CreditAction = Literal["release_hold", "keep_hold", "cancel_order"]
"""What finance decides for an order on credit hold: release it for shipment, keep it on
hold until the account is settled, or cancel the order. Each is told to the customer."""


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
    "request_corrected_document",
    "resubmit_transmission",
    "fix_and_resend",
    "retry_transmission",
    "accept_document",
    "record_only",
]
"""What happens after a document exception: ask the partner for a corrected document or to
correct and resend its transmission (the partner's fault); correct our own document and send
it again, or retry a transmission that never arrived (our side); accept the document as it
is, or just record it."""

DocumentParty = Literal["partner", "edi_team", "billing", "warehouse", "none"]
"""Who must act on a document resolution: the trading partner, or a team of ours (EDI and
integration, billing, the warehouse); ``none`` when nobody is told anything."""

_PARTY_OF_ACTION: dict[str, DocumentParty] = {
    "request_corrected_document": "partner",
    "resubmit_transmission": "partner",
    "fix_and_resend": "edi_team",
    "retry_transmission": "edi_team",
    "accept_document": "none",
    "record_only": "none",
}


class DocumentResolution(ContractModel):
    """The workflow's proposal for a document exception, and who must act on it."""

    action: DocumentAction
    party: DocumentParty | None = None
    """Who the message is for; when absent, the party the action implies (a partner for a
    corrected document, our EDI team for a fix or a retry)."""
    direction: DocumentDirection | None = None
    """The direction of the document the resolution is about (for an acknowledgment: of the
    document it acknowledges)."""
    partner_message: str | None = None
    """The message to ``party`` (the name predates internal parties)."""
    rationale: str

    @model_validator(mode="after")
    def _party_fits_action(self) -> DocumentResolution:
        implied = _PARTY_OF_ACTION[self.action]
        if self.party is None:
            self.party = implied
        elif (implied == "partner") != (self.party == "partner"):
            raise ValueError(
                f"{self.action} is addressed to {implied}, not {self.party}: a correction our "
                "side owes never goes to the partner, and a partner's never to our teams"
            )
        return self


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
