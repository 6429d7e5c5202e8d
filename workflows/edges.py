"""Where the graph goes next: pure functions of the state, no model, no I/O."""

from __future__ import annotations

from typing import Final

from exdesk.domain import Stage
from exdesk.workflows.routing import next_stage
from exdesk.workflows.stages import STAGES
from exdesk.workflows.state import CaseState, NodeName

STAGE_NODE: Final[dict[Stage, NodeName]] = {stage: spec.node for stage, spec in STAGES.items()}
"""The node that produces each stage's proposal."""


def next_stage_node(state: CaseState) -> NodeName:
    """The next stage's proposal node; ``execute`` once every stage is done."""
    done = state.get("stages_done", [])
    stage = next_stage(state["route"], [*done, *state.get("stages_skipped", [])])
    if stage is not None:
        return STAGE_NODE[stage]
    return "execute" if done else "resolve"


def after_route(state: CaseState) -> NodeName:
    """Triage waits for a person; a case a person closed resolves; others start their stages."""
    if state.get("pending_approval"):
        return "approval_gate"
    if state.get("outcome") in ("closed", "informational"):
        return "resolve"
    return next_stage_node(state)


def after_policies(state: CaseState) -> NodeName:
    """Wait for approval when the policies ask for it; otherwise go on."""
    if state.get("pending_approval"):
        return "approval_gate"
    return next_stage_node(state)


def after_gate(state: CaseState) -> NodeName:
    """A rejection resolves; a human classification re-assesses; an edit is re-checked."""
    if state.get("outcome") == "rejected":
        return "resolve"
    last = state.get("last_decision")
    if last is not None and last["kind"] == "classification":
        return "assess_severity"
    if last is not None and last["decision"] == "edit":
        return "check_policies"
    return next_stage_node(state)
