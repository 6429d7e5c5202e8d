"""The stages of the workflow, each defined once: who proposes, which policies judge, who
approves, what the approver sees and may edit, what is delivered, and what a precedent
records of it.

A stage is a proposal the workflow produces, reviews and — once approved — executes
(remediation, document, credit, customer message). Adding a stage is one ``StageSpec``
entry in ``STAGES``; ``tests/workflows/test_stages.py`` fails when an entry is incomplete
or disagrees with the graph, the approval kinds or the outbox kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, Literal, TypeVar, get_args

from pydantic import BaseModel

from exdesk.domain import (
    STAGES as STAGE_NAMES,
)
from exdesk.domain import (
    ApprovalKind,
    ApprovalProposal,
    Case,
    ClassificationEdit,
    CreditAction,
    CreditDecision,
    CreditReview,
    CustomerDraft,
    CustomerMessage,
    CustomerMessageProposal,
    DocumentProposal,
    DocumentResolution,
    EventSource,
    FulfillmentOption,
    FulfillmentRecommendation,
    OutboxKind,
    OutboxPayload,
    PartnerNotice,
    PolicyResult,
    RemediationOrder,
    Severity,
    Stage,
)
from exdesk.policies.claims import claims_review
from exdesk.policies.config import PolicyConfig
from exdesk.policies.draft_guard import check_draft
from exdesk.policies.rules import (
    credit_review,
    customer_message_review,
    document_review,
    recipient_review,
    remediation_review,
)
from exdesk.tools.precedents import Resolution
from exdesk.workflows.nodes.proposals import (
    draft_customer_message,
    extract_document,
    recommend_fulfillment,
    review_credit,
)
from exdesk.workflows.state import NodeName, ProducerNode, StateView
from exdesk.workflows.steps import OutboxRequest

ProposalT = TypeVar("ProposalT", bound=BaseModel)
EditT = TypeVar("EditT", bound=BaseModel)

ResolutionField = Literal["remediation_action", "partner_action", "credit_action"]
"""Where a precedent's ``Resolution`` records what a stage did."""

OnReject = Literal["close_case", "skip_stage"]
"""What rejecting a stage's proposal means: ``close_case`` — nothing of the case is done
(stages approved before it are not carried out); ``skip_stage`` — only this proposal is
dropped and the stages approved before it still run (a rep rejecting a reply's wording
sends no message, and never cancels an approved remediation)."""


@dataclass(frozen=True)
class ReviewInputs:
    """What the policies judge a proposal with, beside the proposal itself."""

    severity: Severity | None
    foreign_references: Sequence[str]
    """Identifiers of other customers the event named: a draft must never repeat them."""


@dataclass(frozen=True)
class DeliveryInputs:
    """What an outbox message is addressed with."""

    order_id: str | None
    source: EventSource


@dataclass(frozen=True)
class StageSpec(Generic[ProposalT, EditT]):
    """Everything the workflow, the service and precedent search need to know of a stage."""

    stage: Stage
    node: NodeName
    """The node that produces the stage's proposal."""
    produce: ProducerNode
    """That node's function."""
    approval_kind: ApprovalKind
    """What a person is asked to decide when the policies stop the proposal; the policy
    file names the role (``exdesk.policies.approvals.approver_role``)."""
    current: Callable[[StateView], ProposalT | None]
    """The stage's current proposal, as the graph state carries it."""
    review: Callable[[PolicyConfig, ProposalT, ReviewInputs], list[PolicyResult]]
    """The policies that judge the proposal."""
    approver_view: Callable[[ProposalT], ApprovalProposal]
    """What the approver sees (and what an edit replaces)."""
    edit_model: type[EditT]
    """What a person may put in the proposal's place."""
    merge_edit: Callable[[ProposalT, EditT, str], ProposalT]
    """The proposal with a person's (validated) edit applied; the third argument is who."""
    outbox_kind: OutboxKind
    deliver: Callable[[ProposalT, DeliveryInputs], OutboxPayload | None]
    """What the execute step sends once the stage is approved (None: nothing to send)."""
    resolution_field: ResolutionField | None
    """Where a precedent records the stage's action (None: nothing to record)."""
    executed_action: Callable[[OutboxPayload], str | None]
    """The action an executed outbox message of ``outbox_kind`` carried out."""
    approved_action: Callable[[ApprovalProposal], str | None]
    """The action an approved proposal of ``approval_kind`` would carry out."""
    on_reject: OnReject = "close_case"
    """What a person's ``reject`` of this stage's proposal does to the case."""
    choices: tuple[str, ...] = ()
    """Actions the approver may approve instead of the proposed one (``approve`` with
    ``action``), each a decision of its own: finance releases, keeps or cancels."""
    choose: Callable[[ProposalT, str, str], ProposalT] | None = None
    """The proposal with the approver's chosen action (one of ``choices``); third: who."""

    def outbox_request(self, proposal: ProposalT, inputs: DeliveryInputs) -> OutboxRequest | None:
        """The outbox message the approved proposal commits to, if any."""
        payload = self.deliver(proposal, inputs)
        if payload is None:
            return None
        return OutboxRequest(self.outbox_kind, self.stage, payload)


# --- remediation ------------------------------------------------------------------------------


def _review_remediation(
    policy: PolicyConfig, proposal: FulfillmentRecommendation, inputs: ReviewInputs
) -> list[PolicyResult]:
    return remediation_review(policy, proposal, inputs.severity)


def _merge_remediation(
    proposal: FulfillmentRecommendation, option: FulfillmentOption, user: str
) -> FulfillmentRecommendation:
    return FulfillmentRecommendation(options=[option], rationale=f"edited by {user}")


def _deliver_remediation(
    proposal: FulfillmentRecommendation, inputs: DeliveryInputs
) -> OutboxPayload | None:
    if not proposal.options:
        return None
    return RemediationOrder(order_id=inputs.order_id, option=proposal.options[0])


def _executed_remediation(payload: OutboxPayload) -> str | None:
    return payload.option.action if isinstance(payload, RemediationOrder) else None


def _approved_remediation(proposal: ApprovalProposal) -> str | None:
    if isinstance(proposal, FulfillmentRecommendation) and proposal.options:
        return proposal.options[0].action
    return None


REMEDIATION: Final = StageSpec[FulfillmentRecommendation, FulfillmentOption](
    stage="remediation",
    node="recommend_fulfillment",
    produce=recommend_fulfillment,
    approval_kind="remediation",
    current=lambda view: view.remediation,
    review=_review_remediation,
    approver_view=lambda proposal: proposal,
    edit_model=FulfillmentOption,
    merge_edit=_merge_remediation,
    outbox_kind="remediation",
    deliver=_deliver_remediation,
    resolution_field="remediation_action",
    executed_action=_executed_remediation,
    approved_action=_approved_remediation,
)


# --- document ---------------------------------------------------------------------------------

_NOTIFYING: Final = frozenset(
    {"request_corrected_document", "resubmit_transmission", "fix_and_resend", "retry_transmission"}
)
"""Document resolutions that someone must be told about: the partner, or our own team the
resolution's ``party`` names (the notice goes to that party only)."""


def _review_document(
    policy: PolicyConfig, proposal: DocumentProposal, inputs: ReviewInputs
) -> list[PolicyResult]:
    return document_review(policy, proposal.extraction, proposal.error, proposal.resolution)


def _merge_document(
    proposal: DocumentProposal, resolution: DocumentResolution, user: str
) -> DocumentProposal:
    return proposal.model_copy(update={"resolution": resolution})


def _deliver_document(proposal: DocumentProposal, inputs: DeliveryInputs) -> OutboxPayload | None:
    resolution = proposal.resolution
    if resolution.action not in _NOTIFYING:
        return None
    return PartnerNotice(
        order_id=inputs.order_id, source=inputs.source, **resolution.model_dump(mode="python")
    )


def _executed_document(payload: OutboxPayload) -> str | None:
    return payload.action if isinstance(payload, PartnerNotice) else None


def _approved_document(proposal: ApprovalProposal) -> str | None:
    return proposal.resolution.action if isinstance(proposal, DocumentProposal) else None


DOCUMENT: Final = StageSpec[DocumentProposal, DocumentResolution](
    stage="document",
    node="extract_document",
    produce=extract_document,
    approval_kind="document",
    current=lambda view: view.document,
    review=_review_document,
    approver_view=lambda proposal: proposal,
    edit_model=DocumentResolution,
    merge_edit=_merge_document,
    outbox_kind="partner_notice",
    deliver=_deliver_document,
    resolution_field="partner_action",
    executed_action=_executed_document,
    approved_action=_approved_document,
)


# --- credit -----------------------------------------------------------------------------------


def _review_credit(
    policy: PolicyConfig, proposal: CreditReview, inputs: ReviewInputs
) -> list[PolicyResult]:
    over = (
        proposal.exposure is not None
        and proposal.credit_limit is not None
        and proposal.exposure > proposal.credit_limit
    )
    return [credit_review(policy, over)]


def _choose_credit(proposal: CreditReview, action: str, user: str) -> CreditReview:
    if action == proposal.action:
        return proposal
    return proposal.model_copy(
        update={
            "action": action,
            "rationale": f"{action} decided by {user} (proposed: {proposal.action}); "
            + proposal.rationale,
        }
    )


def _deliver_credit(proposal: CreditReview, inputs: DeliveryInputs) -> OutboxPayload:
    return CreditDecision.model_validate(proposal.model_dump(mode="python"))


def _executed_credit(payload: OutboxPayload) -> str | None:
    return payload.action if isinstance(payload, CreditDecision) else None


def _approved_credit(proposal: ApprovalProposal) -> str | None:
    return proposal.action if isinstance(proposal, CreditReview) else None


CREDIT: Final = StageSpec[CreditReview, CreditReview](
    stage="credit",
    node="review_credit",
    produce=review_credit,
    approval_kind="credit",
    current=lambda view: view.credit,
    review=_review_credit,
    approver_view=lambda proposal: proposal,
    edit_model=CreditReview,
    merge_edit=lambda proposal, edited, user: edited,
    outbox_kind="credit_decision",
    deliver=_deliver_credit,
    resolution_field="credit_action",
    executed_action=_executed_credit,
    approved_action=_approved_credit,
    choices=get_args(CreditAction),
    choose=_choose_credit,
)


# --- customer message -------------------------------------------------------------------------


def _review_message(
    policy: PolicyConfig, proposal: CustomerMessageProposal, inputs: ReviewInputs
) -> list[PolicyResult]:
    violations = check_draft(
        proposal.draft, proposal.request, forbidden_identifiers=inputs.foreign_references
    )
    content = customer_message_review(policy, [violation.message for violation in violations])
    return [
        *content,
        claims_review(policy, proposal.draft, proposal.request),
        recipient_review(policy, proposal.draft.to),
    ]


def _merge_message(
    proposal: CustomerMessageProposal, draft: CustomerDraft, user: str
) -> CustomerMessageProposal:
    # The recipient stays the contact on file: an edit changes the wording only.
    return proposal.model_copy(update={"draft": draft.model_copy(update={"to": proposal.draft.to})})


def _deliver_message(
    proposal: CustomerMessageProposal, inputs: DeliveryInputs
) -> OutboxPayload | None:
    if proposal.draft.to is None:
        return None
    return CustomerMessage(order_id=inputs.order_id, **proposal.draft.model_dump(mode="python"))


CUSTOMER_MESSAGE: Final = StageSpec[CustomerMessageProposal, CustomerDraft](
    stage="customer_message",
    node="draft_customer_message",
    produce=draft_customer_message,
    approval_kind="customer_message",
    current=lambda view: view.customer_message,
    review=_review_message,
    approver_view=lambda proposal: proposal.draft,
    edit_model=CustomerDraft,
    merge_edit=_merge_message,
    outbox_kind="customer_message",
    deliver=_deliver_message,
    resolution_field=None,
    executed_action=lambda payload: None,
    approved_action=lambda proposal: None,
    on_reject="skip_stage",
)


# --- the registry -----------------------------------------------------------------------------

STAGES: Final[dict[Stage, StageSpec[Any, Any]]] = {
    spec.stage: spec for spec in (REMEDIATION, DOCUMENT, CREDIT, CUSTOMER_MESSAGE)
}
"""Every stage, by name."""

STAGE_FOR_KIND: Final[dict[ApprovalKind, StageSpec[Any, Any]]] = {
    spec.approval_kind: spec for spec in STAGES.values()
}
"""The stage a (non-triage) approval decides."""

APPROVAL_EDITS: Final[dict[ApprovalKind, type[BaseModel]]] = {
    "classification": ClassificationEdit,
    **{kind: spec.edit_model for kind, spec in STAGE_FOR_KIND.items()},
}
"""What an edited proposal must validate as, per approval kind (triage edits a category)."""

assert set(STAGES) == set(STAGE_NAMES), "every stage needs exactly one StageSpec"


def resolution_of(case: Case) -> Resolution:
    """How a final case was handled, for precedent search: each stage's action from the
    message it executed or, where it sent none, from the proposal a person approved."""
    if case.status not in {"resolved", "rejected"}:
        raise ValueError(f"case {case.case_id} is {case.status}, not resolved or rejected")
    actions: dict[str, str] = {}
    for spec in STAGES.values():
        if spec.resolution_field is None:
            continue
        executed = (
            spec.executed_action(message.payload)
            for message in case.actions
            if message.kind == spec.outbox_kind
        )
        approved = (
            spec.approved_action(approval.proposal)
            for approval in case.approvals
            if approval.kind == spec.approval_kind and approval.status == "approved"
        )
        action = next((a for a in executed if a), None) or next((a for a in approved if a), None)
        if action is not None:
            actions[spec.resolution_field] = action
    rejected = next((a for a in case.approvals if a.status == "rejected"), None)
    return Resolution.model_validate(
        {
            "status": "rejected" if case.status == "rejected" else "resolved",
            "route": case.route,
            "category": case.classification.category if case.classification else None,
            **actions,
            "actions": sorted({message.kind for message in case.actions}),
            "approved_by": approvers(case),
            "rejected_kind": rejected.kind if rejected else None,
            "rejected_by": rejected.decided_by if rejected else None,
        }
    )


def approvers(case: Case) -> list[str]:
    """Who approved any of the case's proposals, sorted, each once."""
    return sorted({a.decided_by for a in case.approvals if a.status == "approved" and a.decided_by})
