"""What comes in: an exception event and the document it may carry (CONTRACT §1)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Final, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from exdesk.domain._base import ContractModel, Identifier, Instant
from exdesk.domain.taxonomy import EventSource

DocumentKind = Literal["x12", "edifact", "text", "pdf"]
"""How a document is encoded: an X12 interchange, a UN/EDIFACT interchange,
free/semi-structured text, or a PDF file (its bytes in base64)."""

BINARY_DOCUMENT_KINDS: Final = frozenset({"pdf"})
"""Kinds whose ``content`` is base64 of the file's bytes."""

MAX_DOCUMENT_BYTES: Final = 1_400_000
"""The largest decoded file (a PDF) a document may carry; its base64, even wrapped in
76-character lines, fits the content's 2,000,000 characters."""


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
    """The text itself, or base64 of the file's bytes for a binary kind (``pdf``)."""

    @field_validator("content")
    @classmethod
    def _binary_content_decodes(cls, content: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind in BINARY_DOCUMENT_KINDS:
            decode_file(content, kind)
        return content

    def file_bytes(self) -> bytes:
        """The decoded bytes of a binary document (``pdf``); ValueError for bad base64 or a
        file over :data:`MAX_DOCUMENT_BYTES`."""
        return decode_file(self.content, self.kind)


def decode_file(content: str, kind: str) -> bytes:
    """A binary document's base64 content (wrapped or as a ``data:`` URL) as bytes."""
    compact = "".join(content.split())
    if compact.startswith("data:") and "," in compact:
        compact = compact.split(",", 1)[1]
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            f"a {kind} document's content must be base64 of the file's bytes"
        ) from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValueError(
            f"the {kind} file has {len(data)} bytes; at most {MAX_DOCUMENT_BYTES} are accepted"
        )
    return data


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
    occurred_at: Annotated[Instant, BeforeValidator(_rfc3339_only)]
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
    if event.document.kind in BINARY_DOCUMENT_KINDS:
        return f"{event.summary}\n{event.document.name}"
    head = event.document.content[:DOCUMENT_HEAD_CHARS]
    return f"{event.summary}\n{event.document.name}\n{head}"
