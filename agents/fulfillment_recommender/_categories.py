"""Which remediations each exception category allows, and the plans they yield.

* ``inventory_shortage`` — the order's DC is short of the affected SKUs, so its count of
  them is not trusted (treated as zero). Offered: ``ship_from_alternate_dc`` (another DC,
  a lane at or below the ordered service), ``expedite`` (the same from another DC on a
  faster service), ``hold_for_inbound`` (any DC, including the order's), ``backorder``,
  and, when the customer allows them, ``substitute_sku`` and ``split_shipment`` / partial
  plans.
* ``carrier_delay`` — ``expedite`` by re-tendering the goods already picked at the order's
  DC to another carrier or service; when the delayed shipment's ETA misses the promise (or
  is unknown), also ``reship`` from any DC holding the whole need.
* ``shipment_damaged`` / ``shipment_lost`` — the goods must be sent again: ``reship`` from
  any DC with stock (``expedite`` when the lane is faster than ordered),
  ``hold_for_inbound``, ``backorder``, and, when allowed, ``substitute_sku`` and
  ``split_shipment`` / partial plans.

Whatever the category, when nothing else is feasible the answer is an honest
``backorder`` with no ETA.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exdesk.agents.fulfillment_recommender._needs import Need
from exdesk.agents.fulfillment_recommender._network import NetworkView
from exdesk.agents.fulfillment_recommender._plans import Plan
from exdesk.agents.fulfillment_recommender._rationale import promise_clause, units
from exdesk.agents.fulfillment_recommender._sourcing import (
    backorder_plan,
    by_speed,
    hold_plans,
    retender_plans,
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
        action_for = by_speed("ship_from_alternate_dc", order.service_level)
        planned.situation.append(
            f"{origin}'s count of the short SKU(s) is not trusted after the shortage."
        )
    else:
        sources = shipping
        action_for = by_speed("reship", order.service_level)
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
    return planned


def _carrier_delay(request: RecommendationRequest, view: NetworkView, need: Need) -> Planned:
    """Re-tender the delayed goods; reship when the delay breaks the promise."""
    order, shipment = request.order, request.shipment
    delayed_eta = shipment.eta if shipment else None
    planned = Planned()
    name = f"Shipment {shipment.shipment_id}" if shipment else "The delayed shipment"
    if delayed_eta is None:
        planned.situation.append(f"{name} has no current ETA, so the promise is at risk.")
    else:
        clause = promise_clause(order.promised_date, delayed_eta)
        planned.situation.append(f"{name} is delayed: {clause}.")
    breaks = delayed_eta is None or delayed_eta > order.promised_date
    planned.plans += retender_plans(view, order.warehouse_id, need.total_units, shipment)
    if breaks:
        planned.plans += stock_plans(
            view, need, view.shipping_warehouses(), lambda service: "reship"
        )
    else:
        planned.situation.append(
            "The delay does not break the promise: no remediation is required, the options "
            f"below only buy margin for the {units(need.total_units)}."
        )
    return planned
