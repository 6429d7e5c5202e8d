"""Each stage is defined once, completely, and agrees with the graph, the approval kinds,
the outbox kinds and the precedents."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any, get_args

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from exdesk.domain import (
    STAGES as STAGE_NAMES,
)
from exdesk.domain import (
    ApprovalEdit,
    ApprovalKind,
    ApprovalProposal,
    ClassificationEdit,
    ClassificationProposal,
    CreditReview,
    CustomerDraft,
    CustomerMessageProposal,
    DocumentProposal,
    DocumentResolution,
    DraftRequest,
    FactUsed,
    OutboxKind,
    OutboxPayload,
)
from exdesk.policies.config import load_policy_config
from exdesk.workflows.graph import build_graph
from exdesk.workflows.stages import (
    APPROVAL_EDITS,
    STAGE_FOR_KIND,
    STAGES,
    DeliveryInputs,
    ReviewInputs,
    StageSpec,
)
from exdesk.workflows.state import NodeName
from tests.support.factories import make_option, make_recommendation

POLICY = load_policy_config()
INPUTS = DeliveryInputs(order_id="SO-1", source="wms")


def _draft() -> CustomerDraft:
    return CustomerDraft(
        subject="Your order SO-1",
        body="Your order SO-1 ships on 2026-11-24.",
        facts_used=[FactUsed(name="order_id", value="SO-1")],
        to="buyer@example.com",
    )


SAMPLES: dict[str, tuple[BaseModel, BaseModel]] = {
    "remediation": (
        make_recommendation(make_option("expedite", eta=date(2026, 11, 24))),
        make_option("backorder", eta=date(2026, 12, 1)),
    ),
    "document": (
        DocumentProposal(
            resolution=DocumentResolution(
                action="request_corrected_document", partner_message="fix it", rationale="qty"
            )
        ),
        DocumentResolution(action="accept_document", rationale="fine as it is"),
    ),
    "credit": (
        CreditReview(
            action="keep_hold", exposure=Decimal(2), credit_limit=Decimal(1), rationale="over"
        ),
        CreditReview(action="release_hold", rationale="paid by wire"),
    ),
    "customer_message": (
        CustomerMessageProposal(
            draft=_draft(),
            request=DraftRequest(case_id="c", category="carrier_delay", facts={"order_id": "SO-1"}),
        ),
        _draft().model_copy(update={"subject": "Update on SO-1"}),
    ),
}
"""A proposal and an edit of each stage."""


def test_every_stage_has_exactly_one_complete_spec() -> None:
    assert set(STAGES) == set(STAGE_NAMES) == set(SAMPLES)
    for stage, spec in STAGES.items():
        assert spec.stage == stage
        for field in fields(spec):
            if field.name not in ("resolution_field", "choose"):
                assert getattr(spec, field.name) is not None, f"{stage}: {field.name} is unset"
        assert (spec.choose is None) == (not spec.choices), f"{stage}: choices without choose"


def test_each_stage_has_its_own_node_approval_kind_and_outbox_kind() -> None:
    specs = list(STAGES.values())
    for attribute in ("node", "approval_kind", "outbox_kind"):
        values = [getattr(spec, attribute) for spec in specs]
        assert len(set(values)) == len(values), f"two stages share a {attribute}"
    assert {spec.node for spec in specs} <= set(get_args(NodeName))
    assert set(STAGE_FOR_KIND) | {"classification"} == set(get_args(ApprovalKind))
    assert {spec.outbox_kind for spec in specs} == set(get_args(OutboxKind))


def test_every_producer_node_is_in_the_graph_and_leads_to_the_policies() -> None:
    drawn = build_graph(_no_deps(), None).get_graph()
    for spec in STAGES.values():
        assert spec.node in drawn.nodes
        assert any(e.source == spec.node and e.target == "check_policies" for e in drawn.edges)


def test_every_approval_kind_names_its_edit_model() -> None:
    assert set(APPROVAL_EDITS) == set(get_args(ApprovalKind))
    assert APPROVAL_EDITS["classification"] is ClassificationEdit
    for spec in STAGES.values():
        assert APPROVAL_EDITS[spec.approval_kind] is spec.edit_model


@pytest.mark.parametrize("stage", sorted(SAMPLES))
def test_a_stage_reviews_shows_merges_and_delivers_its_proposal(stage: str) -> None:
    spec: StageSpec[Any, Any] = STAGES[stage]  # type: ignore[index]
    proposal, edit = SAMPLES[stage]
    results = spec.review(POLICY, proposal, ReviewInputs(severity="low", foreign_references=()))
    assert results, "a review always says something"
    assert all(r.subject == stage or r.subject == "case" for r in results)

    view = spec.approver_view(proposal)
    stored = view.model_dump(mode="json")
    assert TypeAdapter(ApprovalProposal).validate_python(stored) == view

    merged = spec.merge_edit(proposal, spec.edit_model.model_validate(edit), "rita")
    assert spec.approver_view(merged) != view, "an edit changes what the approver sees"
    assert TypeAdapter(ApprovalEdit).validate_python(edit.model_dump(mode="json")) == edit

    request = spec.outbox_request(proposal, INPUTS)
    if request is not None:
        assert request.kind == spec.outbox_kind
        assert request.dedupe_key == stage
        payload = request.payload.model_dump(mode="json")
        assert TypeAdapter(OutboxPayload).validate_python(payload) == request.payload


def test_stored_proposals_edits_and_payloads_read_as_exactly_one_model() -> None:
    """The unions carry no tag: each stored shape must fit one member only."""
    members: dict[str, list[type[BaseModel]]] = {
        "proposal": list(get_args(ApprovalProposal)),
        "edit": list(get_args(ApprovalEdit)),
        "payload": list(get_args(OutboxPayload)),
    }
    shapes: dict[str, list[BaseModel]] = {
        "proposal": [
            ClassificationProposal(category="other", confidence=0.4, rationale="vague"),
            *(STAGES[stage].approver_view(SAMPLES[stage][0]) for stage in STAGES),
        ],
        "edit": [ClassificationEdit(category="other"), *(edit for _, edit in SAMPLES.values())],
        "payload": [
            request.payload
            for stage in STAGES
            if (request := STAGES[stage].outbox_request(SAMPLES[stage][0], INPUTS)) is not None
        ],
    }
    for union, values in shapes.items():
        for value in values:
            fitting = []
            for member in members[union]:
                try:
                    member.model_validate(value.model_dump(mode="json"))
                except ValidationError:
                    continue
                fitting.append(member)
            assert fitting == [type(value)], f"{union} {type(value).__name__} fits {fitting}"


def _no_deps() -> Any:
    """The graph's structure needs no dependencies until a node runs."""
    return None


def test_a_message_goes_only_to_the_recipient_on_file_and_without_one_nothing_is_sent() -> None:
    spec = STAGES["customer_message"]
    proposal = SAMPLES["customer_message"][0]
    assert isinstance(proposal, CustomerMessageProposal)

    request = spec.outbox_request(proposal, INPUTS)
    assert request is not None
    assert getattr(request.payload, "to", None) == "buyer@example.com"
    edited = _draft().model_copy(update={"to": "attacker@evil.example", "subject": "Changed"})
    merged = spec.merge_edit(proposal, edited, "rita")
    assert merged.draft.to == "buyer@example.com"
    assert merged.draft.subject == "Changed"

    nobody = proposal.model_copy(update={"draft": _draft().model_copy(update={"to": None})})
    assert spec.outbox_request(nobody, INPUTS) is None
    results = spec.review(POLICY, nobody, ReviewInputs(severity="low", foreign_references=()))
    assert any(r.policy_id == "customer-message-recipient" and r.effect == "deny" for r in results)


def test_only_rejecting_a_message_leaves_the_other_stages_standing() -> None:
    assert {stage for stage, spec in STAGES.items() if spec.on_reject == "skip_stage"} == {
        "customer_message"
    }
    assert set(STAGES["credit"].choices) == {"release_hold", "keep_hold", "cancel_order"}
