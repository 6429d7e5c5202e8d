"""The exception workflow as a LangGraph StateGraph (deterministic routing, durable state).

enrich → classify → assess_severity → route ─┬─ approval_gate (triage) ─→ assess_severity
                                             └─ stage proposal → check_policies ─┬─ approval_gate
                                                  ↑                              │
                                                  └───── next stage ─────────────┘
                                               … → execute → resolve
"""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import RetryPolicy
from psycopg import OperationalError

from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.edges import STAGE_NODE, after_gate, after_policies, after_route
from exdesk.workflows.nodes.analysis import AnalysisNodes
from exdesk.workflows.nodes.completion import CompletionNodes
from exdesk.workflows.nodes.proposals import ProposalNodes
from exdesk.workflows.nodes.review import ReviewNodes
from exdesk.workflows.state import CaseState

WORKFLOW_NAME = "exception_case"

_TRANSIENT = RetryPolicy(max_attempts=3, retry_on=OperationalError)
"""A lost database connection is retried; every other error fails the case with a reason."""


def build_graph(
    deps: WorkflowDeps, checkpointer: BaseCheckpointSaver[Any] | None
) -> CompiledStateGraph[CaseState, None, CaseState, CaseState]:
    """Compile the workflow against one checkpointer."""
    analysis = AnalysisNodes(deps)
    proposals = ProposalNodes(deps)
    review = ReviewNodes(deps)
    completion = CompletionNodes(deps)

    graph = StateGraph(CaseState)
    nodes = {
        "enrich": analysis.enrich,
        "classify": analysis.classify,
        "assess_severity": analysis.assess_severity,
        "route": analysis.route,
        "recommend_fulfillment": proposals.recommend_fulfillment,
        "extract_document": proposals.extract_document,
        "review_credit": proposals.review_credit,
        "draft_customer_message": proposals.draft_customer_message,
        "check_policies": review.check_policies,
        "approval_gate": review.approval_gate,
        "execute": completion.execute,
        "resolve": completion.resolve,
    }
    for name, node in nodes.items():
        graph.add_node(name, node, retry_policy=_TRANSIENT)

    stage_nodes = list(STAGE_NODE.values())
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
