"""The policy file: the shipped one loads, a bad one stops with one line naming the field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from exdesk.errors import ConfigurationError
from exdesk.policies.config import SHIPPED_POLICIES, PolicyConfig, Thresholds, load_policy_config

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "default.yaml"
SHIPPED_DATA: dict[str, Any] = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))

Mutation = Callable[[dict[str, Any]], None]


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _error_for(path: Path) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_policy_config(path)
    return caught.value.message


def test_the_shipped_policy_loads() -> None:
    config = load_policy_config(SHIPPED)
    assert isinstance(config, PolicyConfig)
    assert config.version
    assert config.remediation.auto_approve_cost_limit == Decimal("150.00")


def test_the_default_policies_are_the_shipped_file() -> None:
    assert load_policy_config() == load_policy_config(SHIPPED)
    assert SHIPPED_POLICIES.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")


def test_the_shipped_severity_bands_are_listed_most_severe_first() -> None:
    """Severity takes the first band that matches, so the order in the file matters."""
    rules = load_policy_config(SHIPPED).severity
    revenue = [band.at_least for band in rules.revenue_points]
    hours = [band.at_most for band in rules.hours_points]
    levels = [level.at_least for level in rules.levels]
    assert revenue == sorted(revenue, reverse=True)
    assert hours == sorted(hours)
    assert levels == sorted(levels, reverse=True)


def test_the_shipped_policy_gives_every_approval_to_a_human_role() -> None:
    config = load_policy_config(SHIPPED)
    assert config.customer_message.approver_role == "cs_rep"
    assert config.credit.approver_role == "finance"
    assert config.remediation.approver_role == "ops"
    assert config.document.approver_role == "ops"
    assert config.triage_role == "ops"


def test_money_in_the_policy_is_decimal() -> None:
    config = load_policy_config(SHIPPED)
    assert isinstance(config.remediation.auto_approve_cost_limit, Decimal)
    assert all(isinstance(b.at_least, Decimal) for b in config.severity.revenue_points)


def test_a_loaded_policy_is_frozen() -> None:
    config = load_policy_config(SHIPPED)
    with pytest.raises(ValueError, match="frozen"):
        config.version = "tampered"  # type: ignore[misc]


def test_for_category_falls_back_to_the_default() -> None:
    thresholds = Thresholds(default=0.6, categories={"credit_hold": 0.9})
    assert thresholds.for_category("credit_hold") == 0.9
    assert thresholds.for_category("other") == 0.6


def _set(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if leaf.isdigit():
            target[int(leaf)] = value
        else:
            target[leaf] = value

    return mutate


def _drop(key: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        del data[key]

    return mutate


BAD_FIELDS: list[tuple[str, Mutation, str]] = [
    ("threshold above one", _set("thresholds.default", 1.5), "thresholds.default"),
    ("threshold below zero", _set("thresholds.default", -0.1), "thresholds.default"),
    ("unknown category", _set("thresholds.categories", {"lost_cat": 0.5}), "thresholds.categories"),
    (
        "threshold as text",
        _set("thresholds.categories", {"other": "high"}),
        "thresholds.categories",
    ),
    ("unknown triage role", _set("triage_role", "janitor"), "triage_role"),
    ("negative cost limit", _set("remediation.auto_approve_cost_limit", "-1"), "auto_approve_cost"),
    (
        "cost limit as words",
        _set("remediation.auto_approve_cost_limit", "lots"),
        "auto_approve_cost",
    ),
    (
        "unknown action",
        _set("remediation.always_review_actions", ["teleport"]),
        "always_review_act",
    ),
    (
        "unknown severity",
        _set("remediation.always_review_severities", ["meh"]),
        "always_review_sev",
    ),
    (
        "unknown level",
        _set("severity.levels.0.severity", "apocalyptic"),
        "severity.levels.0.severity",
    ),
    ("unknown tier", _set("severity.tier_points", {"platinum": 3}), "severity.tier_points"),
    ("bad band", _set("severity.revenue_points.0.at_least", "much"), "severity.revenue_points.0"),
    ("band extra key", _set("severity.hours_points.0.at_least", 3), "severity.hours_points.0"),
    ("escalation tier", _set("escalation.tiers", ["gold"]), "escalation.tiers"),
    ("message approver", _set("customer_message.approver_role", "bot"), "customer_message"),
    ("credit approver", _set("credit.approver_role", "cfo"), "credit.approver_role"),
    ("document floor", _set("document.min_field_confidence", 2), "document.min_field_confidence"),
    ("unknown top-level key", _set("extra_rules", {"a": 1}), "extra_rules"),
    ("missing version", _drop("version"), "version"),
    ("missing severity", _drop("severity"), "severity"),
    ("missing thresholds", _drop("thresholds"), "thresholds"),
]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [pytest.param(mutate, field, id=name) for name, mutate, field in BAD_FIELDS],
)
def test_a_bad_field_is_named_in_one_line(tmp_path: Path, mutate: Mutation, field: str) -> None:
    data = copy.deepcopy(SHIPPED_DATA)
    mutate(data)
    path = _write(tmp_path, data)
    message = _error_for(path)
    assert "\n" not in message
    assert message.startswith(f"invalid policy file {path}: ")
    assert field in message


def test_only_the_first_of_several_problems_is_reported(tmp_path: Path) -> None:
    data = copy.deepcopy(SHIPPED_DATA)
    data["triage_role"] = "janitor"
    data["credit"]["approver_role"] = "cfo"
    message = _error_for(_write(tmp_path, data))
    assert "\n" not in message
    assert "triage_role" in message


@pytest.mark.parametrize("content", ["", "- a\n- b\n", "just a sentence\n", "42\n"])
def test_a_file_that_is_not_a_mapping_is_rejected_at_the_top_level(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(content, encoding="utf-8")
    message = _error_for(path)
    assert "(top level)" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "content",
    ["version: [\n  x: :\n", "thresholds:\n\tdefault: 0.7\n", "a: b: c\n", "key: 'unclosed\n"],
)
def test_broken_yaml_is_one_line(tmp_path: Path, content: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(content, encoding="utf-8")
    message = _error_for(path)
    assert "\n" not in message
    assert message.startswith(f"invalid policy file {path}: ")


def test_broken_yaml_says_where(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("version: '1'\nthresholds: [\n  default: :\n", encoding="utf-8")
    assert "line 3" in _error_for(path)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    message = _error_for(path)
    assert "\n" not in message
    assert str(path) in message


def test_the_error_keeps_its_cause(tmp_path: Path) -> None:
    data = copy.deepcopy(SHIPPED_DATA)
    data["triage_role"] = "janitor"
    with pytest.raises(ConfigurationError) as caught:
        load_policy_config(_write(tmp_path, data))
    assert caught.value.__cause__ is not None


def test_a_valid_variant_loads(tmp_path: Path) -> None:
    data = copy.deepcopy(SHIPPED_DATA)
    data["remediation"]["auto_approve_cost_limit"] = "0"
    data["thresholds"]["categories"] = {}
    config = load_policy_config(_write(tmp_path, data))
    assert config.remediation.auto_approve_cost_limit == Decimal(0)
    assert config.thresholds.for_category("credit_hold") == config.thresholds.default
