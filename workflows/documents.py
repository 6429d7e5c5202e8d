"""The document proposal: what to do about an extraction, decided by rules, not a model."""

from __future__ import annotations

from exdesk.domain import Category, DocumentExtraction, DocumentResolution
from exdesk.policies.rules import REJECTED_TRANSMISSION


def propose_resolution(
    category: Category, extraction: DocumentExtraction | None, error: str | None
) -> DocumentResolution:
    """Ask for a corrected document on discrepancies, a resend on a rejected transmission,
    record a clean document, and leave an unreadable one to a person."""
    if extraction is None:
        return DocumentResolution(
            action="record_only",
            rationale=f"the document could not be read ({error}); a person must review it",
        )
    rejected = extraction.fields.ack_status in REJECTED_TRANSMISSION
    if category == "integration_failure" or rejected:
        errors = (
            "; ".join(f"{e.code} {e.description}" for e in extraction.fields.ack_errors[:5])
            or "see the acknowledgment"
        )
        return DocumentResolution(
            action="resubmit_transmission",
            partner_message=(
                "Our translator reported errors in the transmission acknowledged here: "
                f"{errors}. Please correct and resend."
            ),
            rationale=f"the acknowledgment status is {extraction.fields.ack_status or 'unknown'}",
        )
    if extraction.discrepancies:
        listed = "; ".join(d.message for d in extraction.discrepancies[:10])
        reference = extraction.fields.po_number or extraction.fields.invoice_number or "the order"
        return DocumentResolution(
            action="request_corrected_document",
            partner_message=(
                f"The {extraction.doc_type.replace('_', ' ')} for {reference} does not match our "
                f"purchase order: {listed}. Please send a corrected document."
            ),
            rationale=f"{len(extraction.discrepancies)} discrepancies against the order",
        )
    return DocumentResolution(
        action="accept_document",
        rationale="the document agrees with the order",
    )
