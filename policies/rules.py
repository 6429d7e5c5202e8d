"""The policy rules: pure functions from a proposal to a verdict, one policy id each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from exdesk.domain import (
    ClassificationProposal,
    CustomerTier,
    DocumentExtraction,
    DocumentResolution,
    FulfillmentOption,
    FulfillmentRecommendation,
    PolicyResult,
    Role,
    Severity,
)
from exdesk.policies.config import PolicyConfig

KEY_DOCUMENT_FIELDS = ("po_number", "lines")
"""Fields a document must yield confidently to be recorded without review."""

REJECTED_TRANSMISSION: Final[frozenset[str]] = frozenset({"rejected", "partially_accepted"})
"""Acknowledgment statuses that say the partner refused (some of) a transmission, so it must
be corrected and sent again. ``accepted_with_errors`` is not one: the partner took the
transmission and only noted errors, so there is nothing to resubmit."""


def _result(
    config: PolicyConfig,
    policy_id: str,
    subject: str,
    effect: str,
    reason: str,
    role: Role | None = None,
) -> PolicyResult:
    return PolicyResult.model_validate(
        {
            "policy_id": policy_id,
            "version": config.version,
            "subject": subject,
            "effect": effect,
            "reason": reason,
            "required_role": role,
        }
    )


def confidence_threshold(config: PolicyConfig, proposal: ClassificationProposal) -> PolicyResult:
    """``confidence-threshold``: under its category's threshold, a human classifies."""
    threshold = config.thresholds.for_category(proposal.category)
    if proposal.confidence < threshold:
        return _result(
            config,
            "confidence-threshold",
            "classification",
            "route_to_triage",
            f"confidence {proposal.confidence:.2f} < threshold {threshold:.2f} "
            f"for {proposal.category}",
            config.triage_role,
        )
    return _result(
        config,
        "confidence-threshold",
        "classification",
        "allow",
        f"confidence {proposal.confidence:.2f} >= threshold {threshold:.2f} "
        f"for {proposal.category}",
    )


def informational_close(
    config: PolicyConfig, proposal: ClassificationProposal, warnings: Sequence[str]
) -> PolicyResult | None:
    """``close-informational``: routine progress the classifier is sure of closes without a
    proposal, under the tenant's policy; None when it does not apply (the policy is off, the
    event is an exception, the classifier is unsure, or the sender needs a person's look)."""
    if not (config.close_informational and proposal.informational) or warnings:
        return None
    if confidence_threshold(config, proposal).effect != "allow":
        return None
    return _result(
        config,
        "close-informational",
        "classification",
        "allow",
        f"routine progress ({proposal.signal or 'text'}, confidence "
        f"{proposal.confidence:.2f}): closed with no action",
    )


def escalation(
    config: PolicyConfig, severity: Severity | None, tier: CustomerTier | None
) -> PolicyResult | None:
    """``escalation``: the most severe cases of the most important customers go up."""
    rules = config.escalation
    if severity in rules.severities and tier in rules.tiers:
        return _result(
            config,
            "escalation",
            "case",
            "escalate",
            f"{severity} severity for a {tier} customer",
        )
    return None


def remediation_review(
    config: PolicyConfig, recommendation: FulfillmentRecommendation, severity: Severity | None
) -> list[PolicyResult]:
    """``remediation-*``: which remediations ops must approve before they run."""
    rules = config.remediation
    role = rules.approver_role
    if not recommendation.options:
        return [
            _result(
                config,
                "remediation-no-option",
                "remediation",
                "require_approval",
                "no feasible remediation was found; ops must plan it",
                role,
            )
        ]
    best = recommendation.options[0]
    results: list[PolicyResult] = []
    if best.action in rules.always_review_actions:
        results.append(
            _result(
                config,
                "remediation-sensitive-action",
                "remediation",
                "require_approval",
                f"{best.action} always needs ops approval",
                role,
            )
        )
    if severity in rules.always_review_severities:
        results.append(
            _result(
                config,
                "remediation-severity",
                "remediation",
                "require_approval",
                f"{severity} severity cases need ops approval",
                role,
            )
        )
    if not best.meets_promise:
        results.append(
            _result(
                config,
                "remediation-breaks-promise",
                "remediation",
                "require_approval",
                "the best option does not meet the promised date",
                role,
            )
        )
    limit = rules.auto_approve_cost_limit
    spend = _spend_text(best)
    if best.spend > limit:
        results.append(
            _result(
                config,
                "remediation-cost-limit",
                "remediation",
                "require_approval",
                f"total cost {spend} exceeds the limit {limit:.2f}",
                role,
            )
        )
    elif not results:
        results.append(
            _result(
                config,
                "remediation-cost-limit",
                "remediation",
                "allow",
                f"total cost {spend} within the limit {limit:.2f}",
            )
        )
    return results


def edit_review(
    config: PolicyConfig, subject: str, editors: Sequence[str], role: Role
) -> PolicyResult | None:
    """``human-edit-review``: a proposal a person edited is approved by someone else."""
    if not editors:
        return None
    return _result(
        config,
        "human-edit-review",
        subject,
        "require_approval",
        f"edited by {', '.join(editors)}: someone else must approve it",
        role,
    )


def customer_message_review(config: PolicyConfig, violations: Sequence[str]) -> list[PolicyResult]:
    """``customer-message-*``: every draft is reviewed; a draft that breaks a content rule
    may only be edited or rejected."""
    role = config.customer_message.approver_role
    results = [
        _result(
            config,
            "customer-message-review",
            "customer_message",
            "require_approval",
            "every outbound customer message is reviewed by a CS rep",
            role,
        )
    ]
    if violations:
        results.append(
            _result(
                config,
                "customer-message-content",
                "customer_message",
                "deny",
                "; ".join(violations),
                role,
            )
        )
    return results


def recipient_review(config: PolicyConfig, recipient: str | None) -> PolicyResult:
    """``customer-message-recipient``: a message goes to the contact on file of the case's
    customer; without one there is nobody to send it to (it may only be rejected or edited,
    and an edit cannot supply an address)."""
    if recipient is None:
        return _result(
            config,
            "customer-message-recipient",
            "customer_message",
            "deny",
            "the case's customer has no contact on file: nothing can be sent (reject: no "
            "message; fix the contact in the network)",
            config.customer_message.approver_role,
        )
    return _result(
        config,
        "customer-message-recipient",
        "customer_message",
        "allow",
        f"to {recipient}, the customer's contact on file",
    )


def sender_review(config: PolicyConfig, stage: str, warnings: Sequence[str]) -> list[PolicyResult]:
    """``sender-check``: a case whose sender is unknown or imitates a customer's domain is
    never acted on automatically; each warning asks a person (the stage's approver)."""
    return [
        _result(config, "sender-check", stage, "require_approval", warning) for warning in warnings
    ]


def credit_review(config: PolicyConfig, exposure_over_limit: bool) -> PolicyResult:
    """``credit-review``: credit holds are finance's decision."""
    reason = (
        "the customer's exposure exceeds the credit limit"
        if exposure_over_limit
        else "credit holds are released by finance"
    )
    return _result(
        config,
        "credit-review",
        "credit",
        "require_approval",
        reason,
        config.credit.approver_role,
    )


def document_review(
    config: PolicyConfig,
    extraction: DocumentExtraction | None,
    error: str | None,
    resolution: DocumentResolution | None = None,
) -> list[PolicyResult]:
    """``document-*``: unreadable documents, discrepancies and doubts go to ops, and so
    does every notice to a trading partner before it leaves."""
    role = config.document.approver_role
    notice = _partner_notice(config, resolution)
    if notice is not None and extraction is None:
        return [notice]
    if extraction is None:
        return [
            _result(
                config,
                "document-unreadable",
                "document",
                "require_approval",
                error or "no document could be read",
                role,
            )
        ]
    results: list[PolicyResult] = []
    if extraction.discrepancies:
        results.append(
            _result(
                config,
                "document-discrepancies",
                "document",
                "require_approval",
                f"{len(extraction.discrepancies)} discrepancies against the order",
                role,
            )
        )
    if extraction.warnings:
        results.append(
            _result(
                config,
                "document-warnings",
                "document",
                "require_approval",
                "; ".join(extraction.warnings[:5]),
                role,
            )
        )
    if extraction.fields.ack_status in REJECTED_TRANSMISSION:
        results.append(
            _result(
                config,
                "document-rejected-transmission",
                "document",
                "require_approval",
                f"the acknowledgment has status {extraction.fields.ack_status}",
                role,
            )
        )
    if notice is not None:
        results.append(notice)
    floor = config.document.min_field_confidence
    doubtful = [
        name
        for name in KEY_DOCUMENT_FIELDS
        if name in extraction.confidence and extraction.confidence[name] < floor
    ]
    if doubtful:
        results.append(
            _result(
                config,
                "document-low-confidence",
                "document",
                "require_approval",
                f"fields under {floor:.2f} confidence: {', '.join(doubtful)}",
                role,
            )
        )
    if not results:
        results.append(
            _result(
                config,
                "document-clean",
                "document",
                "allow",
                "no discrepancy, no warning, key fields confident",
            )
        )
    return results


def _partner_notice(
    config: PolicyConfig, resolution: DocumentResolution | None
) -> PolicyResult | None:
    """``document-partner-notice``: nothing goes to a trading partner unreviewed."""
    if resolution is None or resolution.party != "partner" or not resolution.partner_message:
        return None
    return _result(
        config,
        "document-partner-notice",
        "document",
        "require_approval",
        f"{resolution.action} sends a notice to the trading partner: ops reviews it first",
        config.document.approver_role,
    )


def _spend_text(option: FulfillmentOption) -> str:
    """``3002.63 USD (goods 2861.88 + freight 140.75)``: the total and what it is made of."""
    parts = [f"goods {option.goods_cost:.2f}"] if option.goods_cost else []
    parts.append(f"freight {option.cost:.2f}")
    if option.fees:
        parts.append(f"fees {option.fees:.2f}")
    made_of = f" ({' + '.join(parts)})" if len(parts) > 1 else ""
    return f"{option.spend:.2f} {option.currency}{made_of}"
