"""Who sent a document: a partner (``inbound``) or we (``outbound``), decided by rules.

In order, the first that tells wins:

1. the input's own ``direction`` (an integration that knows says so);
2. the envelope: an X12 ISA/GS or EDIFACT UNB sender that is one of our EDI ids is
   ``outbound``, a receiver that is one of them is ``inbound``;
3. the letterhead: a text or PDF document whose first lines carry one of our own names is
   ours (``outbound``; an invoice *billed to* us is not);
4. an acknowledgment (997, 999, TA1, CONTRL) that reached the desk with no envelope we
   recognise was sent to us (``inbound``).

An acknowledgment's *subject* — the document it answers — travelled the other way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.domain import DocumentDirection

ACKNOWLEDGMENT_SETS = frozenset({"997", "999", "TA1", "CONTRL", "APERAK"})
"""Transaction sets (and EDIFACT messages) that acknowledge another transmission."""

_LETTERHEAD_LINES = 4
"""How many non-empty lines at the top of a text document count as its letterhead."""


@dataclass(frozen=True)
class OwnParties:
    """Who "we" are on a document: the tenant's EDI ids and the names its documents carry."""

    edi_ids: Sequence[str] = field(default_factory=tuple)
    names: Sequence[str] = field(default_factory=tuple)

    def is_ours(self, edi_id: str | None) -> bool:
        """Whether an interchange or group id is one of ours."""
        return bool(edi_id) and _id(edi_id or "") in {_id(own) for own in self.edi_ids}


def _id(value: str) -> str:
    return value.strip().upper()


def is_acknowledgment(reading: Interpretation) -> bool:
    """Whether the reading acknowledges another transmission (997/999/TA1/CONTRL)."""
    return reading.doc_type == "functional_ack" or (
        (reading.transaction_set or "").upper() in ACKNOWLEDGMENT_SETS
    )


def opposite(direction: DocumentDirection | None) -> DocumentDirection | None:
    """The direction of what an acknowledgment answers."""
    if direction is None:
        return None
    return "inbound" if direction == "outbound" else "outbound"


def document_direction(
    reading: Interpretation,
    own: OwnParties,
    stated: DocumentDirection | None = None,
    text: str | None = None,
) -> DocumentDirection | None:
    """The reading's direction (see the module docstring); None when nothing tells."""
    if stated is not None:
        return stated
    fields = reading.fields
    if own.is_ours(fields.sender_id):
        return "outbound"
    if own.is_ours(fields.receiver_id):
        return "inbound"
    if text is not None and reading.format in ("text", "pdf"):
        heading = _letterhead(text)
        if any(_names(heading, name) for name in own.names if name.strip()):
            return "outbound"
        return "inbound" if own.names else None
    if is_acknowledgment(reading):
        return "inbound"
    return None


def _letterhead(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    head = [line for line in lines[:_LETTERHEAD_LINES] if not _BILLED_TO.search(line)]
    return "\n".join(head)


_BILLED_TO = re.compile(r"\b(bill|sold|invoice|ship)\s*-?\s*to\b", re.IGNORECASE)


def _names(text: str, name: str) -> bool:
    words = r"\W+".join(re.escape(word) for word in name.split())
    return re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE) is not None
