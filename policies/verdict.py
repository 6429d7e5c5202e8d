"""Combining policy results into one verdict the workflow acts on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exdesk.domain import ApprovalDecision, PolicyResult, Role


@dataclass(frozen=True)
class Verdict:
    """What the policies decided about one proposal."""

    results: tuple[PolicyResult, ...]
    required_role: Role | None
    """Who must approve; None when the proposal may proceed on its own."""
    denied: bool
    """A policy forbids the proposal as it stands: it may be edited or rejected only."""
    escalate: bool
    """The case goes to senior attention while it waits."""

    @property
    def needs_approval(self) -> bool:
        """Whether a human must decide before the workflow goes on."""
        return self.required_role is not None

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


def combine(results: Sequence[PolicyResult]) -> Verdict:
    """One verdict: the first role any result requires, deny and escalate if any says so."""
    required = next(
        (
            r.required_role
            for r in results
            if r.effect in {"require_approval", "deny", "route_to_triage"} and r.required_role
        ),
        None,
    )
    return Verdict(
        results=tuple(results),
        required_role=required,
        denied=any(r.effect == "deny" for r in results),
        escalate=any(r.effect == "escalate" for r in results),
    )
