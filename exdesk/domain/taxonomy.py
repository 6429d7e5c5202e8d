"""The closed vocabularies of CONTRACT §2 and §6: categories, routes, severities, statuses."""

from __future__ import annotations

from typing import Final, Literal, get_args

Category = Literal[
    "inventory_shortage",
    "carrier_delay",
    "shipment_damaged",
    "shipment_lost",
    "address_issue",
    "document_mismatch",
    "integration_failure",
    "credit_hold",
    "duplicate_order",
    "return_request",
    "customer_inquiry",
    "other",
]
"""What kind of exception a case is. A closed set: ``other`` is a real class, not a fallback."""

Route = Literal["fulfillment", "customer_comm", "document", "finance", "triage"]
"""Which part of the workflow handles a case. ``triage`` means a human classifies it first."""

Stage = Literal["remediation", "document", "credit", "customer_message"]
"""A proposal the workflow produces, reviews, and (once approved) executes; each route goes
through its stages in order (``exdesk.workflows.routing``), each stage is defined once
(``exdesk.workflows.stages``)."""

Severity = Literal["low", "medium", "high", "critical"]
"""How urgent a case is; computed deterministically, never by a model."""

CaseStatus = Literal[
    "received",
    "classified",
    "awaiting_approval",
    "approved",
    "rejected",
    "edited",
    "executing",
    "resolved",
    "escalated",
    "failed",
]
"""Where a case stands (CONTRACT §6)."""

Role = Literal["integration", "cs_rep", "ops", "finance", "compliance", "admin"]
"""What an API key or operator may do (CONTRACT §4)."""

EventSource = Literal["wms", "tms", "erp", "crm", "edi", "carrier", "email", "portal", "manual"]
"""The system an exception event comes from."""

CATEGORIES: Final[tuple[Category, ...]] = get_args(Category)
ROUTES: Final[tuple[Route, ...]] = get_args(Route)
SEVERITIES: Final[tuple[Severity, ...]] = get_args(Severity)
STAGES: Final[tuple[Stage, ...]] = get_args(Stage)
ROLES: Final[tuple[Role, ...]] = get_args(Role)
EVENT_SOURCES: Final[tuple[EventSource, ...]] = get_args(EventSource)

CATEGORY_ROUTE: Final[dict[Category, Route]] = {
    "inventory_shortage": "fulfillment",
    "carrier_delay": "fulfillment",
    "shipment_damaged": "fulfillment",
    "shipment_lost": "fulfillment",
    "address_issue": "customer_comm",
    "document_mismatch": "document",
    "integration_failure": "document",
    "credit_hold": "finance",
    "duplicate_order": "fulfillment",
    "return_request": "customer_comm",
    "customer_inquiry": "customer_comm",
    "other": "triage",
}
"""The route each category takes when its confidence clears the threshold (CONTRACT §2)."""

WAITING_STATUSES: Final[frozenset[CaseStatus]] = frozenset({"awaiting_approval", "escalated"})
FINAL_STATUSES: Final[frozenset[CaseStatus]] = frozenset({"resolved", "rejected", "failed"})
