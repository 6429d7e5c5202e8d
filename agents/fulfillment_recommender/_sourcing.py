"""Options that ship the whole need as one shipment from one DC.

Each function returns every feasible plan of its kind, one per (DC, lane), after dropping
lanes that another lane from the same DC beats on promise, cost and ETA.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from exdesk.agents.fulfillment_recommender._needs import Need
from exdesk.agents.fulfillment_recommender._network import SERVICE_RANK, NetworkView, Quote
from exdesk.agents.fulfillment_recommender._plans import Draft, Leg, Plan, drafts_for, make_plan
from exdesk.agents.fulfillment_recommender._ranking import undominated
from exdesk.domain import FulfillmentAction, ServiceLevel, Shipment, Sku

ActionForService = Callable[[ServiceLevel], FulfillmentAction]
"""Names a stock shipment by its lane's service (e.g. faster than ordered → ``expedite``)."""


def named(base: FulfillmentAction) -> ActionForService:
    """``base`` on every lane: a shipment from stock is named for what it does (a reship on
    a faster lane is still a reship; ``expedite`` is the carrier's service change)."""

    def action(service: ServiceLevel) -> FulfillmentAction:
        return base

    return action


def stock_plans(
    view: NetworkView, need: Need, sources: Iterable[str], action_for: ActionForService
) -> list[Plan]:
    """Ship the whole need from one DC's available stock (alternate DC, reship, expedite)."""
    plans: list[Plan] = []
    units = need.total_units
    for wh in sources:
        if not all(view.available(wh, sku) >= qty for sku, qty in need.by_sku.items()):
            continue
        drafts = tuple(Draft(line.line_no, line.sku, line.qty, wh) for line in need.lines)
        groups: dict[FulfillmentAction, list[Plan]] = {}
        for lane in view.lanes_from(wh):
            leg = Leg.shipping(wh, "stock", view.quote(lane, units, warehouse_id=wh))
            action = action_for(lane.service)
            groups.setdefault(action, []).append(make_plan(action, [leg], drafts, view.promised))
        for group in groups.values():
            plans.extend(undominated(group))
    return plans


def hold_plans(view: NetworkView, need: Need, sources: Iterable[str]) -> list[Plan]:
    """Hold the whole need at one DC until inbound receipts complete it, then ship.

    The DC's available stock is allocated now; the rest waits for the earliest inbound
    receipts that cover it. A DC whose stock already covers everything is left to the
    stock options (holding would only be slower).
    """
    plans: list[Plan] = []
    units = need.total_units
    for wh in sources:
        ready: date | None = None
        from_stock: dict[str, int] = {}
        for sku, qty in need.by_sku.items():
            on_hand = min(view.available(wh, sku), qty)
            from_stock[sku] = on_hand
            if on_hand < qty:
                cover = view.inbound_ready(wh, sku, qty - on_hand)
                if cover is None:
                    break
                ready = cover if ready is None or cover > ready else ready
        else:
            if ready is None:
                continue
            inbound_units = units - sum(from_stock.values())
            drafts = drafts_for(need.lines, ((wh, s, q) for s, q in from_stock.items() if q))
            group = [
                make_plan(
                    "hold_for_inbound",
                    [
                        Leg.shipping(
                            wh,
                            "inbound",
                            view.quote(lane, units, ready, warehouse_id=wh),
                            inbound_units,
                            ready,
                        )
                    ],
                    drafts,
                    view.promised,
                )
                for lane in view.lanes_from(wh)
            ]
            plans.extend(undominated(group))
    return plans


def substitute_plans(
    view: NetworkView, need: Need, catalogue: Mapping[str, Sku], sources: Iterable[str]
) -> list[Plan]:
    """Ship the whole need from one DC, replacing short lines by a catalogue substitute.

    Line by line (in line order) the DC's own stock of the ordered SKU is used first; a
    line it cannot fill is filled entirely by the first listed substitute with enough
    available stock left. At least one line must be substituted.
    """
    plans: list[Plan] = []
    units = need.total_units
    for wh in sources:
        used: dict[str, int] = {}
        drafts: list[Draft] = []
        swaps: list[str] = []
        for line in need.lines:
            chosen = _fill_line(view, wh, line.sku, line.qty, used, catalogue)
            if chosen is None:
                break
            used[chosen] = used.get(chosen, 0) + line.qty
            substitute_for = line.sku if chosen != line.sku else None
            drafts.append(Draft(line.line_no, chosen, line.qty, wh, substitute_for))
            if substitute_for:
                swaps.append(f"line {line.line_no} {line.sku}→{chosen} ({line.qty} u)")
        else:
            if not swaps:
                continue
            detail = "substitutes " + _clip(swaps)
            group = [
                make_plan(
                    "substitute_sku",
                    [Leg.shipping(wh, "stock", view.quote(lane, units, warehouse_id=wh))],
                    drafts,
                    view.promised,
                    detail,
                )
                for lane in view.lanes_from(wh)
            ]
            plans.extend(undominated(group))
    return plans


def backorder_plan(view: NetworkView, need: Need, origin: str, order_service: ServiceLevel) -> Plan:
    """Wait for replenishment at the order's DC: no committed ETA, so never on time.

    The cost is what the eventual shipment would cost from the origin DC on the cheapest
    lane of the ordered service (any service when none), or zero when no lane is known.
    """
    units = need.total_units
    lanes = view.lanes_from(origin)
    same = [lane for lane in lanes if lane.service == order_service] or lanes
    quotes = [view.quote(lane, units, warehouse_id=origin) for lane in same]
    quote = min(quotes, key=lambda q: (q.cost, q.eta, q.lane.carrier), default=None)
    leg = Leg(
        warehouse_id=origin,
        kind="backorder",
        units=units,
        lane=quote.lane if quote else None,
        ship_day=None,
        eta=None,
        cost=quote.cost if quote else Decimal("0.00"),
    )
    return make_plan("backorder", [leg], (), view.promised)


def carrier_plans(
    view: NetworkView, origin: str, units: int, shipment: Shipment | None, ready: date
) -> list[Plan]:
    """Ask the carrier that holds the freight to move it on a faster service of its own.

    The goods are in the carrier's network, not at the DC, so only that carrier can act on
    them, and only a service faster than the shipment's is an expedite. It is priced as the
    carrier's faster lane from the origin region (an estimate: the freight is part-way) and
    can move from ``ready`` (the carrier acts on the proposal the same day).
    """
    if shipment is None:
        return []
    current = SERVICE_RANK[shipment.service]
    group: list[Plan] = []
    for lane in view.lanes_from(origin):
        if lane.carrier != shipment.carrier or SERVICE_RANK[lane.service] <= current:
            continue
        quote = view.quote(lane, units, ready, warehouse_id=origin)
        moved = Quote(
            lane=lane,
            units=units,
            ship_day=ready,
            eta=ready + timedelta(days=lane.transit_days),
            cost=quote.cost,
        )
        leg = Leg.shipping(origin, "in_transit", moved)
        group.append(make_plan("expedite", [leg], (), view.promised))
    return undominated(group)


def monitor_plan(view: NetworkView, eta: date | None) -> Plan:
    """Leave the shipment with its carrier and watch it: no spend; on time when its own
    ETA meets the promise."""
    return Plan(
        action="monitor",
        legs=(),
        allocations=(),
        eta=eta,
        meets_promise=eta is not None and eta <= view.promised,
        cost=Decimal("0.00"),
    )


def _fill_line(
    view: NetworkView,
    wh: str,
    sku: str,
    qty: int,
    used: Mapping[str, int],
    catalogue: Mapping[str, Sku],
) -> str | None:
    """The SKU that fills a line at the DC: the ordered SKU, else the first substitute."""
    if view.available(wh, sku) - used.get(sku, 0) >= qty:
        return sku
    entry = catalogue.get(sku)
    for substitute in entry.substitutes if entry else ():
        if substitute != sku and view.available(wh, substitute) - used.get(substitute, 0) >= qty:
            return substitute
    return None


def _clip(items: list[str], limit: int = 5) -> str:
    """A readable list, cut after ``limit`` items."""
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"
