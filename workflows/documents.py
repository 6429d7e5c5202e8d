"""The document proposal: what to do about an extraction and who must do it, decided by
rules, not a model.

The party follows the direction of the document at fault (CONTRACT §7):

* a partner's document (``inbound``) that is wrong or unreadable → a notice to the partner
  asking for a corrected document;
* our document (``outbound``) that a partner rejected, or that our own checks stopped
  before sending → fix and resend on our side, addressed to the team that owns it (EDI
  for X12/EDIFACT, billing for our invoices, the warehouse for our packing slips); the
  partner is never asked to "correct and resend" what we sent;
* our transmission that failed in transport with no acknowledgment (an AS2 send answered
  HTTP 500, no MDN) → retry the transmission, addressed to our EDI team; the document
  itself may be fine.
"""

from __future__ import annotations

import re
from typing import Final

from exdesk.domain import (
    Category,
    DocumentDirection,
    DocumentExtraction,
    DocumentParty,
    DocumentResolution,
    ExceptionEvent,
)
from exdesk.policies.rules import REJECTED_TRANSMISSION

_TRANSPORT_WORDS: Final = re.compile(
    r"\bAS2\b|\bMDN\b|\bSFTP\b|\bVAN\b|HTTP\s*[45]\d\d|status code [45]\d\d|timed?\s*out"
    r"|connection (?:refused|reset)|send failed|failed to send|not transmitted after",
    re.IGNORECASE,
)
_OUTBOUND_WORDS: Final = re.compile(
    r"\boutbound\b|\bour (?:810|855|856|850|invoice|asn|ship notice|transmission)\b"
    r"|\brejected our\b|\bsend to\b|\bnot transmitted\b|\bheld by pre-?send\b",
    re.IGNORECASE,
)


def stated_direction(event: ExceptionEvent) -> DocumentDirection | None:
    """The ``direction`` the event's input states, if it states one."""
    value = event.attributes.get("direction")
    if value in ("inbound", "outbound"):
        return "inbound" if value == "inbound" else "outbound"
    return None


def is_transport_failure(category: Category, event: ExceptionEvent) -> bool:
    """An integration failure of the transport itself (AS2/SFTP/VAN/API send), not a
    rejection by the partner's translator: it carries an HTTP status or says so."""
    if category != "integration_failure":
        return False
    if isinstance(event.attributes.get("http_status"), int):
        return True
    return bool(_TRANSPORT_WORDS.search(event.summary))


def subject_direction(
    extraction: DocumentExtraction | None, event: ExceptionEvent | None
) -> DocumentDirection:
    """The direction of the document at issue: the input's word, else what the document
    shows (for an acknowledgment: the document it acknowledges), else the event's words,
    else inbound (a document that reached the desk)."""
    stated = stated_direction(event) if event is not None else None
    if extraction is not None:
        if extraction.acknowledged_direction is not None:
            return extraction.acknowledged_direction
        if stated is None and extraction.direction is not None:
            return extraction.direction
        if stated is None and extraction.doc_type == "functional_ack":
            return "outbound"  # an acknowledgment at our desk answers what we sent
    if stated is not None:
        return stated
    if event is not None and _OUTBOUND_WORDS.search(event.summary):
        return "outbound"
    return "inbound"


def propose_resolution(
    category: Category,
    extraction: DocumentExtraction | None,
    error: str | None,
    event: ExceptionEvent | None = None,
) -> DocumentResolution:
    """The resolution, and the party it is addressed to (see the module docstring)."""
    direction = subject_direction(extraction, event)
    transport = event is not None and is_transport_failure(category, event)
    acknowledged = extraction is not None and extraction.fields.ack_status is not None
    # with no document, an HTTP status on a connector answers a call we made
    ours = direction == "outbound" or extraction is None
    if event is not None and transport and not acknowledged and ours:
        return _retry(extraction, event)
    if extraction is None:
        return DocumentResolution(
            action="record_only",
            direction=direction,
            rationale=f"the document could not be read ({error}); a person must review it",
        )
    rejected = extraction.fields.ack_status in REJECTED_TRANSMISSION
    if rejected or category == "integration_failure":
        return _failed_transmission(extraction, direction, rejected)
    if extraction.discrepancies:
        return _discrepancies(extraction, direction, event)
    return DocumentResolution(
        action="accept_document",
        direction=direction,
        rationale="the document agrees with the order",
    )


def _retry(extraction: DocumentExtraction | None, event: ExceptionEvent) -> DocumentResolution:
    partner = _partner(extraction, event)
    status = event.attributes.get("http_status")
    answer = f"HTTP {status}" if isinstance(status, int) else "a transport error"
    wait = " (after the rate-limit window)" if status == 429 else ""
    if extraction is not None:
        what = f"the transmission of {_name(extraction)} to {partner}"
        head = (
            f"Retry {what}: the send failed with {answer} and no acknowledgment (MDN/997) "
            "came back, so the partner has not received it. The document itself was not "
            f"rejected; resend it unchanged once the partner's endpoint answers{wait}"
        )
    else:
        endpoint = event.attributes.get("endpoint")
        carrier = event.attributes.get("carrier")
        if isinstance(endpoint, str):
            what = f"our call to {endpoint}"
        elif isinstance(carrier, str):
            what = f"our calls to {carrier}'s API"
        else:
            what = "our transmission"
        target = f" ({partner})" if partner != "the partner" else ""
        head = (
            f"Retry {what}{target}: it failed with {answer}, so nothing reached the other "
            f"side. Retry once the endpoint answers{wait}"
        )
    return DocumentResolution(
        action="retry_transmission",
        party="edi_team",
        direction="outbound",
        partner_message=(
            f"{head}, and call the partner's integration contact if it keeps failing. Nothing "
            "is to be sent to the partner about this failure."
        ),
        rationale=(
            f"transport failure on our side ({answer}, no acknowledgment): retried by our "
            "EDI/integration team, not corrected by the partner"
        ),
    )


def _failed_transmission(
    extraction: DocumentExtraction, direction: DocumentDirection, rejected: bool
) -> DocumentResolution:
    errors = (
        "; ".join(f"{e.code} {e.description}" for e in extraction.fields.ack_errors[:5])
        or "; ".join(d.message for d in extraction.discrepancies[:5])
        or "; ".join(extraction.warnings[:3])
        or "see the acknowledgment"
    )
    status = extraction.fields.ack_status or "not given"
    if direction == "outbound":
        subject = _subject(extraction)
        by = f"{_partner(extraction)} rejected {subject}" if rejected else f"{subject} failed"
        return DocumentResolution(
            action="fix_and_resend",
            party=_our_team(extraction),
            direction="outbound",
            partner_message=(
                f"{by[0].upper()}{by[1:]}: {errors}. Correct it on our side (the map, the "
                "trading-partner profile or the source data) and resend it; the partner is "
                "not asked to resend anything."
            ),
            rationale=(
                f"our outbound document was not accepted (acknowledgment status {status}): "
                "the fix is ours"
            ),
        )
    return DocumentResolution(
        action="resubmit_transmission",
        party="partner",
        direction="inbound",
        partner_message=(
            f"We could not process your {_subject(extraction, ours=False)}: {errors}. "
            "Please correct it and send it again."
        ),
        rationale=f"the partner's transmission failed our checks (status {status})",
    )


def _discrepancies(
    extraction: DocumentExtraction, direction: DocumentDirection, event: ExceptionEvent | None
) -> DocumentResolution:
    listed = "; ".join(d.message for d in extraction.discrepancies[:10])
    fields = extraction.fields
    named = event.order_id if event is not None else None
    reference = fields.po_number or fields.invoice_number or named or "the order"
    kind = extraction.doc_type.replace("_", " ")
    count = _discrepancy_count(len(extraction.discrepancies))
    if direction == "outbound":
        return DocumentResolution(
            action="fix_and_resend",
            party=_our_team(extraction),
            direction="outbound",
            partner_message=(
                f"Our {kind} for {reference} does not match the order: {listed}. "
                f"{_OUR_FIX.get(extraction.doc_type, f'Correct our {kind} and send it again.')}"
            ),
            rationale=f"{count} in a document we issued: the fix is ours",
        )
    return DocumentResolution(
        action="request_corrected_document",
        party="partner",
        direction="inbound",
        partner_message=(
            f"The {kind} for {reference} does not match our purchase order: {listed}. "
            "Please send a corrected document."
        ),
        rationale=f"{count} in the partner's document",
    )


_OUR_FIX: Final[dict[str, str]] = {
    "invoice": "Issue a corrected invoice (or a credit memo for the difference) and send it.",
    "ship_notice": "Correct the ship notice (and check what was shipped) and send it again.",
    "packing_slip": "Check what was shipped against the order and correct the packing slip.",
    "po_acknowledgment": "Correct our acknowledgment and send it again.",
    "purchase_order": "Correct our purchase order and send it again.",
}
"""What our side does about a document of ours that disagrees with the order."""


def _discrepancy_count(count: int) -> str:
    return "1 discrepancy" if count == 1 else f"{count} discrepancies"


def _our_team(extraction: DocumentExtraction) -> DocumentParty:
    """Who owns a document of ours: billing for an invoice whose content is wrong (in
    whatever format it travels), EDI for interchanges and acknowledged rejections, the
    warehouse for packing slips, ASNs and bills of lading written as text."""
    if extraction.fields.ack_status is not None:
        return "edi_team"
    if extraction.doc_type == "invoice" and extraction.discrepancies:
        return "billing"
    if extraction.format in ("x12", "edifact"):
        return "edi_team"
    if extraction.doc_type == "invoice":
        return "billing"
    return "warehouse"


def _name(extraction: DocumentExtraction) -> str:
    """``the 856 ship notice (ISA 000004524)``."""
    kind = extraction.doc_type.replace("_", " ")
    number = extraction.x12_transaction_set
    envelope = extraction.fields.extra.x12_envelope
    control = envelope.interchange_control_number if envelope else None
    label = f"the {number} {kind}" if number else f"the {kind}"
    return f"{label} (ISA {control})" if control else label


def _subject(extraction: DocumentExtraction, ours: bool = True) -> str:
    """What was acknowledged (``our 856 in group 4518``) or the document itself."""
    transactions = extraction.fields.extra.acknowledged_transactions or []
    sets = sorted({t.transaction_set for t in transactions if t.transaction_set})
    group = extraction.fields.acknowledged_group_control_number
    interchanges = extraction.fields.extra.acknowledged_interchanges or []
    owner = "our " if ours else ""
    if sets:
        where = f" in group {group}" if group else ""
        return f"{owner}{'/'.join(sets)}{where}"
    if interchanges:
        numbers = ", ".join(i.control_number for i in interchanges if i.control_number)
        return f"{owner}interchange {numbers}"
    return f"{owner}{_name(extraction).removeprefix('the ')}"


def _partner(extraction: DocumentExtraction | None, event: ExceptionEvent | None = None) -> str:
    named = event.attributes.get("partner") if event is not None else None
    if isinstance(named, str) and named:
        return named
    if extraction is None:
        return "the partner"
    fields = extraction.fields
    if extraction.direction == "inbound" and fields.sender_id:
        return fields.sender_id
    if extraction.direction == "outbound" and fields.receiver_id:
        return fields.receiver_id
    return "the partner"
