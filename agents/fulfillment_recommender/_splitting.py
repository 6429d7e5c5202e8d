"""Options that use several shipments: split shipments and partial plans.

Only for customers who accept partial shipments. Planning is greedy so that the work
grows with (DCs × SKUs), not with the number of ways to combine DCs:

* **by coverage** — repeatedly take the DC that can ship the most still-needed units
  (fewest shipments; ties go to the DC with the better lane);
* **by lane** — take DCs in the order of their best lane to the customer (meets the
  promise, then cost, then ETA), each shipping what it can.

A greedy pass that covers the whole need with two or more DCs is a ``split_shipment``,
priced twice: each leg on its best lane (promise first) and each leg on its cheapest lane.
A pass that cannot cover the need becomes a *partial plan*: ship what is in stock now and
let the rest wait for inbound receipts (``hold_for_inbound``) or, when no inbound covers
it, be backordered (``backorder``, no ETA). Partial plans are also built from each of the
``MAX_PARTIAL_DCS`` DCs that cover most of the need on their own (ship what that DC has,
hold or backorder the rest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Final

from exdesk.agents.fulfillment_recommender._needs import Need
from exdesk.agents.fulfillment_recommender._network import NetworkView
from exdesk.agents.fulfillment_recommender._plans import Leg, Plan, drafts_for, make_plan
from exdesk.domain import FulfillmentAction

MAX_PARTIAL_DCS: Final = 3
"""How many single-DC partial plans to build (the DCs that cover most of the need)."""

Takes = list[tuple[str, dict[str, int]]]
"""What each DC of a plan ships: (warehouse, units by SKU), in plan order."""


def multi_shipment_plans(
    view: NetworkView, need: Need, sources: Sequence[str], origin: str
) -> list[Plan]:
    """Split shipments and partial plans over the DCs in ``sources``."""
    stock: dict[str, dict[str, int]] = {}
    for wh in sources:
        if not view.lanes_from(wh):
            continue
        held = {sku: min(view.available(wh, sku), qty) for sku, qty in need.by_sku.items()}
        if any(held.values()):
            stock[wh] = {sku: units for sku, units in held.items() if units}
    if not stock:
        return []
    by_lane = _by_best_lane(view, list(stock), need.total_units)
    plans: list[Plan] = []
    for greedy in (_greedy_by_coverage, _greedy_in_order):
        takes = sorted(greedy(stock, need.by_sku, by_lane))  # one canonical leg order
        remainder = _remainder(need.by_sku, takes)
        if remainder:
            plans.append(_partial_plan(view, need, takes, remainder, origin))
        elif len(takes) >= 2:
            plans.append(_split_plan(view, need, takes, cheapest=False))
            plans.append(_split_plan(view, need, takes, cheapest=True))
    total = need.total_units
    coverage = {wh: sum(held.values()) for wh, held in stock.items()}
    partial_dcs = sorted(
        (wh for wh in stock if coverage[wh] < total), key=lambda wh: (-coverage[wh], by_lane[wh])
    )[:MAX_PARTIAL_DCS]
    for wh in partial_dcs:
        takes = [(wh, dict(stock[wh]))]
        plans.append(_partial_plan(view, need, takes, _remainder(need.by_sku, takes), origin))
    return plans


def _by_best_lane(view: NetworkView, warehouses: Iterable[str], units: int) -> dict[str, int]:
    """Each DC's position when DCs are ordered by their best lane for ``units``."""
    keyed: list[tuple[bool, Decimal, date, str]] = []
    for wh in warehouses:
        quote = view.best_quote(wh, units)
        if quote is None:
            keyed.append((True, Decimal("Infinity"), date.max, wh))
        else:
            keyed.append((quote.eta > view.promised, quote.cost, quote.eta, wh))
    return {entry[-1]: position for position, entry in enumerate(sorted(keyed))}


def _greedy_by_coverage(
    stock: Mapping[str, Mapping[str, int]], need: Mapping[str, int], by_lane: Mapping[str, int]
) -> Takes:
    """Take the DC that ships the most still-needed units, until nothing more helps."""
    remaining = dict(need)
    candidates = set(stock)
    takes: Takes = []
    while candidates and any(remaining.values()):
        best, best_units = None, 0
        for wh in sorted(candidates, key=by_lane.__getitem__):
            units = sum(min(a, remaining[s]) for s, a in stock[wh].items())
            if units > best_units:
                best, best_units = wh, units
        if best is None:
            break
        candidates.discard(best)
        takes.append((best, _take(stock[best], remaining)))
    return takes


def _greedy_in_order(
    stock: Mapping[str, Mapping[str, int]], need: Mapping[str, int], by_lane: Mapping[str, int]
) -> Takes:
    """Take DCs in best-lane order, each shipping what it can of what is still needed."""
    remaining = dict(need)
    takes: Takes = []
    for wh in sorted(stock, key=by_lane.__getitem__):
        if not any(remaining.values()):
            break
        taken = _take(stock[wh], remaining)
        if taken:
            takes.append((wh, taken))
    return takes


def _take(held: Mapping[str, int], remaining: dict[str, int]) -> dict[str, int]:
    """Take what a DC holds of the remaining need (updates ``remaining``)."""
    taken: dict[str, int] = {}
    for sku, units in held.items():
        qty = min(units, remaining[sku])
        if qty:
            taken[sku] = qty
            remaining[sku] -= qty
    return taken


def _remainder(need: Mapping[str, int], takes: Takes) -> dict[str, int]:
    """Units still needed after the takes, zeros left out."""
    left = dict(need)
    for _, taken in takes:
        for sku, qty in taken.items():
            left[sku] -= qty
    return {sku: qty for sku, qty in left.items() if qty > 0}


def _stock_legs(view: NetworkView, takes: Takes, *, cheapest: bool) -> list[Leg]:
    """One stock shipment per DC (callers only pass DCs that have a lane)."""
    legs: list[Leg] = []
    for wh, taken in takes:
        quote = view.best_quote(wh, sum(taken.values()), cheapest=cheapest)
        if quote is not None:
            legs.append(Leg.shipping(wh, "stock", quote))
    return legs


def _split_plan(view: NetworkView, need: Need, takes: Takes, *, cheapest: bool) -> Plan:
    legs = _stock_legs(view, takes, cheapest=cheapest)
    drafts = drafts_for(need.lines, ((wh, s, q) for wh, taken in takes for s, q in taken.items()))
    detail = "each leg on its cheapest lane" if cheapest else "each leg on its best lane"
    return make_plan("split_shipment", legs, drafts, view.promised, detail)


def _partial_plan(
    view: NetworkView, need: Need, takes: Takes, remainder: Mapping[str, int], origin: str
) -> Plan:
    """Ship the takes now; the remainder waits for inbound receipts or is backordered."""
    legs = _stock_legs(view, takes, cheapest=False)
    waiting: dict[str, tuple[int, date]] = {}
    backordered = 0
    for sku, qty in remainder.items():
        found = view.earliest_inbound(sku, qty)
        if found is None:
            backordered += qty
            continue
        ready, wh = found
        units, latest = waiting.get(wh, (0, ready))
        waiting[wh] = (units + qty, max(latest, ready))
    for wh, (units, ready) in sorted(waiting.items()):
        quote = view.best_quote(wh, units, ready)
        if quote is not None:
            legs.append(Leg.shipping(wh, "inbound", quote, units, ready))
    if backordered:
        quote = view.best_quote(origin, backordered, cheapest=True)
        legs.append(
            Leg(
                warehouse_id=origin,
                kind="backorder",
                units=backordered,
                lane=quote.lane if quote else None,
                ship_day=None,
                eta=None,
                cost=quote.cost if quote else Decimal("0.00"),
            )
        )
    drafts = drafts_for(need.lines, ((wh, s, q) for wh, taken in takes for s, q in taken.items()))
    action: FulfillmentAction = "backorder" if backordered else "hold_for_inbound"
    return make_plan(action, legs, drafts, view.promised, "partial")
