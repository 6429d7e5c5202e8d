"""The demo data, shipped with the package so ``exdesk demo`` runs from any directory:
a network snapshot, exception events and the category a person would give each event
(see ``README.md`` beside this module)."""

from __future__ import annotations

import json
from importlib import resources
from importlib.abc import Traversable

from exdesk.domain import Category, ExceptionEvent, NetworkSnapshot

EXAMPLES: Traversable = resources.files(__package__ or __name__)
"""The folder of the demo files."""


def example_network() -> NetworkSnapshot:
    """The demo network snapshot (``network.json``)."""
    return NetworkSnapshot.model_validate_json(
        EXAMPLES.joinpath("network.json").read_text(encoding="utf-8")
    )


def example_events() -> list[ExceptionEvent]:
    """The demo exception events (``exceptions.jsonl``), in file order."""
    lines = EXAMPLES.joinpath("exceptions.jsonl").read_text(encoding="utf-8").splitlines()
    return [ExceptionEvent.model_validate_json(line) for line in lines if line.strip()]


def expected_categories() -> dict[str, Category]:
    """The category a person gives each demo event, by ``source_event_id``."""
    text = EXAMPLES.joinpath("expected_categories.json").read_text(encoding="utf-8")
    labels: dict[str, Category] = json.loads(text)
    return labels
