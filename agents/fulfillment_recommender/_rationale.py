"""The words: why each option is what it is, and why the first option beats the second."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from exdesk.agents.fulfillment_recommender._network import NetworkView
from exdesk.agents.fulfillment_recommender._plans import Leg, Plan
from exdesk.agents.fulfillment_recommender._ranking import ACTION_ORDER
from exdesk.domain import ServiceLevel, Shipment


@dataclass(frozen=True)
class Context:
    """Facts of the request every sentence may quote."""

    view: NetworkView
    promised: date
    currency: str
    origin: str
    order_service: ServiceLevel
    shipment: Shipment | None


def money(ctx: Context, amount: Decimal) -> str:
    """``USD 16.50``."""
    return f"{ctx.currency} {amount:.2f}"


def units(n: int) -> str:
    """``1 unit`` / ``8 units``."""
    return f"{n} unit" if n == 1 else f"{n} units"


def days(n: int) -> str:
    """``1 day`` / ``3 days``."""
    return f"{n} day" if n == 1 else f"{n} days"


def promise_clause(promised: date, eta: date | None) -> str:
    """How an ETA compares with the promised date."""
    if eta is None:
        return f"no committed ETA, so it cannot meet the {promised} promise"
    slack = (promised - eta).days
    if slack > 0:
        return f"ETA {eta} meets the {promised} promise ({days(slack)} early)"
    if slack == 0:
        return f"ETA {eta} meets the {promised} promise on the day"
    return f"ETA {eta} misses the {promised} promise by {days(-slack)}"


def describe_leg(ctx: Context, leg: Leg) -> str:
    """One shipment with its DC, lane, dates and cost arithmetic."""
    wh = leg.warehouse_id or "?"
    place = f"{wh} ({ctx.view.region_of(wh) or 'unknown region'})"
    lane = leg.lane
    if leg.kind == "backorder":
        text = f"{units(leg.units)} backordered at {place}: no stock or inbound covers them"
        if lane is None:
            return text + ", and no lane from that DC is known (cost 0)"
        return text + (
            f"; when replenished, {lane.carrier} {lane.service} would cost {money(ctx, leg.cost)}"
        )
    if lane is None:  # only backorder legs lack a lane
        return f"{units(leg.units)} from {place}"
    if leg.kind == "inbound":
        stock = leg.units - leg.inbound_units
        source = f"{units(leg.units)} at {place} ({stock} in stock + {leg.inbound_units} inbound"
        source += f", complete {leg.ready})"
    elif leg.kind == "in_transit":
        carrier = ctx.shipment.carrier if ctx.shipment else lane.carrier
        source = f"{units(leg.units)} in {carrier}'s network (shipped from {place})"
    else:
        source = f"{units(leg.units)} from {place}"
    route = (
        f"via {lane.carrier} {lane.service} {lane.origin_region}→{lane.dest_region}, "
        f"{days(lane.transit_days)} in transit"
    )
    cost = (
        f"{money(ctx, lane.cost_per_shipment)} + {leg.units} × {money(ctx, lane.cost_per_unit)}"
        f" = {money(ctx, leg.cost)}"
    )
    if leg.kind == "in_transit":
        return (
            f"{source} moved to {lane.carrier} {lane.service} ({days(lane.transit_days)} "
            f"{lane.origin_region}→{lane.dest_region}, estimated from the lane): from "
            f"{leg.ship_day}, arrives {leg.eta}; {cost} (the carrier's price decides)"
        )
    return f"{source} {route}: ships {leg.ship_day}, arrives {leg.eta}; {cost}"


def describe_option(ctx: Context, plan: Plan) -> str:
    """What the option does, its shipments with their numbers, and ETA versus promise."""
    total = sum(leg.units for leg in plan.legs)
    head = _headline(ctx, plan, total)
    if plan.action == "monitor":
        clause = promise_clause(ctx.promised, plan.eta)
        return f"{head} {clause}; total cost {money(ctx, plan.total_cost)}."
    legs = "; ".join(describe_leg(ctx, leg) for leg in plan.legs)
    tail = promise_clause(ctx.promised, plan.eta)
    if len(plan.legs) > 1:
        tail += f"; freight {money(ctx, plan.cost)} over {plan.shipments} shipments"
    tail += f"; total cost {spend(ctx, plan)}"
    return f"{head} {legs}. {tail[0].upper()}{tail[1:]}."


def spend(ctx: Context, plan: Plan) -> str:
    """``USD 3002.63 (goods USD 2861.88 + freight USD 140.75)``."""
    if not plan.goods_cost and not plan.fees:
        return money(ctx, plan.total_cost)
    parts = [f"goods {money(ctx, plan.goods_cost)}", f"freight {money(ctx, plan.cost)}"]
    if plan.fees:
        parts.append(f"fees {money(ctx, plan.fees)}")
    return f"{money(ctx, plan.total_cost)} ({' + '.join(parts)})"


def _headline(ctx: Context, plan: Plan, total: int) -> str:
    first = plan.legs[0] if plan.legs else None
    wh = plan.warehouse_id or "several DCs"
    lines = len({d.line_no for d in plan.allocations})
    if plan.action == "ship_from_alternate_dc":
        return f"Ship the {units(total)} needed from alternate DC {wh} instead of {ctx.origin}:"
    if plan.action == "monitor":
        if ctx.shipment is None:
            return "Monitor the delayed shipment and keep the customer informed; no spend:"
        return (
            f"Monitor shipment {ctx.shipment.shipment_id} with {ctx.shipment.carrier} and keep "
            "the customer informed; no spend:"
        )
    if plan.action == "reship":
        return f"Reship {units(total)} of new goods from {wh}:"
    if plan.action == "expedite" and ctx.shipment is not None:
        service = first.lane.service if first and first.lane else "a faster"
        return (
            f"Ask {ctx.shipment.carrier} to move shipment {ctx.shipment.shipment_id} from "
            f"{ctx.shipment.service} to {service} service:"
        )
    if plan.action == "expedite":
        service = first.lane.service if first and first.lane else "a faster"
        return f"Expedite on {service} service (order is {ctx.order_service}):"
    if plan.action == "substitute_sku":
        return f"Ship {lines} line(s) from {wh}, {plan.detail}:"
    if plan.action == "split_shipment":
        return f"Split the {units(total)} over {plan.shipments} shipments ({plan.detail}):"
    now = sum(leg.units for leg in plan.legs if leg.kind == "stock")
    if plan.action == "hold_for_inbound" and plan.detail == "partial":
        return f"Ship {units(now)} in stock now and hold {units(total - now)} for inbound:"
    if plan.action == "hold_for_inbound":
        ready = first.ready if first else None
        return f"Hold the need at {wh} until inbound stock completes it on {ready}:"
    if plan.action == "backorder" and plan.detail == "partial":
        late = sum(leg.units for leg in plan.legs if leg.kind != "stock")
        return f"Ship {units(now)} in stock now; the other {units(late)} wait or are backordered:"
    return f"Backorder the {units(total)} at {wh}:"


def explain_ranking(ctx: Context, ranked: Sequence[Plan], considered: int) -> str:
    """Why #1 beats #2, with the numbers, and how many options meet the promise."""
    if not ranked:
        return "No feasible option."
    best = ranked[0]
    on_time = sum(1 for p in ranked if p.meets_promise)
    parts = [
        f"{considered} feasible option(s) evaluated, {len(ranked)} shown, {on_time} meeting "
        f"the {ctx.promised} promise."
    ]
    label = f"#1 {best.action}" + (f" from {best.warehouse_id}" if best.warehouse_id else "")
    parts.append(f"{label} costs {spend(ctx, best)}, {promise_clause(ctx.promised, best.eta)}.")
    if len(ranked) > 1:
        parts.append(_why_first(ctx, best, ranked[1]))
    elif on_time == 0:
        parts.append("It is the only option and it cannot meet the promise.")
    return " ".join(parts)


def _why_first(ctx: Context, best: Plan, second: Plan) -> str:
    label = f"#2 {second.action}" + (f" from {second.warehouse_id}" if second.warehouse_id else "")
    if best.meets_promise and not second.meets_promise:
        return (
            f"It beats {label} because {label} misses: {promise_clause(ctx.promised, second.eta)}."
        )
    if not best.meets_promise and (best.eta or date.max) < (second.eta or date.max):
        extra = best.total_cost - second.total_cost
        cost = f", for {money(ctx, extra)} more" if extra > 0 else f", saving {money(ctx, -extra)}"
        return (
            f"Neither meets the promise; it beats {label} by arriving earlier: {best.eta} vs "
            f"{second.eta or 'no ETA'}{cost if extra else ''}."
        )
    if best.total_cost < second.total_cost:
        both = "both meet the promise" if best.meets_promise else "neither meets the promise"
        return (
            f"It beats {label} on total cost ({both}): {money(ctx, best.total_cost)} vs "
            f"{money(ctx, second.total_cost)}, saving "
            f"{money(ctx, second.total_cost - best.total_cost)}."
        )
    if best.eta != second.eta:
        return (
            f"It beats {label} at the same cost {money(ctx, best.total_cost)} by arriving earlier: "
            f"{best.eta} vs {second.eta or 'no ETA'}."
        )
    if best.shipments < second.shipments:
        return (
            f"It beats {label} at the same cost and ETA with fewer shipments "
            f"({best.shipments} vs {second.shipments})."
        )
    tie = (
        "simpler action first"
        if ACTION_ORDER[best.action] < ACTION_ORDER[second.action]
        else ("then DC id, carrier and service speed")
    )
    return (
        f"It ties with {label} on promise, cost, ETA and shipments; the tie-break is "
        f"deterministic ({tie})."
    )
