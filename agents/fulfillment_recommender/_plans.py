"""A candidate option as the planner builds it: shipments ("legs") plus stock allocations.

Plans are plain frozen dataclasses so that enumerating many of them stays cheap; only the
options that are finally shown become pydantic ``FulfillmentOption`` objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from exdesk.agents.fulfillment_recommender._needs import NeedLine
from exdesk.agents.fulfillment_recommender._network import Quote
from exdesk.domain import CarrierLane, FulfillmentAction

LegKind = Literal["stock", "inbound", "backorder", "in_transit"]
"""How a leg's units are sourced: available stock now, stock plus inbound receipts,
no committed supply (backorder), or the order's own freight already in the carrier's
network (a service change the carrier makes)."""


class Draft(NamedTuple):
    """An allocation of available stock: ``qty`` of ``sku`` from ``warehouse_id`` for a line."""

    line_no: int
    sku: str
    qty: int
    warehouse_id: str
    substitute_for: str | None = None


@dataclass(frozen=True)
class Leg:
    """One shipment of a plan."""

    warehouse_id: str | None
    kind: LegKind
    units: int
    lane: CarrierLane | None
    ship_day: date | None
    eta: date | None
    cost: Decimal
    inbound_units: int = 0
    ready: date | None = None
    """For inbound legs: the day the inbound receipts cover the need."""

    @classmethod
    def shipping(
        cls,
        warehouse_id: str,
        kind: LegKind,
        quote: Quote,
        inbound_units: int = 0,
        ready: date | None = None,
    ) -> Leg:
        """A leg that ships on a quoted lane."""
        return cls(
            warehouse_id=warehouse_id,
            kind=kind,
            units=quote.units,
            lane=quote.lane,
            ship_day=quote.ship_day,
            eta=quote.eta,
            cost=quote.cost,
            inbound_units=inbound_units,
            ready=ready,
        )


@dataclass(frozen=True)
class Plan:
    """A candidate option with its ranking facts computed once."""

    action: FulfillmentAction
    legs: tuple[Leg, ...]
    allocations: tuple[Draft, ...]
    eta: date | None
    meets_promise: bool
    cost: Decimal
    """The freight."""
    detail: str = ""
    """Action-specific facts for the rationale (substitutions, inbound dates…)."""
    goods_cost: Decimal = Decimal("0.00")
    """Replacement goods the plan sends on top of the order's own, at cost."""
    fees: Decimal = Decimal("0.00")

    @property
    def total_cost(self) -> Decimal:
        """Everything the plan spends: freight, replacement goods and fees."""
        return self.cost + self.goods_cost + self.fees

    @property
    def shipments(self) -> int:
        """How many shipments the customer receives."""
        return len(self.legs)

    @property
    def warehouse_id(self) -> str | None:
        """The single shipping DC, or None when legs leave from several."""
        ids = {leg.warehouse_id for leg in self.legs}
        return ids.pop() if len(ids) == 1 else None

    @property
    def carrier(self) -> str | None:
        """The carrier when every leg uses the same one."""
        carriers = {leg.lane.carrier if leg.lane else None for leg in self.legs}
        return carriers.pop() if len(carriers) == 1 else None

    @property
    def signature(self) -> tuple[object, ...]:
        """What makes two plans the same option (used to drop duplicates)."""
        return (
            self.action,
            tuple(
                (
                    leg.warehouse_id,
                    leg.kind,
                    leg.units,
                    leg.lane.carrier if leg.lane else None,
                    leg.lane.service if leg.lane else None,
                )
                for leg in self.legs
            ),
            self.allocations,
        )


def make_plan(
    action: FulfillmentAction,
    legs: Sequence[Leg],
    allocations: Iterable[Draft],
    promised: date,
    detail: str = "",
) -> Plan:
    """Build a plan; its ETA is the last leg's (None when any leg has no ETA)."""
    etas = [leg.eta for leg in legs]
    eta = None if not etas or any(e is None for e in etas) else max(e for e in etas if e)
    return Plan(
        action=action,
        legs=tuple(legs),
        allocations=tuple(allocations),
        eta=eta,
        meets_promise=eta is not None and eta <= promised,
        cost=sum((leg.cost for leg in legs), Decimal("0.00")),
        detail=detail,
    )


def drafts_for(
    lines: Sequence[NeedLine], takes: Iterable[tuple[str, str, int]]
) -> tuple[Draft, ...]:
    """Spread ``(warehouse, sku, units)`` takes over the lines of each SKU in line order."""
    remaining = {line.line_no: line.qty for line in lines}
    lines_of: dict[str, list[NeedLine]] = {}
    for line in lines:
        lines_of.setdefault(line.sku, []).append(line)
    drafts: list[Draft] = []
    for warehouse_id, sku, units in takes:
        left = units
        for line in lines_of.get(sku, ()):
            if left == 0:
                break
            qty = min(left, remaining[line.line_no])
            if qty > 0:
                remaining[line.line_no] -= qty
                left -= qty
                drafts.append(Draft(line.line_no, sku, qty, warehouse_id))
    return tuple(sorted(drafts))


def takes_from(warehouse_id: str, by_sku: Mapping[str, int]) -> list[tuple[str, str, int]]:
    """The takes of one DC, skipping zero quantities."""
    return [(warehouse_id, sku, units) for sku, units in by_sku.items() if units > 0]
