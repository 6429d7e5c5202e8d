"""How options are ordered, pruned and cut to a readable list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from exdesk.agents.fulfillment_recommender._network import SERVICE_RANK
from exdesk.agents.fulfillment_recommender._plans import Plan
from exdesk.domain import FulfillmentAction

ACTION_ORDER: Final[dict[FulfillmentAction, int]] = {
    "cancel_duplicate": 0,
    "ship_from_alternate_dc": 1,
    "reship": 2,
    "expedite": 3,
    "substitute_sku": 4,
    "split_shipment": 5,
    "hold_for_inbound": 6,
    "backorder": 7,
    "monitor": -1,
}
"""Tie-break between otherwise equal options: simpler remediations first."""

_LAST = "\uffff"


def rank_key(plan: Plan, order: int = 0) -> tuple[object, ...]:
    """Meets the promise first; among those that meet it, lowest total cost, earliest ETA,
    fewest shipments; among those that miss it, earliest ETA (least late, no ETA last),
    then lowest total cost — waiting for nothing is never the best way to be late.

    Remaining ties go by action (``ACTION_ORDER``), warehouse id, carrier, service speed
    (slower first, it is the least disruptive), then ``order`` (the deterministic order
    in which the plans were generated).
    """
    late = not plan.meets_promise
    eta = plan.eta or date.max
    return (
        late,
        eta if late else date.min,
        plan.total_cost,
        eta,
        plan.shipments,
        ACTION_ORDER[plan.action],
        plan.warehouse_id or _LAST,
        plan.carrier or _LAST,
        tuple(SERVICE_RANK[leg.lane.service] if leg.lane else 9 for leg in plan.legs),
        order,
    )


def dominates(better: Plan, worse: Plan) -> bool:
    """True when ``better`` is no worse on promise, cost and ETA, and better on one."""
    better_eta = better.eta or date.max
    worse_eta = worse.eta or date.max
    no_worse = (
        better.meets_promise >= worse.meets_promise
        and better.total_cost <= worse.total_cost
        and better_eta <= worse_eta
    )
    strictly = (
        better.meets_promise > worse.meets_promise
        or better.total_cost < worse.total_cost
        or better_eta < worse_eta
    )
    return no_worse and strictly


def undominated(plans: Sequence[Plan]) -> list[Plan]:
    """Drop plans another plan of the same group beats on every count.

    Callers pass one group at a time: the same action from the same DC with the same
    allocations, differing only by lane. A lane that is slower *and* dearer than another
    lane from that DC is not a real choice.
    """
    return [p for p in plans if not any(dominates(q, p) for q in plans if q is not p)]


def rank(plans: Sequence[Plan]) -> list[Plan]:
    """Plans best first, duplicates (same action, legs and allocations) dropped."""
    keyed = sorted(((rank_key(p, i), p) for i, p in enumerate(plans)), key=lambda kp: kp[0])
    seen: set[tuple[object, ...]] = set()
    ranked: list[Plan] = []
    for _, plan in keyed:
        signature = plan.signature
        if signature not in seen:
            seen.add(signature)
            ranked.append(plan)
    return ranked


def shortlist(ranked: Sequence[Plan], max_options: int) -> list[Plan]:
    """The best ``max_options`` plans, plus the best plan of every action not among them.

    Keeping one plan per action lets a reviewer see, say, the backorder fallback even when
    twenty shipping options outrank it. Rank order is preserved.
    """
    shown: list[Plan] = []
    actions: set[FulfillmentAction] = set()
    for index, plan in enumerate(ranked):
        if index < max_options or plan.action not in actions:
            shown.append(plan)
            actions.add(plan.action)
    return shown
