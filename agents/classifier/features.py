"""What the local classifier reads from an event: its text, and its structured fields."""

from __future__ import annotations

import re
from typing import Any

from exdesk.domain import ExceptionEvent

DOCUMENT_CHARS = 1500
"""How much of an attached document the classifier reads (the head says what it is)."""

_X12_SET = re.compile(r"(?:^|[~\n'])\s*ST[*|^~:](\d{3})")


def event_text(event: ExceptionEvent) -> str:
    """The summary, then the head of the document, as one text."""
    if event.document is None:
        return event.summary
    return f"{event.summary}\n{event.document.name}\n{event.document.content[:DOCUMENT_CHARS]}"


def structured_features(event: ExceptionEvent) -> dict[str, float]:
    """Source, document kind and X12 set, which references are present, attribute keys."""
    features: dict[str, float] = {f"source={event.source}": 1.0}
    for name in ("order_id", "shipment_id", "customer_id", "sku", "warehouse_id"):
        if getattr(event, name):
            features[f"ref={name}"] = 1.0
    if not any(getattr(event, n) for n in ("order_id", "shipment_id", "customer_id", "sku")):
        features["ref=none"] = 1.0
    if event.document is not None:
        features[f"document={event.document.kind}"] = 1.0
        match = _X12_SET.search(event.document.content[:DOCUMENT_CHARS])
        if match:
            features[f"x12={match.group(1)}"] = 1.0
    for key, value in event.attributes.items():
        features[f"attr={key.lower()}"] = 1.0
        if isinstance(value, str) and len(value) <= 12:
            features[f"attr={key.lower()}:{value.lower()}"] = 1.0
    return features


def feature_row(event: ExceptionEvent) -> dict[str, Any]:
    """One row of the model's input."""
    return {"text": event_text(event), "struct": structured_features(event)}
