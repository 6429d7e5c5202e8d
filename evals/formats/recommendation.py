"""Recommendation scenarios: an exception over a small network and its best option.

One JSON object per line::

    {"id": "...", "network": "network.json" (relative to this file),
     "category": "...", "summary": "...", "order_id": "...", "shipment_id": "..."|null,
     "as_of": "YYYY-MM-DD", "affected_skus": [...], "short_qty": {"SKU": n},
     "duplicate_of": "..."|null,
     "expected": {"best": {"action", "warehouse_id"?, "service"?, "carrier"?,
                           "meets_promise", "cost"?},
                  "reason": "one line: why this option is best"},
     "metadata": {"tier"?, "category"?, "origin", "provenance", "licence"}}

The labelled best option is what a planner would choose under the contract's rule (keep the
promise first, then lowest cost); ``warehouse_id``, ``service`` and ``carrier`` are compared
when given.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from exdesk.domain import Category, FulfillmentAction, NetworkSnapshot, ServiceLevel
from exdesk.errors import InputError
from exdesk.evals.formats._jsonl import read_jsonl
from exdesk.validation import describe


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BestOption(_Strict):
    """The labelled best option."""

    action: FulfillmentAction
    warehouse_id: str | None = None
    service: ServiceLevel | None = None
    carrier: str | None = None
    meets_promise: bool
    cost: Decimal | None = None


class ExpectedRecommendation(_Strict):
    """The label and its one-line reason."""

    best: BestOption
    reason: str = Field(min_length=1)


class Scenario(_Strict):
    """One labelled recommendation scenario."""

    id: str = Field(min_length=1)
    network: str = "network.json"
    category: Category
    summary: str
    order_id: str
    shipment_id: str | None = None
    as_of: date
    affected_skus: list[str] = Field(default_factory=list)
    short_qty: dict[str, int] = Field(default_factory=dict)
    duplicate_of: str | None = None
    expected: ExpectedRecommendation
    metadata: dict[str, str] = Field(default_factory=dict)


def load_scenarios(path: Path) -> list[tuple[Scenario, NetworkSnapshot, Path]]:
    """Every scenario with its network snapshot and the file it came from."""
    networks: dict[Path, NetworkSnapshot] = {}
    loaded = []
    for file, number, obj in read_jsonl(path):
        try:
            scenario = Scenario.model_validate(obj)
        except ValidationError as error:
            raise InputError(f"{file}:{number}: {describe(error)}") from error
        network_file = (file.parent / scenario.network).resolve()
        if network_file not in networks:
            try:
                text = network_file.read_text(encoding="utf-8")
            except OSError as error:
                raise InputError(f"{file}:{number}: cannot read {network_file}") from error
            try:
                networks[network_file] = NetworkSnapshot.model_validate_json(text)
            except ValidationError as error:
                raise InputError(f"{network_file}: {describe(error)}") from error
        loaded.append((scenario, networks[network_file], file))
    return loaded
