"""Which remediations each exception category allows, and the plans they yield.

* ``inventory_shortage`` — the order's DC is short of the affected SKUs, so its count of
  them is not trusted (treated as zero). Offered: ``ship_from_alternate_dc`` (another DC,
  any lane), ``hold_for_inbound`` (any DC, including the order's), ``backorder``, and, when
  the customer allows them, ``substitute_sku`` and ``split_shipment`` / partial plans.
* ``carrier_delay`` — the freight is in the carrier's network, not at the DC. When the
  delayed ETA still meets the promise: ``monitor`` (no spend) first, the carrier's faster
  services as margin. When it misses (or is unknown): ``monitor`` (wait for it),
  ``expedite`` (the same carrier on a faster service than the shipment's), and ``reship``
  from any DC holding the whole need (replacement goods counted at cost).
* ``shipment_damaged`` / ``shipment_lost`` — the goods must be sent again: ``reship`` from
  any DC with stock, ``hold_for_inbound``, ``backorder``, and, when allowed,
  ``substitute_sku`` and ``split_shipment`` / partial plans; every one of them spends the
  replacement goods at cost on top of the freight.

Whatever the category, when nothing else is feasible the answer is an honest
``backorder`` with no ETA.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from exdesk.agents.fulfillment_recommender._needs import Need
from exdesk.agents.fulfillment_recommender._network import NetworkView
from exdesk.agents.fulfillment_recommender._plans import Plan
from exdesk.agents.fulfillment_recommender._rationale import promise_clause, units
from exdesk.agents.fulfillment_recommender._sourcing import (
    backorder_plan,
    carrier_plans,
    hold_plans,
    monitor_plan,
    named,
    stock_plans,
    substitute_plans,
)
from exdesk.agents.fulfillment_recommender._splitting import multi_shipment_plans
from exdesk.agents.fulfillment_recommender.contract import RecommendationRequest
from exdesk.domain import Category


@dataclass
class Planned:
    """The plans of one request and what the rationale must say about how they were made."""

    plans: list[Plan] = field(default_factory=list)
    situation: list[str] = field(default_factory=list)
    """Facts about the exception (e.g. the delayed ETA versus the promise)."""
    refused: list[str] = field(default_factory=list)
    """Remediations not offered, and why."""


def plan_for(
    category: Category, request: RecommendationRequest, view: NetworkView, need: Need
) -> Planned:
    """All candidate plans for a fulfillment category (see the module docstring)."""
    if category == "carrier_delay":
        planned = _carrier_delay(request, view, need)
    else:
        planned = _resource(category, request, view, need)
    if not planned.plans:
        planned.situation.append(
            "No DC, lane or inbound receipt can serve the need; the only honest answer is to "
            "backorder it."
        )
        planned.plans.append(
            backorder_plan(view, need, request.order.warehouse_id, request.order.service_level)
        )
    return planned


def _resource(
    category: Category, request: RecommendationRequest, view: NetworkView, need: Need
) -> Planned:
    """Shortage, damage and loss: the need must be sourced again."""
    order, customer = request.order, request.customer
    origin = order.warehouse_id
    shipping = view.shipping_warehouses()
    planned = Planned()
    if category == "inventory_shortage":
        sources = [wh for wh in shipping if wh != origin]
        action_for = named("ship_from_alternate_dc")
        planned.situation.append(
            f"{origin}'s count of the short SKU(s) is not trusted after the shortage."
        )
    else:
        sources = shipping
        action_for = named("reship")
    planned.plans += stock_plans(view, need, sources, action_for)
    planned.plans += hold_plans(view, need, shipping)
    planned.plans.append(backorder_plan(view, need, origin, order.service_level))
    if customer.allows_substitution:
        catalogue = {sku.sku: sku for sku in request.skus}
        planned.plans += substitute_plans(view, need, catalogue, shipping)
    else:
        planned.refused.append(f"No substitute_sku: {customer.name} does not accept substitutions")
    if customer.allows_partial_shipment:
        planned.plans += multi_shipment_plans(view, need, shipping, origin)
    else:
        planned.refused.append(
            f"No split_shipment or partial plan: {customer.name} does not accept partial shipments"
        )
    if category != "inventory_shortage":
        planned.plans = [_with_goods(plan, view, need) for plan in planned.plans]
        planned.situation.append(
            f"The replacement goods are counted at cost ({_money(view, goods_value(view, need))}"
            " for the whole need) on top of the freight."
        )
    return planned


def goods_value(view: NetworkView, need: Need) -> Decimal:
    """What the needed units are worth to us (unit cost, else the order's price)."""
    return sum(
        (view.unit_value(line.sku) * line.qty for line in need.lines), Decimal("0.00")
    ).quantize(Decimal("0.01"))


def _with_goods(plan: Plan, view: NetworkView, need: Need) -> Plan:
    """The plan with the replacement goods it sends counted at cost (a substitute plan's
    goods are the substitutes it allocates)."""
    if plan.action == "substitute_sku":
        value = sum(
            (view.unit_value(d.sku) * d.qty for d in plan.allocations), Decimal("0.00")
        ).quantize(Decimal("0.01"))
    else:
        value = goods_value(view, need)
    return replace(plan, goods_cost=value)


def _money(view: NetworkView, amount: Decimal) -> str:
    return f"{view.currency} {amount:.2f}"


def _carrier_delay(request: RecommendationRequest, view: NetworkView, need: Need) -> Planned:
    """The freight is with the carrier: watch it, have the carrier expedite it, or — when
    the promise breaks — reship from stock."""
    order, shipment = request.order, request.shipment
    delayed_eta = shipment.eta if shipment else None
    planned = Planned()
    name = f"Shipment {shipment.shipment_id}" if shipment else "The delayed shipment"
    where = f" with {shipment.carrier}" if shipment else ""
    if delayed_eta is None:
        planned.situation.append(f"{name}{where} has no current ETA, so the promise is at risk.")
    else:
        clause = promise_clause(order.promised_date, delayed_eta)
        planned.situation.append(f"{name} is delayed{where}: {clause}.")
    planned.situation.append(
        "The goods are in the carrier's network, not at the DC: only the carrier can move "
        "them faster, or we send new goods from stock."
    )
    breaks = delayed_eta is None or delayed_eta > order.promised_date
    planned.plans.append(monitor_plan(view, delayed_eta))
    # the desk asks the carrier in business hours: after the cut-off, the next working day
    ready = view.ship_day(order.warehouse_id)
    planned.plans += carrier_plans(view, order.warehouse_id, need.total_units, shipment, ready)
    if breaks:
        reships = stock_plans(view, need, view.shipping_warehouses(), named("reship"))
        planned.plans += [_with_goods(plan, view, need) for plan in reships]
    else:
        planned.situation.append(
            "The delay does not break the promise: no remediation is required; monitor the "
            f"shipment and keep the customer informed. The other options only buy margin for "
            f"the {units(need.total_units)}."
        )
    return planned
