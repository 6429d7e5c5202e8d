"""Small factories for canonical domain objects: a test states only what it is about.

Every argument has a plain, valid default; money is given as a decimal string (``"19.99"``)
and becomes a ``Decimal``, never a float.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from exdesk.domain import (
    AckError,
    Address,
    Contact,
    CustomerAccount,
    CustomerTier,
    Discrepancy,
    DocType,
    DocumentExtraction,
    EventSource,
    ExceptionEvent,
    ExtractedFields,
    ExtractedLine,
    FulfillmentAction,
    FulfillmentOption,
    FulfillmentRecommendation,
    Order,
    OrderLine,
    PolicyEffect,
    PolicyResult,
    ReturnAuthorization,
    ReturnLine,
    Role,
    ServiceLevel,
    Shipment,
    Sku,
)

OCCURRED_AT = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
"""When every event happened unless a test says otherwise (a Monday morning, UTC)."""

PROMISED = date(2025, 3, 14)
"""The promised date of every order unless a test says otherwise."""


def make_address(
    *, city: str = "Austin", region: str = "south", postal_code: str = "78701"
) -> Address:
    """A complete ship-to address."""
    return Address(
        name="Maria Lopez",
        line1="100 Congress Ave",
        line2="Suite 400",
        city=city,
        state="TX",
        postal_code=postal_code,
        country="US",
        region=region,
    )


def make_customer(
    customer_id: str = "C-1",
    *,
    tier: CustomerTier = "standard",
    credit_limit: str = "10000.00",
    balance: str = "0.00",
    currency: str = "USD",
    name: str = "Acme Retail",
    contact_name: str = "Maria Lopez",
    email: str = "maria.lopez@acme-retail.example",
    locale: str = "en-US",
) -> CustomerAccount:
    """A customer account with its contact."""
    return CustomerAccount(
        customer_id=customer_id,
        name=name,
        tier=tier,
        credit_limit=Decimal(credit_limit),
        balance=Decimal(balance),
        currency=currency,
        allows_partial_shipment=True,
        allows_substitution=True,
        contact=Contact(email=email, name=contact_name, locale=locale),
    )


def make_line(
    line_no: int = 1, sku: str = "SKU-1", qty: int = 1, unit_price: str = "10.00"
) -> OrderLine:
    """One order line."""
    return OrderLine(line_no=line_no, sku=sku, qty=qty, unit_price=Decimal(unit_price))


def make_order(
    order_id: str = "SO-1001",
    *,
    customer_id: str = "C-1",
    lines: Sequence[OrderLine] | None = None,
    promised_date: date = PROMISED,
    service_level: ServiceLevel = "standard",
    warehouse_id: str = "DC-1",
    currency: str = "USD",
    city: str = "Austin",
) -> Order:
    """An open order; one line of ``SKU-1`` at 10.00 unless ``lines`` are given."""
    return Order(
        order_id=order_id,
        customer_id=customer_id,
        channel="b2b_portal",
        lines=list(lines) if lines is not None else [make_line()],
        ship_to=make_address(city=city),
        promised_date=promised_date,
        service_level=service_level,
        warehouse_id=warehouse_id,
        status="open",
        currency=currency,
    )


def make_sku(sku: str = "SKU-1", *, description: str = "Widget", unit_price: str = "10.00") -> Sku:
    """A catalogue entry."""
    return Sku(sku=sku, description=description, unit_price=Decimal(unit_price))


def make_shipment(
    shipment_id: str = "SH-1",
    *,
    order_id: str = "SO-1001",
    carrier: str = "UPS",
    tracking_number: str = "1Z999AA10123456784",
    eta: date | None = None,
) -> Shipment:
    """A shipment in transit."""
    return Shipment(
        shipment_id=shipment_id,
        order_id=order_id,
        carrier=carrier,
        service="standard",
        tracking_number=tracking_number,
        status="in_transit",
        eta=eta,
    )


def make_return(
    rma_id: str = "RMA-1", *, order_id: str = "SO-1001", window_days: int = 30
) -> ReturnAuthorization:
    """An open return authorisation for one unit of ``SKU-1``."""
    return ReturnAuthorization(
        rma_id=rma_id,
        order_id=order_id,
        lines=[ReturnLine(sku="SKU-1", qty=1)],
        reason="wrong item",
        status="open",
        window_days=window_days,
    )


def make_event(
    summary: str = "Short pick on order SO-1001",
    *,
    source: EventSource = "wms",
    occurred_at: datetime = OCCURRED_AT,
    order_id: str | None = None,
    sku: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> ExceptionEvent:
    """An exception event as a source system reports it."""
    return ExceptionEvent(
        source=source,
        source_event_id="evt-1",
        occurred_at=occurred_at,
        summary=summary,
        order_id=order_id,
        sku=sku,
        attributes=attributes or {},
    )


def make_option(
    action: FulfillmentAction = "ship_from_alternate_dc",
    *,
    cost: str = "25.00",
    meets_promise: bool = True,
    eta: date | None = None,
    carrier: str | None = None,
    warehouse_id: str | None = None,
) -> FulfillmentOption:
    """One remediation option."""
    return FulfillmentOption(
        action=action,
        warehouse_id=warehouse_id,
        carrier=carrier,
        eta=eta,
        meets_promise=meets_promise,
        cost=Decimal(cost),
        rationale=f"{action} for the test",
    )


def make_recommendation(*options: FulfillmentOption) -> FulfillmentRecommendation:
    """Ranked options, in the order given (best first)."""
    return FulfillmentRecommendation(options=list(options), rationale="ranked for the test")


def make_discrepancy(message: str = "line 1: qty 10 on the PO, 8 on the document") -> Discrepancy:
    """One disagreement between a document and its order."""
    return Discrepancy(
        kind="qty", line_no=1, sku="SKU-1", expected="10", actual="8", message=message
    )


def make_ack_error(code: str = "I12", description: str = "invalid control number") -> AckError:
    """One error a 997/999 reports."""
    return AckError(level="transaction", code=code, description=description)


def make_extraction(
    doc_type: DocType = "invoice",
    *,
    po_number: str | None = "PO-4500",
    invoice_number: str | None = None,
    ack_status: str | None = None,
    ack_errors: Sequence[AckError] = (),
    discrepancies: Sequence[Discrepancy] = (),
    warnings: Sequence[str] = (),
    confidence: dict[str, float] | None = None,
) -> DocumentExtraction:
    """A document extraction; clean and confident unless told otherwise."""
    fields = ExtractedFields.model_validate(
        {
            "po_number": po_number,
            "invoice_number": invoice_number,
            "ack_status": ack_status,
            "ack_errors": [e.model_dump() for e in ack_errors],
            "lines": [ExtractedLine(line_no=1, sku="SKU-1", qty=10).model_dump()],
        }
    )
    return DocumentExtraction(
        doc_type=doc_type,
        format="text",
        fields=fields,
        confidence=confidence if confidence is not None else {"po_number": 0.95, "lines": 0.95},
        discrepancies=list(discrepancies),
        warnings=list(warnings),
    )


def make_policy_result(
    effect: PolicyEffect,
    *,
    role: Role | None = "ops",
    policy_id: str = "test-policy",
    reason: str = "because the test says so",
) -> PolicyResult:
    """One policy verdict."""
    return PolicyResult(
        policy_id=policy_id,
        version="test",
        subject="remediation",
        effect=effect,
        reason=reason,
        required_role=role,
    )
