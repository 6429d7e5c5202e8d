"""The exception workflow as a LangGraph StateGraph (deterministic routing, durable state).

enrich → classify → assess_severity → route ─┬─ approval_gate (triage) ─→ assess_severity
                                             └─ stage proposal → check_policies ─┬─ approval_gate
                                                  ↑                              │
                                                  └───── next stage ─────────────┘
                                               … → execute → resolve
"""

from __future__ import annotations

from functools import partial
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import RetryPolicy
from psycopg import OperationalError

from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.edges import after_gate, after_policies, after_route
from exdesk.workflows.nodes.analysis import assess_severity, classify, enrich, route
from exdesk.workflows.nodes.completion import execute, resolve
from exdesk.workflows.nodes.review import approval_gate, check_policies
from exdesk.workflows.stages import STAGES
from exdesk.workflows.state import CaseState, NodeName, ProducerNode

WORKFLOW_NAME = "exception_case"

_TRANSIENT = RetryPolicy(max_attempts=3, retry_on=OperationalError)
"""A lost database connection is retried; every other error fails the case with a reason."""

_NODES: dict[NodeName, ProducerNode] = {
    "enrich": enrich,
    "classify": classify,
    "assess_severity": assess_severity,
    "route": route,
    **{spec.node: spec.produce for spec in STAGES.values()},
    "check_policies": check_policies,
    "approval_gate": approval_gate,
    "execute": execute,
    "resolve": resolve,
}
"""Every node's function, before it is bound to the workflow's dependencies."""


def build_graph(
    deps: WorkflowDeps, checkpointer: BaseCheckpointSaver[Any] | None
) -> CompiledStateGraph[CaseState, None, CaseState, CaseState]:
    """Compile the workflow against one checkpointer."""
    graph = StateGraph(CaseState)
    for name, node in _NODES.items():
        graph.add_node(name, partial(node, deps), retry_policy=_TRANSIENT)

    stage_nodes = [spec.node for spec in STAGES.values()]
    graph.add_edge(START, "enrich")
    graph.add_edge("enrich", "classify")
    graph.add_edge("classify", "assess_severity")
    graph.add_edge("assess_severity", "route")
    graph.add_conditional_edges(
        "route", after_route, ["approval_gate", "resolve", "execute", *stage_nodes]
    )
    for stage_node in stage_nodes:
        graph.add_edge(stage_node, "check_policies")
    graph.add_conditional_edges(
        "check_policies", after_policies, ["approval_gate", "execute", "resolve", *stage_nodes]
    )
    graph.add_conditional_edges(
        "approval_gate",
        after_gate,
        ["resolve", "assess_severity", "check_policies", "execute", *stage_nodes],
    )
    graph.add_edge("execute", "resolve")
    graph.add_edge("resolve", END)
    return graph.compile(checkpointer=checkpointer, name=WORKFLOW_NAME)
