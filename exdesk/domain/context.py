"""What the enrich step looked up about an event, read-only, from the network data."""

from __future__ import annotations

from pydantic import Field

from exdesk.domain._base import ContractModel
from exdesk.domain.network import (
    CarrierLane,
    CustomerAccount,
    InventoryPosition,
    Order,
    ReturnAuthorization,
    Shipment,
    Sku,
    Warehouse,
)


class CaseContext(ContractModel):
    """The network objects an event refers to, directly or through its order.

    Any of them may be missing: a forwarded e-mail may name no order and no customer.
    ``inventory`` holds the positions of the order's SKUs (and their substitutes) in every
    warehouse; ``lanes`` the lanes into the ship-to region.
    """

    order: Order | None = None
    customer: CustomerAccount | None = None
    shipment: Shipment | None = None
    shipments: list[Shipment] = Field(default_factory=list)
    returns: list[ReturnAuthorization] = Field(default_factory=list)
    skus: list[Sku] = Field(default_factory=list)
    inventory: list[InventoryPosition] = Field(default_factory=list)
    warehouses: list[Warehouse] = Field(default_factory=list)
    lanes: list[CarrierLane] = Field(default_factory=list)
    foreign_references: list[str] = Field(
        default_factory=list,
        description="Identifiers the event names that belong to another customer: never to be "
        "repeated to this one.",
    )
    missing: list[str] = Field(
        default_factory=list,
        description="References the event made that the network does not know (e.g. 'order PO-9').",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Why no step of this case may act without a person: a sender who is not a "
        "known contact of the customer, a look-alike of a known customer's domain.",
    )

    def sku(self, sku_id: str) -> Sku | None:
        """The catalogue entry of one SKU, if it was looked up."""
        return next((s for s in self.skus if s.sku == sku_id), None)
