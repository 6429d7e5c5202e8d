"""The graph's state, and its typed reading at each node's boundary.

The checkpoint holds plain JSON values only: nothing custom is ever deserialised from it,
and the decision log and case tables hold the truth. A node reads its state through one
``StateView``, which validates each part it uses once, into the domain's models.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, NotRequired, TypedDict, TypeVar

from pydantic import BaseModel

from exdesk.domain import (
    ApprovalDecision,
    ApprovalKind,
    CaseClassification,
    CreditReview,
    CustomerMessageProposal,
    DecisionVia,
    DocumentProposal,
    ExceptionEvent,
    FulfillmentOption,
    FulfillmentRecommendation,
    Role,
    Route,
    Severity,
    Stage,
)
from exdesk.domain.context import CaseContext

if TYPE_CHECKING:
    from exdesk.workflows.deps import WorkflowDeps

NodeName = Literal[
    "enrich",
    "classify",
    "assess_severity",
    "route",
    "recommend_fulfillment",
    "extract_document",
    "review_credit",
    "draft_customer_message",
    "check_policies",
    "approval_gate",
    "execute",
    "resolve",
]
"""The nodes of the workflow graph."""

Outcome = Literal["open", "rejected", "closed", "informational"]
"""``rejected``: a human rejected a proposal; ``closed``: nothing to automate (human `other`);
``informational``: routine progress, closed under the ``close_informational`` policy."""

Update = dict[str, Any]
"""What a node returns: the state keys it changes (LangGraph merges them)."""


class PendingApproval(TypedDict):
    """The approval the gate waits for."""

    approval_id: str
    kind: ApprovalKind
    required_role: Role
    stage: Stage | None


class LastDecision(TypedDict):
    """The human decision the gate recorded last."""

    kind: ApprovalKind
    decision: ApprovalDecision


class GateDecision(TypedDict):
    """The value a run resumes with: a decision the service has validated and stored."""

    approval_id: str
    decision: ApprovalDecision
    user: str
    comment: str | None
    edited_proposal: dict[str, Any] | None
    via: NotRequired[DecisionVia | None]
    """How the person was identified (absent in runs paused before release 2's console)."""
    via_key: NotRequired[str | None]


class CaseState(TypedDict, total=False):
    """What one case's run carries from node to node (JSON values only)."""

    tenant_id: str
    case_id: str
    initiated_by: str | None
    """The user who created the case (a manual entry); they may not approve its decisions."""
    seq: int
    """How many decision records the case has; a step's idempotency key derives from it."""
    event: dict[str, Any]
    context: dict[str, Any]
    classification: dict[str, Any]
    severity: Severity
    route: Route
    stage: Stage | None
    """The stage whose proposal is under review."""
    stages_done: list[Stage]
    stages_skipped: list[Stage]
    """Stages whose proposal a person rejected without closing the case (``on_reject``)."""
    proposals: dict[str, dict[str, Any]]
    """The current proposal of each stage, as JSON (an approved edit replaces it)."""
    extraction_error: str | None
    pending_approval: PendingApproval | None
    last_decision: LastDecision | None
    outcome: Outcome
    editors: list[str]
    """Who edited the proposal under review; none of them may approve it."""


ProducerNode = Callable[["WorkflowDeps", CaseState], Update]
"""A stage's proposal node, before it is bound to the workflow's dependencies."""

ModelT = TypeVar("ModelT", bound=BaseModel)


class ValidatedParts:
    """The large parts of runs' states (event, context, proposals), validated once per value.

    Within one run LangGraph hands every node the same value of a part that no node has
    changed since, so it is validated once, not at each node. A part is found by the
    identity of its value, which is held here (its id cannot be reused while it is), for the
    ``size`` parts read last. The models are shared by the nodes that read them: no node
    changes a part's model (a node changes the state only through its update).
    """

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._parts: OrderedDict[tuple[type[BaseModel], int], tuple[object, BaseModel]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def read(self, model: type[ModelT], raw: object) -> ModelT:
        """``raw`` validated as ``model``: the model read before from this very value, or a
        new one."""
        key = (model, id(raw))
        with self._lock:
            found = self._parts.get(key)
            if found is not None and found[0] is raw:
                self._parts.move_to_end(key)
                return found[1]  # type: ignore[return-value]
        return self.remember(raw, model.model_validate(raw))

    def remember(self, raw: object, validated: ModelT) -> ModelT:
        """Hold ``validated`` as the model of ``raw`` (which must be its JSON dump): what a
        node that built the model and put its dump in the state hands on."""
        with self._lock:
            self._parts[(type(validated), id(raw))] = (raw, validated)
            while len(self._parts) > self._size:
                self._parts.popitem(last=False)
        return validated


PARTS = ValidatedParts()
"""The process's validated state parts."""


PROPOSAL_MODELS: dict[Stage, type[BaseModel]] = {
    "remediation": FulfillmentRecommendation,
    "document": DocumentProposal,
    "credit": CreditReview,
    "customer_message": CustomerMessageProposal,
}
"""What each stage's proposal is read as (its step's output without the step's name)."""


class StateView:
    """One node's typed reading of the state; each part is validated on first use, once
    (the event and the context once per run, see :class:`ValidatedParts`)."""

    def __init__(self, state: CaseState) -> None:
        self.state = state

    @cached_property
    def event(self) -> ExceptionEvent:
        """The case's event."""
        return PARTS.read(ExceptionEvent, self.state["event"])

    @cached_property
    def context(self) -> CaseContext:
        """What enrich looked up about the event."""
        raw = self.state.get("context")
        return PARTS.read(CaseContext, raw) if raw else CaseContext()

    @property
    def context_json(self) -> dict[str, Any]:
        """The context as the state holds it, which is its model's JSON dump (an empty
        context's when enrich has not run): what a step that hashes it needs."""
        raw = self.state.get("context")
        return raw if raw else self.context.model_dump(mode="json")

    @cached_property
    def classification(self) -> CaseClassification:
        """The classification the case stands on."""
        return CaseClassification.model_validate(self.state["classification"])

    def _proposal(self, stage: Stage, model: type[ModelT]) -> ModelT | None:
        assert PROPOSAL_MODELS[stage] is model
        raw = self.state.get("proposals", {}).get(stage)
        return None if raw is None else PARTS.read(model, raw)

    @cached_property
    def remediation(self) -> FulfillmentRecommendation | None:
        """The remediation proposal: ranked options, or the one option a person chose."""
        raw = self.state.get("proposals", {}).get("remediation")
        if isinstance(raw, dict) and "action" in raw:
            # Edits used to be stored as the bare option; they read as a one-option plan.
            option = FulfillmentOption.model_validate(raw)
            return FulfillmentRecommendation(options=[option], rationale="edited by a person")
        return self._proposal("remediation", FulfillmentRecommendation)

    @cached_property
    def document(self) -> DocumentProposal | None:
        """The document proposal: what was read and what to do about it."""
        return self._proposal("document", DocumentProposal)

    @cached_property
    def credit(self) -> CreditReview | None:
        """The credit proposal for finance."""
        return self._proposal("credit", CreditReview)

    @cached_property
    def customer_message(self) -> CustomerMessageProposal | None:
        """The customer message proposal: the draft and the facts it may state."""
        return self._proposal("customer_message", CustomerMessageProposal)


def initial_state(
    tenant_id: str, case_id: str, event: dict[str, Any], seq: int, initiated_by: str | None
) -> CaseState:
    """The state a case's run starts from, after its intake record (``seq``)."""
    return CaseState(
        tenant_id=tenant_id,
        case_id=case_id,
        initiated_by=initiated_by,
        seq=seq,
        editors=[],
        event=event,
        stages_done=[],
        proposals={},
        pending_approval=None,
        last_decision=None,
        stage=None,
        extraction_error=None,
        outcome="open",
    )
