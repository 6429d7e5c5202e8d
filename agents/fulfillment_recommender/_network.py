"""An indexed, read-only view of the network the recommender plans over.

Rules that every option shares live here, so that they are stated once:

* **Available stock** is ``on_hand − allocated`` (never negative), summed when a snapshot
  repeats a (warehouse, SKU) pair. Stock already allocated to other orders is never used.
  A (warehouse, SKU) pair may be *blocked*: for an inventory shortage the original DC's
  count of the short SKUs has just proved wrong, so it is treated as zero.
* **Inbound supply** is assumed not yet promised to other orders (the snapshot has no
  allocation of inbound). Stock "covered by inbound" is ready on the ETA of the earliest
  inbound receipt that, added to what is counted before it, reaches the units needed.
* **A DC can ship** only when it is in the warehouse list (its region is known) and a lane
  runs from its region to ``order.ship_to.region``.
* **Handling rule**: a DC ships on the first of its working days at or after the proposal
  time, and not the same day once its local cut-off has passed (``_calendar``: 15:00
  Monday–Friday and the shipped holidays unless the warehouse says otherwise). Stock that
  must first arrive ships on the first working day on or after it is ready. ETA = ship
  day + ``transit_days``.
* **Cost** of one shipment is ``cost_per_shipment + cost_per_unit × units``, rounded half-up
  to cents. Lanes priced in a currency other than the order's are ignored (no FX rates);
  when no lane uses the order's currency, the most common lane currency is used instead.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from exdesk.agents.fulfillment_recommender._calendar import ShipCalendar
from exdesk.agents.fulfillment_recommender.contract import RecommendationRequest
from exdesk.domain import CarrierLane, ServiceLevel, Warehouse

SERVICE_RANK: Final[dict[ServiceLevel, int]] = {"standard": 0, "expedited": 1, "next_day": 2}
"""How fast a service is; a higher rank travels faster."""

CENT: Final = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Round money half-up to cents."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Quote:
    """What one shipment of ``units`` on ``lane`` would take and cost."""

    lane: CarrierLane
    units: int
    ship_day: date
    eta: date
    cost: Decimal


class NetworkView:
    """Stock, inbound supply, warehouses and lanes of one request, indexed for planning."""

    def __init__(
        self,
        request: RecommendationRequest,
        blocked: Iterable[tuple[str, str]] = (),
        skus: Collection[str] | None = None,
    ) -> None:
        """Index the request; with ``skus``, only those SKUs' stock (it is all a plan reads)."""
        self.as_of: date = request.as_of
        self.as_of_time: datetime | None = request.as_of_time
        self.promised: date = request.order.promised_date
        self.dest_region: str = request.order.ship_to.region
        self.warehouses: dict[str, Warehouse] = {w.warehouse_id: w for w in request.warehouses}
        self._blocked = frozenset(blocked)
        self._stock: dict[str, dict[str, int]] = defaultdict(dict)
        inbound: dict[tuple[str, str], list[tuple[date, int]]] = defaultdict(list)
        for position in request.inventory:
            if skus is not None and position.sku not in skus:
                continue
            per_dc = self._stock[position.sku]
            per_dc[position.warehouse_id] = per_dc.get(position.warehouse_id, 0) + (
                position.available
            )
            for supply in position.inbound:
                if supply.qty > 0:
                    inbound[(position.warehouse_id, position.sku)].append((supply.eta, supply.qty))
        self._receipts = inbound
        self._inbound: dict[tuple[str, str], list[tuple[date, int]]] = {}
        self._inbound_at: dict[str, list[str]] = defaultdict(list)
        for wh, sku in sorted(inbound):
            self._inbound_at[sku].append(wh)
        self._best: dict[tuple[str, int, date | None, bool], Quote | None] = {}
        self._earliest: dict[tuple[str, int], tuple[date, str] | None] = {}
        self.currency, self.ignored_lanes = _pricing_currency(request)
        zone = request.as_of_time.tzinfo if request.as_of_time else None
        self._calendars = {
            wh: ShipCalendar(self.warehouses.get(wh), zone)
            for wh in {*self.warehouses, request.order.warehouse_id}
        }
        self._prices = _unit_values(request)
        self._lanes: dict[str, list[CarrierLane]] = defaultdict(list)
        for lane in request.lanes:
            if lane.dest_region == self.dest_region and lane.currency == self.currency:
                self._lanes[lane.origin_region].append(lane)
        for lanes in self._lanes.values():
            lanes.sort(key=lambda ln: (ln.carrier, SERVICE_RANK[ln.service], ln.transit_days))

    def available(self, warehouse_id: str, sku: str) -> int:
        """Units of ``sku`` that ``warehouse_id`` can still promise (0 when blocked)."""
        if (warehouse_id, sku) in self._blocked:
            return 0
        return self._stock.get(sku, {}).get(warehouse_id, 0)

    def stock_of(self, sku: str) -> dict[str, int]:
        """Available units of ``sku`` by warehouse, blocked pairs and zeros left out."""
        return {
            wh: units
            for wh, units in self._stock.get(sku, {}).items()
            if units > 0 and (wh, sku) not in self._blocked
        }

    def region_of(self, warehouse_id: str) -> str | None:
        """The warehouse's region, or None when the warehouse is unknown."""
        warehouse = self.warehouses.get(warehouse_id)
        return warehouse.region if warehouse else None

    def lanes_from(self, warehouse_id: str) -> list[CarrierLane]:
        """Lanes from the warehouse's region to the ship-to region (empty when none)."""
        region = self.region_of(warehouse_id)
        return self._lanes.get(region, []) if region is not None else []

    def shipping_warehouses(self) -> list[str]:
        """Known warehouses with at least one lane to the customer, in id order."""
        return sorted(wh for wh in self.warehouses if self.lanes_from(wh))

    def inbound_warehouses(self, sku: str) -> list[str]:
        """Warehouses expecting inbound receipts of ``sku``, in id order."""
        return self._inbound_at.get(sku, [])

    def inbound_ready(self, warehouse_id: str, sku: str, units: int) -> date | None:
        """The earliest inbound ETA by which receipts at the DC reach ``units``, or None."""
        if units <= 0:
            return self.as_of
        key = (warehouse_id, sku)
        if key not in self._receipts:
            return None
        receipts = self._inbound.get(key)
        if receipts is None:
            receipts = self._inbound[key] = _cumulative(self._receipts[key])
        totals = [total for _, total in receipts]
        index = bisect_left(totals, units)
        return receipts[index][0] if index < len(receipts) else None

    def calendar(self, warehouse_id: str) -> ShipCalendar:
        """The DC's shipping days (the defaults for a DC the snapshot does not describe)."""
        if warehouse_id not in self._calendars:
            zone = self.as_of_time.tzinfo if self.as_of_time else None
            self._calendars[warehouse_id] = ShipCalendar(None, zone)
        return self._calendars[warehouse_id]

    def ship_day(self, warehouse_id: str, ready: date | None = None) -> date:
        """The first day the DC can ship, after the proposal time and once goods are ready."""
        calendar = self.calendar(warehouse_id)
        day = calendar.ship_day(self.as_of_time, self.as_of)
        if ready is not None and ready > day:
            day = calendar.next_working_day(ready)
        return day

    def unit_value(self, sku: str) -> Decimal:
        """What one unit of ``sku`` is worth to us: its cost, else the order's (or the
        catalogue's) price, else zero."""
        return self._prices.get(sku, Decimal("0.00"))

    def quote(
        self, lane: CarrierLane, units: int, ready: date | None = None, *, warehouse_id: str
    ) -> Quote:
        """Ship day, ETA and cost of ``units`` on ``lane`` from the DC once goods are ready."""
        ship_day = self.ship_day(warehouse_id, ready)
        eta = ship_day + timedelta(days=lane.transit_days)
        cost = to_cents(lane.cost_per_shipment + lane.cost_per_unit * units)
        return Quote(lane=lane, units=units, ship_day=ship_day, eta=eta, cost=cost)

    def best_quote(
        self, warehouse_id: str, units: int, ready: date | None = None, *, cheapest: bool = False
    ) -> Quote | None:
        """The DC's best lane for a shipment: meets the promise first, then cost, then ETA.

        With ``cheapest`` the promise is ignored (lowest cost, then ETA).
        """
        key = (warehouse_id, units, ready, cheapest)
        if key in self._best:
            return self._best[key]
        quotes = [
            self.quote(lane, units, ready, warehouse_id=warehouse_id)
            for lane in self.lanes_from(warehouse_id)
        ]
        best: Quote | None = None
        if quotes and cheapest:
            best = min(quotes, key=lambda q: (q.cost, q.eta, q.lane.carrier))
        elif quotes:
            best = min(quotes, key=lambda q: (q.eta > self.promised, q.cost, q.eta, q.lane.carrier))
        self._best[key] = best
        return best

    def earliest_inbound(self, sku: str, units: int) -> tuple[date, str] | None:
        """The shipping DC whose inbound receipts reach ``units`` of ``sku`` first, and when."""
        key = (sku, units)
        if key not in self._earliest:
            best: tuple[date, str] | None = None
            for wh in self.inbound_warehouses(sku):
                day = self.inbound_ready(wh, sku, units)
                if day is not None and self.lanes_from(wh) and (best is None or (day, wh) < best):
                    best = (day, wh)
            self._earliest[key] = best
        return self._earliest[key]


def _cumulative(receipts: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """Receipts by ETA with running totals (one entry per ETA)."""
    by_day: dict[date, int] = defaultdict(int)
    for eta, qty in receipts:
        by_day[eta] += qty
    running = 0
    out: list[tuple[date, int]] = []
    for eta in sorted(by_day):
        running += by_day[eta]
        out.append((eta, running))
    return out


def _pricing_currency(request: RecommendationRequest) -> tuple[str, int]:
    """The currency options are priced in, and how many lanes another currency excludes."""
    currencies = Counter(lane.currency for lane in request.lanes)
    currency = request.order.currency
    if currencies and currency not in currencies:
        currency = min(currencies, key=lambda c: (-currencies[c], c))
    return currency, sum(n for c, n in currencies.items() if c != currency)


def _unit_values(request: RecommendationRequest) -> dict[str, Decimal]:
    """Per SKU: the catalogue's unit cost, else the order line's price, else the
    catalogue's price."""
    values = {sku.sku: sku.unit_price for sku in request.skus}
    values.update({line.sku: line.unit_price for line in request.order.lines})
    values.update({sku.sku: sku.unit_cost for sku in request.skus if sku.unit_cost is not None})
    return values
