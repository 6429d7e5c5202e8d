"""Events for the classifier tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from exdesk.domain import EventSource, ExceptionEvent


def event(summary: str, source: EventSource = "email", **fields: Any) -> ExceptionEvent:
    """An event as an integration would post it; no references unless given."""
    return ExceptionEvent(
        source=source,
        source_event_id="test-event",
        occurred_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        summary=summary,
        **fields,
    )
