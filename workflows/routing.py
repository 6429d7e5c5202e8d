"""Routing: pure functions of the classification, thresholds and policies (CONTRACT §2).

No model is ever asked where a case goes.
"""

from __future__ import annotations

from typing import Final

from exdesk.domain import CATEGORY_ROUTE, Category, PolicyResult, Route, Stage

ROUTE_STAGES: Final[dict[Route, tuple[Stage, ...]]] = {
    "fulfillment": ("remediation", "customer_message"),
    "customer_comm": ("customer_message",),
    "document": ("document",),
    "finance": ("credit", "customer_message"),
    "triage": (),
}
"""The stages each route goes through, in order."""


def route_case(category: Category, classification_policy: PolicyResult) -> Route:
    """The route of a classified case: ``triage`` when a policy sends it there (confidence
    under its threshold), else the category's route."""
    if classification_policy.effect == "route_to_triage":
        return "triage"
    return CATEGORY_ROUTE[category]


def next_stage(route: Route, done: tuple[Stage, ...] | list[Stage]) -> Stage | None:
    """The first stage of the route not yet done; None when every stage is done."""
    return next((stage for stage in ROUTE_STAGES[route] if stage not in done), None)
