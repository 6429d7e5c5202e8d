"""The ``local`` engine: deterministic option enumeration and ranking, no network.

``recommend`` reads only its request. It works out which units need a new source
(``_needs``), enumerates every feasible plan the exception category allows
(``_categories``), ranks them (``_ranking``: meets the promise first, then lowest cost,
earliest ETA, fewest shipments, then a deterministic tie-break) and explains each option
and the ranking with the numbers (``_rationale``). It never raises for missing data: an
order nothing can serve gets an honest ``backorder`` with no ETA.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from exdesk.agents._outcome import AgentOutcome
from exdesk.agents.fulfillment_recommender._categories import plan_for
from exdesk.agents.fulfillment_recommender._needs import Need, need_of
from exdesk.agents.fulfillment_recommender._network import NetworkView
from exdesk.agents.fulfillment_recommender._plans import Plan
from exdesk.agents.fulfillment_recommender._ranking import rank, shortlist
from exdesk.agents.fulfillment_recommender._rationale import (
    Context,
    describe_option,
    explain_ranking,
    units,
)
from exdesk.agents.fulfillment_recommender.contract import (
    RecommendationEvidence,
    RecommendationOutcome,
    RecommendationRequest,
)
from exdesk.domain import (
    Allocation,
    Category,
    EngineName,
    FulfillmentOption,
    FulfillmentRecommendation,
)

AGENT: Final = "fulfillment_recommender"

PLANNED_CATEGORIES: Final[frozenset[Category]] = frozenset(
    {"inventory_shortage", "carrier_delay", "shipment_damaged", "shipment_lost"}
)
"""Categories whose need is re-sourced; ``duplicate_order`` is handled on its own."""

HANDLING_RULE: Final = (
    "a DC ships on its first working day at or after the proposal time, the next one once its "
    "local cut-off has passed (default 15:00, Mon-Fri, shipped holidays); goods awaiting "
    "inbound ship on the first working day on or after they are ready; ETA = ship day + "
    "transit days; total cost = freight + replacement goods at cost + fees"
)

DEFAULT_MAX_OPTIONS: Final = 20


class LocalFulfillmentRecommender:
    """Enumerates the feasible remediation options of an order and ranks them."""

    engine: EngineName = "local"

    def __init__(self, max_options: int = DEFAULT_MAX_OPTIONS) -> None:
        """``max_options``: how many ranked options to show (plus each action's best)."""
        self.max_options = max(1, max_options)

    def recommend(self, request: RecommendationRequest) -> RecommendationOutcome:
        """Propose ranked options, best first."""
        if request.category == "duplicate_order":
            return self._outcome(_cancel_duplicate(request), RecommendationEvidence(considered=1))
        if request.category not in PLANNED_CATEGORIES:
            rationale = (
                f"{request.category} is not a fulfillment exception: there is no shipment to "
                "re-plan, so no option is proposed."
            )
            return self._outcome(
                FulfillmentRecommendation(options=[], rationale=rationale),
                RecommendationEvidence(considered=0),
            )
        need = need_of(request)
        blocked = _untrusted_stock(request, need)
        view = NetworkView(request, blocked, _skus_to_index(request, need))
        planned = plan_for(request.category, request, view, need)
        ranked = rank(planned.plans)
        shown = shortlist(ranked, self.max_options)
        ctx = Context(
            view=view,
            promised=request.order.promised_date,
            currency=view.currency,
            origin=request.order.warehouse_id,
            order_service=request.order.service_level,
            shipment=request.shipment,
        )
        notes = [_need_sentence(need, request.category), *planned.situation]
        if request.as_of_time is not None:
            notes.insert(0, _timing(view, request))
        if view.ignored_lanes:
            notes.append(
                f"{view.ignored_lanes} lane(s) priced in a currency other than {view.currency} "
                "were ignored."
            )
        notes.append(explain_ranking(ctx, shown, len(ranked)))
        notes += [f"{reason}." for reason in planned.refused]
        recommendation = FulfillmentRecommendation(
            options=[_option(ctx, plan) for plan in shown], rationale=" ".join(notes)
        )
        evidence = RecommendationEvidence(
            considered=len(ranked),
            shown=len(shown),
            need=dict(need.by_sku),
            untrusted_stock=[f"{wh}/{sku}" for wh, sku in blocked],
            refused=list(planned.refused),
            handling_rule=HANDLING_RULE,
        )
        return self._outcome(recommendation, evidence)

    def _outcome(
        self, recommendation: FulfillmentRecommendation, evidence: RecommendationEvidence
    ) -> RecommendationOutcome:
        return AgentOutcome(
            output=recommendation, agent=AGENT, engine=self.engine, evidence=evidence
        )


def _option(ctx: Context, plan: Plan) -> FulfillmentOption:
    services = {leg.lane.service for leg in plan.legs if leg.lane}
    return FulfillmentOption(
        action=plan.action,
        warehouse_id=plan.warehouse_id,
        carrier=plan.carrier,
        service=services.pop() if len(services) == 1 else None,
        eta=plan.eta,
        meets_promise=plan.meets_promise,
        cost=plan.cost,
        goods_cost=plan.goods_cost,
        fees=plan.fees,
        currency=ctx.currency,
        rationale=describe_option(ctx, plan),
        allocations=[
            Allocation(
                line_no=draft.line_no,
                sku=draft.sku,
                qty=draft.qty,
                warehouse_id=draft.warehouse_id,
                substitute_for=draft.substitute_for,
            )
            for draft in plan.allocations
        ],
    )


def _timing(view: NetworkView, request: RecommendationRequest) -> str:
    """When the proposal is made against the order DC's cut-off, and its first ship day."""
    origin = request.order.warehouse_id
    calendar = view.calendar(origin)
    moment = request.as_of_time
    assert moment is not None
    local = calendar.local(moment)
    side = "after" if calendar.after_cutoff(moment) else "before"
    return (
        f"Proposed at {local:%Y-%m-%d %H:%M} {origin} time, {side} its {calendar.cutoff_text} "
        f"cut-off: {origin} can ship on {view.ship_day(origin)} at the earliest."
    )


def _untrusted_stock(request: RecommendationRequest, need: Need) -> list[tuple[str, str]]:
    """For a shortage, the short DC's count of every SKU the exception names or needs.

    The shortage proved that count wrong, so none of it is promised again — not even as a
    substitute for another line.
    """
    if request.category != "inventory_shortage":
        return []
    named = set(need.by_sku) | set(request.affected_skus) | set(request.short_qty)
    return [(request.order.warehouse_id, sku) for sku in sorted(named)]


def _skus_to_index(request: RecommendationRequest, need: Need) -> set[str]:
    """The needed SKUs and their catalogue substitutes: the only stock a plan can use."""
    wanted = set(need.by_sku)
    for entry in request.skus:
        if entry.sku in wanted:
            wanted.update(entry.substitutes)
    return wanted


def _need_sentence(need: Need, category: Category) -> str:
    skus = ", ".join(f"{sku} ×{qty}" for sku, qty in list(need.by_sku.items())[:8])
    more = f" and {len(need.by_sku) - 8} more SKU(s)" if len(need.by_sku) > 8 else ""
    what = "are on the delayed shipment" if category == "carrier_delay" else "need a new source"
    text = f"{units(need.total_units)} on {len(need.lines)} line(s) {what} ({skus}{more})."
    return text + (f" Note: {need.note}." if need.note else "")


def _cancel_duplicate(request: RecommendationRequest) -> FulfillmentRecommendation:
    """Cancel the duplicate: it ships nothing, costs nothing, and breaks no promise.

    ``meets_promise`` is true because the customer's promise rides on the original order,
    which keeps its own stock and ship date.
    """
    order = request.order
    original = request.duplicate_of or "an earlier order (not named by the event)"
    quantity = sum(line.qty for line in order.lines)
    rationale = (
        f"Cancel order {order.order_id}: it duplicates {original}, which keeps its own "
        f"allocation and its {order.promised_date} promise. Cancelling releases "
        f"{units(quantity)} on {len(order.lines)} line(s) from {order.warehouse_id} at no "
        f"shipping cost ({order.currency} 0.00)."
    )
    option = FulfillmentOption(
        action="cancel_duplicate",
        warehouse_id=order.warehouse_id,
        meets_promise=True,
        cost=Decimal("0.00"),
        currency=order.currency,
        rationale=rationale,
    )
    return FulfillmentRecommendation(
        options=[option],
        rationale=(
            f"Order {order.order_id} duplicates {original}; the only remediation is to cancel "
            "the duplicate (cost 0.00), which leaves the original's promise untouched."
        ),
    )
