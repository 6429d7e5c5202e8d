"""What comes in: an exception event and the document it may carry (CONTRACT §1)."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import AwareDatetime, BeforeValidator, Field

from exdesk.domain._base import ContractModel, Identifier
from exdesk.domain.taxonomy import EventSource

DocumentKind = Literal["x12", "text"]
"""How a document is encoded: an X12 interchange, or free/semi-structured text."""


def _rfc3339_only(value: object) -> object:
    """Times arrive as RFC 3339 text with an offset, never as a bare epoch number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("must be an RFC 3339 timestamp with an offset, not a number")
    return value


class Document(ContractModel):
    """A document attached to an event: an EDI interchange, an invoice, a packing slip…"""

    kind: DocumentKind
    name: str = Field(min_length=1, max_length=300)
    content: str = Field(min_length=1, max_length=2_000_000)


DOCUMENT_HEAD_CHARS: Final = 1500
"""How much of a document is read as part of an event's text."""


class ExceptionEvent(ContractModel):
    """An operational exception as a source system reports it.

    ``tenant_id`` is optional here; when present it must equal the caller's tenant.
    Events often carry no order or customer reference at all (a forwarded e-mail).
    """

    tenant_id: Identifier | None = None
    source: EventSource
    source_event_id: Identifier
    occurred_at: Annotated[AwareDatetime, BeforeValidator(_rfc3339_only)]
    summary: str = Field(min_length=1, max_length=20_000)
    order_id: Identifier | None = None
    shipment_id: Identifier | None = None
    customer_id: Identifier | None = None
    sku: Identifier | None = None
    warehouse_id: Identifier | None = None
    document: Document | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)


def event_text(event: ExceptionEvent) -> str:
    """The summary, then the head of the document, as one text: what the classifier reads
    and what precedent search embeds."""
    if event.document is None:
        return event.summary
    head = event.document.content[:DOCUMENT_HEAD_CHARS]
    return f"{event.summary}\n{event.document.name}\n{head}"
