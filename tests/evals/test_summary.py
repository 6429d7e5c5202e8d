"""Summaries: unscorable samples are counted and shown, never NaN; groups; epochs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from exdesk.evals.metric import Estimate, Evaluated, Metric, ratio, summarise
from exdesk.evals.records import SampleRecord
from tests.evals.support import record


def _passes(items: Sequence[Evaluated[Any]]) -> Estimate:
    return ratio(sum(i.obs["pass"] for i in items), len(items))


METRICS: list[Metric[Any]] = [
    Metric("accuracy", "share right"),
    Metric("pooled", "pass rate", aggregate=_passes),
]


def _observe(r: SampleRecord) -> dict[str, Any]:
    return r.output


def test_unscorable_samples_are_counted_not_nan() -> None:
    records = [
        record("a", {"accuracy": 1.0}, output={"pass": 1}),
        record("b", {"accuracy": None}, output={"pass": 0}),
        record("c", unscorable="document file absent"),
    ]

    found = summarise(records, METRICS, _observe)

    accuracy = found.metrics["accuracy"]
    assert (accuracy.value, accuracy.n, accuracy.unscorable, accuracy.stderr) == (1.0, 1, 1, None)
    assert found.metrics["pooled"].value == 0.5
    assert "NaN" not in json.dumps({k: v.model_dump() for k, v in found.metrics.items()})


def test_a_metric_nothing_could_score_is_none_with_a_reason() -> None:
    found = summarise([record("a", {"accuracy": None}, output={"pass": 1})], METRICS, _observe)

    assert found.metrics["accuracy"].value is None
    assert found.metrics["accuracy"].note == "no sample could be scored on it"


def test_all_unscorable_gives_no_figures() -> None:
    found = summarise([record("a", unscorable="absent")], METRICS, _observe)

    assert all(v.value is None for v in found.metrics.values())


def test_groups_by_a_metadata_key() -> None:
    records = [
        record("a", {"accuracy": 1.0}, metadata={"source": "edi"}, output={"pass": 1}),
        record("b", {"accuracy": 0.0}, metadata={"source": "edi"}, output={"pass": 0}),
        record("c", {"accuracy": 1.0}, metadata={"source": "email"}, output={"pass": 1}),
    ]

    found = summarise(records, METRICS, _observe, ["source", "language"])

    assert found.groups["source"]["edi"]["accuracy"].value == 0.5
    assert found.groups["source"]["email"]["accuracy"].value == 1.0
    assert "language" not in found.groups  # no sample has it


def test_epochs_give_mean_and_spread() -> None:
    records = [
        record("a", {"accuracy": 1.0}, epoch=1, output={"pass": 1}),
        record("b", {"accuracy": 1.0}, epoch=1, output={"pass": 1}),
        record("a", {"accuracy": 1.0}, epoch=2, output={"pass": 1}),
        record("b", {"accuracy": 0.0}, epoch=2, output={"pass": 0}),
    ]

    found = summarise(records, METRICS, _observe)

    spread = found.epoch_spread["accuracy"]
    assert spread.values == [1.0, 0.5]
    assert spread.mean == 0.75
    assert spread.std == pytest.approx(0.3535533906)
    assert found.metrics["accuracy"].value == 1.0  # the headline is the first epoch
