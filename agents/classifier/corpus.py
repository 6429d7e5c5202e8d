"""The labelled classification corpus: schema and loader.

Each line of ``data/train/<category>.jsonl`` (beside this module) is one
:class:`LabelledExample`: an exception event as a source system would send it (without
its id and timestamp) and the category a trained person would give it. The evaluation
splits live apart, under ``exdesk.evals``, written independently and never trained on.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from importlib.abc import Traversable
from typing import Any

from pydantic import Field, ValidationError, model_validator

from exdesk.domain import Category, ContractModel, Document, EventSource, ExceptionEvent
from exdesk.domain.events import event_text
from exdesk.errors import InputError

TRAINING_DATA: Traversable = resources.files(__package__ or __name__).joinpath("data", "train")
"""The training split, shipped with the package."""


class LabelledExample(ContractModel):
    """An event's content and its gold category."""

    id: str
    category: Category
    source: EventSource
    summary: str = Field(min_length=1)
    order_id: str | None = None
    shipment_id: str | None = None
    customer_id: str | None = None
    sku: str | None = None
    warehouse_id: str | None = None
    document: Document | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    informational: bool = False
    """The event reports routine progress (out for delivery, a 997 that accepts) and needs
    no one; its category is then ``other``."""
    metadata: dict[str, str] = Field(default_factory=dict)
    """Where the example comes from: ``language``, ``origin`` (the carrier, ERP or writer),
    ``provenance`` (URL or repository@commit:path), ``licence``."""

    @model_validator(mode="after")
    def _informational_is_other(self) -> LabelledExample:
        if self.informational and self.category != "other":
            raise ValueError("an informational example has the category 'other'")
        return self

    def to_event(self) -> ExceptionEvent:
        """The example as the event an integration would post."""
        return ExceptionEvent(
            source=self.source,
            source_event_id=self.id,
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
            summary=self.summary,
            order_id=self.order_id,
            shipment_id=self.shipment_id,
            customer_id=self.customer_id,
            sku=self.sku,
            warehouse_id=self.warehouse_id,
            document=self.document,
            attributes=self.attributes,
        )


def iter_examples(folder: Traversable) -> Iterator[LabelledExample]:
    """Yield every example of a folder of ``<category>.jsonl`` files, in file order; a
    malformed line is an InputError."""
    paths = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".jsonl")), key=lambda e: e.name
    )
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield LabelledExample.model_validate_json(line)
                except ValidationError as error:
                    raise InputError(
                        f"{path.name}:{number}: {error.errors()[0]['msg']}",
                        location=f"{path.name}:{number}",
                    ) from error


def load_examples(folder: Traversable) -> list[LabelledExample]:
    """All examples of a folder."""
    return list(iter_examples(folder))


def training_examples() -> list[LabelledExample]:
    """The training split the local classifier (and the local embedder) learn from."""
    return load_examples(TRAINING_DATA)


def training_texts() -> list[str]:
    """The training split's events as text, as an event is read (``event_text``)."""
    return [event_text(example.to_event()) for example in training_examples()]
