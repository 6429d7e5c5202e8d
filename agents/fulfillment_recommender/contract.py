"""The fulfillment recommender's input and engine interface (CONTRACT §3)."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from pydantic import AwareDatetime, Field

from exdesk.agents._outcome import AgentOutcome
from exdesk.domain import (
    CarrierLane,
    Category,
    ContractModel,
    CustomerAccount,
    EngineName,
    FulfillmentRecommendation,
    InventoryPosition,
    Order,
    Shipment,
    Sku,
    Warehouse,
)


class RecommendationRequest(ContractModel):
    """Everything the recommender may use; it looks nothing else up and writes nothing."""

    category: Category
    summary: str
    order: Order
    customer: CustomerAccount
    shipment: Shipment | None = None
    inventory: list[InventoryPosition] = Field(default_factory=list)
    warehouses: list[Warehouse] = Field(default_factory=list)
    lanes: list[CarrierLane] = Field(default_factory=list)
    skus: list[Sku] = Field(default_factory=list)
    affected_skus: list[str] = Field(
        default_factory=list,
        description="SKUs the exception names (short-picked, damaged…); empty means all lines.",
    )
    short_qty: dict[str, int] = Field(
        default_factory=dict,
        description="Units short per SKU when the event says so (a short pick of 4 of 10).",
    )
    duplicate_of: str | None = Field(
        default=None, description="For duplicate_order: the order this one duplicates."
    )
    as_of: date = Field(description="Today for the recommender: the day the exception occurred.")
    as_of_time: AwareDatetime | None = Field(
        default=None,
        description="When the proposal is made (the exception's time): before or after each "
        "DC's cut-off. Absent, the start of ``as_of``.",
    )


class RecommendationEvidence(ContractModel):
    """How the options were found."""

    considered: int = 0
    shown: int = 0
    need: dict[str, int] = Field(default_factory=dict, description="Units needed per SKU.")
    untrusted_stock: list[str] = Field(
        default_factory=list, description="Positions (warehouse/sku) not relied on."
    )
    refused: list[str] = Field(default_factory=list, description="Actions ruled out, and why.")
    handling_rule: str = ""


RecommendationOutcome = AgentOutcome[FulfillmentRecommendation, RecommendationEvidence]
"""What the engine returns."""


class FulfillmentRecommender(Protocol):
    """Enumerates the feasible remediation options and ranks them."""

    @property
    def engine(self) -> EngineName:
        """Which implementation this is (``local`` or ``openai``)."""
        ...

    def recommend(self, request: RecommendationRequest) -> RecommendationOutcome:
        """Propose ranked options, best first."""
        ...
