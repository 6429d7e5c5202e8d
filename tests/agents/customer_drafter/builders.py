"""Requests for drafter, guard and claim-checker tests: typed facts with sources, as the
workflow builds them, with distinct values so a test can tell which one a draft states."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final, get_args

from exdesk.domain import (
    CustomerQuestion,
    CustomerTier,
    DraftRequest,
    Fact,
    FactKind,
    MessagePurpose,
)

LOCALES: Final = ("en-US", "en-GB", "es-ES", "es-MX", "de-DE", "fr-FR")
TIERS: Final[tuple[CustomerTier, ...]] = ("strategic", "key", "standard")
PURPOSES: Final[tuple[MessagePurpose, ...]] = get_args(MessagePurpose)
QUESTIONS: Final[tuple[CustomerQuestion, ...]] = get_args(CustomerQuestion)


def fact(name: str, value: str, kind: FactKind, source: str) -> Fact:
    """One typed fact."""
    return Fact(name=name, value=value, kind=kind, source=source)


ORDER: Final = "order:SO-10042"
LINE: Final = "order:SO-10042/line:2"
SHIPMENT: Final = "shipment:SH-9"
RMA: Final = "rma:RMA-5521"

ORDER_FACTS: Final[tuple[Fact, ...]] = (
    fact("customer_name", "Acme Retail", "text", "customer:C-1"),
    fact("contact_name", "Maria Lopez", "text", "customer:C-1"),
    fact("order_id", "SO-10042", "identifier", ORDER),
    fact("promised_date", "2025-03-14", "date", ORDER),
    fact("ship_to_city", "Springfield", "text", ORDER),
    fact("order_status", "shipped", "text", ORDER),
    fact("po_number", "PO-77812", "identifier", "event:po_number"),
)
LINE_FACTS: Final[tuple[Fact, ...]] = (
    fact("sku", "BW-100", "identifier", LINE),
    fact("description", "Blue Widget, Steel, 3/8 in", "text", LINE),
    fact("qty_ordered", "35", "quantity", LINE),
    fact("short_qty", "11", "quantity", LINE),
    fact("available_qty", "24", "quantity", LINE),
)
SHIPMENT_FACTS: Final[tuple[Fact, ...]] = (
    fact("carrier", "XPOL", "carrier", SHIPMENT),
    fact("tracking_number", "527779200", "identifier", SHIPMENT),
    fact("shipment_status", "in_transit", "text", SHIPMENT),
    fact("eta", "2025-03-13", "date", SHIPMENT),
)
OPTION_FACTS: Final[tuple[Fact, ...]] = (
    fact("next_step", "expedite", "text", "option:1"),
    fact("new_eta", "2025-03-12", "date", "option:1"),
    fact("new_carrier", "CRLX", "carrier", "option:1"),
)
RETURN_FACTS: Final[tuple[Fact, ...]] = (
    fact("rma_id", "RMA-5521", "identifier", RMA),
    fact("return_window_days", "30", "quantity", RMA),
    fact("return_sku", "BW-100", "identifier", f"{RMA}/line:1"),
    fact("return_description", "Blue Widget, Steel, 3/8 in", "text", f"{RMA}/line:1"),
    fact("return_qty", "5", "quantity", f"{RMA}/line:1"),
)
DELIVERED_FACTS: Final[tuple[Fact, ...]] = (
    fact("carrier", "UPSN", "carrier", SHIPMENT),
    fact("tracking_number", "1Z999AA10123456784", "identifier", SHIPMENT),
    fact("shipment_status", "delivered", "text", SHIPMENT),
    fact("delivered_date", "2025-03-09", "date", SHIPMENT),
    fact("delivery_outlook", "delivered", "text", SHIPMENT),
)


def outlook(value: str, source: str = "option:1") -> Fact:
    """Whether the promise holds: ``on_time``, ``late`` or ``delivered``."""
    return fact("delivery_outlook", value, "text", source)


FULL_FACTS: Final[tuple[Fact, ...]] = (
    *ORDER_FACTS,
    *LINE_FACTS,
    *SHIPMENT_FACTS,
    *OPTION_FACTS,
    *RETURN_FACTS,
    outlook("on_time"),
)
"""Every kind of fact a message may state: a short line, a shipment in transit, a chosen
option still within the promise, and a return authorisation."""

LATE_FACTS: Final[tuple[Fact, ...]] = (
    *ORDER_FACTS,
    *LINE_FACTS,
    *SHIPMENT_FACTS,
    fact("next_step", "reship", "text", "option:1"),
    fact("new_eta", "2025-03-18", "date", "option:1"),
    fact("new_carrier", "UPSN", "carrier", "option:1"),
    outlook("late"),
)
"""A replacement that arrives after the promised date."""

DELIVERED_CASE: Final[tuple[Fact, ...]] = (*ORDER_FACTS, *DELIVERED_FACTS)
"""An order already delivered."""


def without(facts: Iterable[Fact], *names: str) -> tuple[Fact, ...]:
    """``facts`` without those called ``names``."""
    return tuple(f for f in facts if f.name not in names)


def request(
    purpose: MessagePurpose = "delay_notice",
    *,
    locale: str = "en-US",
    tier: CustomerTier = "standard",
    facts: Sequence[Fact] | None = None,
    questions: Sequence[CustomerQuestion] = (),
    recipient_name: str | None = "Maria Lopez",
    customer_name: str | None = "Acme Retail",
) -> DraftRequest:
    """A draft request with the full fact set unless ``facts`` is given."""
    return DraftRequest(
        case_id="case-1",
        category="carrier_delay",
        purpose=purpose,
        tier=tier,
        locale=locale,
        recipient_name=recipient_name,
        customer_name=customer_name,
        questions=list(questions),
        facts=list(FULL_FACTS if facts is None else facts),
    )
