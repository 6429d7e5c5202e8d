"""The policy file: typed, validated at start, versioned."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from exdesk.domain import Category, CustomerTier, FulfillmentAction, Role, Severity
from exdesk.errors import ConfigurationError

SHIPPED_POLICIES: Traversable = resources.files(__package__ or __name__).joinpath("default.yaml")
"""The policy file shipped with the package, used when no other is configured."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    """Minimum classification confidence for automatic routing."""

    default: float = Field(ge=0, le=1)
    categories: dict[Category, float] = Field(default_factory=dict)

    def for_category(self, category: Category) -> float:
        """The threshold that applies to one category."""
        return self.categories.get(category, self.default)


class RevenueBand(_Strict):
    at_least: Decimal
    points: int


class HoursBand(_Strict):
    at_most: float
    points: int


class OrdersBand(_Strict):
    at_least: int
    points: int


class SeverityLevel(_Strict):
    at_least: int
    severity: Severity


class SeverityRules(_Strict):
    """Points for revenue at risk, tier and time to the promise; levels by total.

    Bands are kept in evaluation order whatever order the file lists them in: revenue
    and levels from the highest threshold down, hours from the shortest up, so the first
    band that matches is always the most severe one.
    """

    revenue_points: list[RevenueBand]
    tier_points: dict[CustomerTier, int]
    hours_points: list[HoursBand]
    orders_points: list[OrdersBand] = Field(default_factory=list)
    """Points for the number of orders an outage puts at risk (an integration failure names
    no single order: the orders it holds up are what it risks)."""
    levels: list[SeverityLevel]

    @model_validator(mode="after")
    def _evaluation_order(self) -> SeverityRules:
        object.__setattr__(
            self, "revenue_points", sorted(self.revenue_points, key=lambda b: -b.at_least)
        )
        object.__setattr__(self, "hours_points", sorted(self.hours_points, key=lambda b: b.at_most))
        object.__setattr__(self, "levels", sorted(self.levels, key=lambda b: -b.at_least))
        object.__setattr__(
            self, "orders_points", sorted(self.orders_points, key=lambda b: -b.at_least)
        )
        return self


class RemediationRules(_Strict):
    approver_role: Role = "ops"
    auto_approve_cost_limit: Decimal = Field(ge=0)
    always_review_actions: list[FulfillmentAction] = Field(default_factory=list)
    always_review_severities: list[Severity] = Field(default_factory=list)


class EscalationRules(_Strict):
    severities: list[Severity] = Field(default_factory=list)
    tiers: list[CustomerTier] = Field(default_factory=list)
    approval_sla_hours: float = Field(default=24, gt=0)


class ApproverRule(_Strict):
    approver_role: Role


class DocumentRules(_Strict):
    approver_role: Role = "ops"
    min_field_confidence: float = Field(ge=0, le=1)
    own_edi_ids: list[str] = Field(default_factory=list)
    """Our X12/EDIFACT interchange and group ids: a document sent from one is ours."""
    own_names: list[str] = Field(default_factory=list)
    """The names our own documents (invoices, packing slips) are headed with."""


class PolicyConfig(_Strict):
    """Everything the policy engine and the severity assessment read."""

    version: str
    thresholds: Thresholds
    triage_role: Role = "ops"
    close_informational: bool = True
    """Close a case the classifier confidently calls routine progress (out for delivery, an
    accepting 997) with ``resolution = no_action`` and no proposal; off: a person sees it."""
    severity: SeverityRules
    remediation: RemediationRules
    escalation: EscalationRules
    customer_message: ApproverRule
    credit: ApproverRule
    document: DocumentRules


def load_policy_config(path: Path | Traversable | None = None) -> PolicyConfig:
    """Read and validate a policy file (the shipped one by default); ConfigurationError names
    the bad field in one line."""
    path = SHIPPED_POLICIES if path is None else path
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigurationError(f"invalid policy file {path}: {error.strerror}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigurationError(f"invalid policy file {path}: {problem}{where}") from error
    try:
        return PolicyConfig.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ConfigurationError(f"invalid policy file {path}: {where}: {first['msg']}") from error
