"""Reference data from ERP/WMS/TMS: the objects of a network snapshot (CONTRACT §1)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, ConfigDict, EmailStr, Field, field_validator

from exdesk.domain._base import (
    ContractModel,
    Currency,
    Day,
    Identifier,
    Instant,
    Money,
    Quantity,
    SignedMoney,
)

ServiceLevel = Literal["standard", "expedited", "next_day"]
"""How fast an order must travel; also the ``service`` of a carrier lane."""

CustomerTier = Literal["strategic", "key", "standard"]
"""How much a customer matters commercially; drives severity and tone."""

OrderChannel = Literal["ecommerce", "b2b_portal", "edi", "marketplace", "field_sales"]


class NetworkObject(ContractModel):
    """Base of the network's reference objects (and the parts they hold): read-only once
    validated, because the store shares one validated object among every case that reads
    the same stored document (``exdesk.store.network``). Derive a changed one with
    ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True)


class Address(NetworkObject):
    """A postal address; ``region`` uses the vocabulary of ``Warehouse.region``."""

    name: str
    line1: str
    line2: str | None = None
    city: str
    state: str
    postal_code: str
    country: str = Field(min_length=2, max_length=3)
    region: Identifier


class Warehouse(NetworkObject):
    """A distribution centre (DC)."""

    tenant_id: Identifier | None = None
    warehouse_id: Identifier
    name: str
    region: Identifier
    postal_code: str
    cutoff: time = time(15, 0)
    """Local time after which an order released today ships the next working day."""
    timezone: str | None = None
    """The DC's IANA time zone (``America/Chicago``); absent, the time an event was
    reported in stands for the DC's local time."""
    working_days: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5], min_length=1)
    """ISO weekdays the DC ships on (1 = Monday … 7 = Sunday)."""
    closed_dates: list[date] = Field(default_factory=list)
    """Days the DC does not ship, beside the holidays every DC keeps."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("working_days")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(day < 1 or day > 7 for day in value):
            raise ValueError("working days are ISO weekdays, 1 (Monday) to 7 (Sunday)")
        return sorted(set(value))


class InboundSupply(NetworkObject):
    """Stock on its way into a warehouse."""

    qty: Quantity
    eta: Day


class InventoryPosition(NetworkObject):
    """What one warehouse holds of one SKU; available = on_hand − allocated."""

    tenant_id: Identifier | None = None
    warehouse_id: Identifier
    sku: Identifier
    on_hand: Quantity
    allocated: Quantity
    inbound: list[InboundSupply] = Field(default_factory=list)

    @property
    def available(self) -> int:
        """Units that can still be promised (never negative)."""
        return max(self.on_hand - self.allocated, 0)


class Sku(NetworkObject):
    """A stock-keeping unit and the SKUs that may stand in for it."""

    tenant_id: Identifier | None = None
    sku: Identifier
    description: str
    unit_price: Money
    unit_cost: Money | None = None
    """What a unit costs us; replacement goods are valued at it (at the order's price when
    absent)."""
    currency: Currency = "USD"
    substitutes: list[Identifier] = Field(default_factory=list)


class Contact(NetworkObject):
    """Who to write to at a customer; personal data, masked in logs and traces."""

    email: EmailStr
    name: str
    locale: str = Field(default="en-US", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")


class CustomerAccount(NetworkObject):
    """A customer, its commercial terms and its contact."""

    tenant_id: Identifier | None = None
    customer_id: Identifier
    name: str
    tier: CustomerTier
    credit_limit: Money
    balance: SignedMoney
    currency: Currency = "USD"
    allows_partial_shipment: bool
    allows_substitution: bool
    contact: Contact


class OrderLine(NetworkObject):
    """One line of an order."""

    line_no: int = Field(ge=1)
    sku: Identifier
    qty: int = Field(ge=1)
    unit_price: Money


class Order(NetworkObject):
    """A customer order as the ERP holds it."""

    tenant_id: Identifier | None = None
    order_id: Identifier
    customer_id: Identifier
    channel: OrderChannel
    lines: list[OrderLine] = Field(min_length=1)
    ship_to: Address
    promised_date: Day
    service_level: ServiceLevel
    warehouse_id: Identifier
    status: Identifier
    currency: Currency = "USD"
    created_at: AwareDatetime | None = None

    @property
    def value(self) -> Decimal:
        """The order's merchandise value (sum of qty × unit price)."""
        return sum((line.unit_price * line.qty for line in self.lines), Decimal(0))


class Milestone(NetworkObject):
    """One carrier scan or status event."""

    code: Identifier
    at: Instant
    location: str | None = None


class Shipment(NetworkObject):
    """A parcel or freight movement for an order."""

    tenant_id: Identifier | None = None
    shipment_id: Identifier
    order_id: Identifier
    carrier: Identifier
    service: ServiceLevel
    tracking_number: Identifier
    status: Identifier
    milestones: list[Milestone] = Field(default_factory=list)
    eta: Day | None = None

    def last_milestone(self) -> Milestone | None:
        """The most recent scan, if any."""
        return max(self.milestones, key=lambda m: m.at, default=None)


class CarrierLane(NetworkObject):
    """A shipping option between two regions and what it costs."""

    tenant_id: Identifier | None = None
    carrier: Identifier
    service: ServiceLevel
    origin_region: Identifier
    dest_region: Identifier
    transit_days: int = Field(ge=0)
    cost_per_shipment: Money
    cost_per_unit: Money
    currency: Currency = "USD"


class ReturnLine(NetworkObject):
    """One line of a return authorisation."""

    line_no: int | None = Field(default=None, ge=1)
    sku: Identifier
    qty: int = Field(ge=1)


class ReturnAuthorization(NetworkObject):
    """An RMA: what the customer may send back, and until when."""

    tenant_id: Identifier | None = None
    rma_id: Identifier
    order_id: Identifier
    lines: list[ReturnLine] = Field(min_length=1)
    reason: str
    status: Identifier
    window_days: int = Field(ge=0)
    created_at: AwareDatetime | None = None
