"""Combining policy results into one verdict the workflow acts on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exdesk.domain import ApprovalDecision, PolicyResult, Role


@dataclass(frozen=True)
class Verdict:
    """What the policies decided about one proposal."""

    results: tuple[PolicyResult, ...]
    stops: bool
    """Some policy requires approval, denies, or routes to triage: a person must decide."""
    required_role: Role | None
    """The role the first stopping result names; None when none names one (the caller
    then uses the stage's approver)."""
    denied: bool
    """A policy forbids the proposal as it stands: it may be edited or rejected only."""
    escalate: bool
    """The case goes to senior attention while it waits."""

    @property
    def needs_approval(self) -> bool:
        """Whether a human must decide before the workflow goes on (fails closed: a stopping
        result without a role still stops)."""
        return self.stops

    @property
    def allowed_decisions(self) -> list[ApprovalDecision]:
        """What the approver may answer."""
        return ["reject", "edit"] if self.denied else ["approve", "reject", "edit"]

    @property
    def reason(self) -> str:
        """Why the proposal stopped (or why it may proceed)."""
        stopping = [r for r in self.results if r.effect != "allow"]
        chosen = stopping or list(self.results)
        return "; ".join(f"{r.policy_id}: {r.reason}" for r in chosen)


_STOPPING = frozenset({"require_approval", "deny", "route_to_triage"})


def combine(results: Sequence[PolicyResult]) -> Verdict:
    """One verdict: stop if any result stops, with the first role one names; deny and
    escalate if any says so."""
    stopping = [r for r in results if r.effect in _STOPPING]
    return Verdict(
        results=tuple(results),
        stops=bool(stopping),
        required_role=next((r.required_role for r in stopping if r.required_role), None),
        denied=any(r.effect == "deny" for r in results),
        escalate=any(r.effect == "escalate" for r in results),
    )
