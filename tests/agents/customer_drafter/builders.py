"""Requests for drafter and guard tests: every fact a template knows, with distinct values."""

from __future__ import annotations

from typing import Final

from exdesk.domain import Category, CustomerTier, DraftRequest

LOCALES: Final = ("en-US", "en-GB", "es-ES", "es-MX", "de-DE")
TIERS: Final[tuple[CustomerTier, ...]] = ("strategic", "key", "standard")

FULL_FACTS: Final[dict[str, str]] = {
    "order_id": "SO-10042",
    "po_number": "PO-77812",
    "items": "2 × Blue Widget (BW-100)",
    "new_eta": "2025-03-14",
    "original_eta": "2025-03-10",
    "promised_date": "2025-03-11",
    "replacement_eta": "2025-03-18",
    "carrier": "Speedy Freight",
    "tracking_number": "1Z999AA10123456784",
    "next_step": "Our driver will contact you ahead of the delivery",
    "rma_id": "RMA-5521",
    "return_window_days": "30",
    "ship_to_city": "Springfield",
    "credit_contact": "ar@supplier.example",
    "invoice_number": "INV-3391",
    "refund_amount": "45.00",
    "currency": "USD",
    "duplicate_order_id": "SO-10043",
    "order_status": "awaiting pickup",
    "loyalty_tier": "Platinum Plus",
}
"""``loyalty_tier`` is a fact no template uses: it must never be stated."""

DISPLAYED_DATES: Final[dict[str, dict[str, str]]] = {
    "2025-03-14": {
        "en-US": "March 14, 2025",
        "en-GB": "14 March 2025",
        "es-ES": "14 de marzo de 2025",
        "es-MX": "14 de marzo de 2025",
        "de-DE": "14. März 2025",
    },
    "2025-03-18": {
        "en-US": "March 18, 2025",
        "en-GB": "18 March 2025",
        "es-ES": "18 de marzo de 2025",
        "es-MX": "18 de marzo de 2025",
        "de-DE": "18. März 2025",
    },
    "2025-03-10": {
        "en-US": "March 10, 2025",
        "en-GB": "10 March 2025",
        "es-ES": "10 de marzo de 2025",
        "es-MX": "10 de marzo de 2025",
        "de-DE": "10. März 2025",
    },
    "2025-03-11": {
        "en-US": "March 11, 2025",
        "en-GB": "11 March 2025",
        "es-ES": "11 de marzo de 2025",
        "es-MX": "11 de marzo de 2025",
        "de-DE": "11. März 2025",
    },
}
"""How each test date reads in each locale, written out by hand."""


def request(
    category: Category,
    *,
    locale: str = "en-US",
    tier: CustomerTier = "standard",
    facts: dict[str, str] | None = None,
    recipient_name: str | None = "Maria Lopez",
    customer_name: str | None = "Acme Retail",
) -> DraftRequest:
    """A draft request with the full fact set unless ``facts`` is given."""
    return DraftRequest(
        case_id="case-1",
        category=category,
        tier=tier,
        locale=locale,
        recipient_name=recipient_name,
        customer_name=customer_name,
        facts=dict(FULL_FACTS if facts is None else facts),
    )
