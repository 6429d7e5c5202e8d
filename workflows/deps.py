"""What the workflow's nodes need: the database, the agents and the policies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from exdesk.agents.registry import AgentSet
from exdesk.policies.config import PolicyConfig
from exdesk.store.database import Database
from exdesk.tools.precedents import PrecedentIndex
from exdesk.workflows.steps import DeliveryHook, StepRecorder


@dataclass(frozen=True)
class WorkflowDeps:
    """Shared by every node of every graph built from it."""

    db: Database
    agents: AgentSet
    policy: PolicyConfig
    precedents: Callable[[], PrecedentIndex] | None = None
    """The precedent index, built on first use; None leaves precedents out of the evidence."""
    deliver: DeliveryHook | None = None
    """Called in the transaction that commits each outbox message, to have it delivered."""
    recorder: StepRecorder = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "recorder", StepRecorder(self.db, self.deliver))
