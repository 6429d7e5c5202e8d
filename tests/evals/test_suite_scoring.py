"""Per-sample scoring of the recommend, draft and workflow suites on hand-made inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from exdesk.domain import (
    Case,
    CustomerDraft,
    DraftRequest,
    ExceptionEvent,
    FactUsed,
    FulfillmentOption,
)
from exdesk.evals.claims import TextClaimChecker
from exdesk.evals.formats.recommendation import BestOption
from exdesk.evals.suites.recommend import keeps_by_shipping, matches, regret
from exdesk.evals.suites.workflow import WorkflowSample, needs_person, score_case


def _option(
    action: str, cost: str, warehouse: str = "DC-E", service: str = "standard"
) -> FulfillmentOption:
    return FulfillmentOption.model_validate(
        {
            "action": action,
            "warehouse_id": warehouse,
            "service": service,
            "eta": date(2026, 3, 5),
            "meets_promise": True,
            "cost": cost,
            "rationale": "test",
        }
    )


BEST = BestOption(action="reship", warehouse_id="DC-E", meets_promise=True, cost=Decimal("30.00"))


def test_an_option_matches_on_every_labelled_attribute() -> None:
    assert matches(_option("reship", "30.00"), BEST)
    assert not matches(_option("reship", "30.00", warehouse="DC-W"), BEST)
    assert not matches(_option("expedite", "30.00"), BEST)
    assert matches(_option("reship", "30.00", service="expedited"), BEST)  # service unlabelled


def test_regret_is_the_cost_above_the_best_when_the_promise_is_kept() -> None:
    assert regret(_option("reship", "42.50"), True, BEST, []) == pytest.approx(12.5)
    assert regret(_option("reship", "42.50"), False, BEST, []) is None
    unpriced = BestOption(action="reship", warehouse_id="DC-E", meets_promise=True)
    options = [_option("expedite", "50.00"), _option("reship", "35.00")]
    assert regret(options[0], True, unpriced, options) == pytest.approx(15.0)
    assert regret(options[0], True, unpriced, options[:1]) is None


def test_a_cancelled_duplicate_has_no_promise_to_check() -> None:
    assert keeps_by_shipping(BEST)
    assert not keeps_by_shipping(BestOption(action="cancel_duplicate", meets_promise=True))
    assert not keeps_by_shipping(BestOption(action="backorder", meets_promise=False))


def test_the_checker_reads_claims_in_the_text_and_names_what_no_fact_backs() -> None:
    request = DraftRequest(
        case_id="c1", category="carrier_delay", facts={"order_id": "SO-1", "new_eta": "2026-03-09"}
    )
    draft = CustomerDraft(
        subject="Your order SO-1",
        body="Your order SO-1 now arrives on 2026-03-09. We refunded $40.00 to your card.",
        facts_used=[
            FactUsed(name="order_id", value="SO-1"),
            FactUsed(name="new_eta", value="2026-03-10"),
            FactUsed(name="refund", value="40.00"),
        ],
    )

    found = TextClaimChecker().check(draft, request, ())

    assert found.backed == found.claims - 1, "the refund amount is the one unbacked claim"
    assert sorted(v.split(":")[0] for v in found.unbacked) == [
        "fact_mismatch",
        "fact_unknown",
        "unbacked_money",
    ]
    assert found.violations == []


def _sample(category: str, informational: bool = False, **metadata: str) -> WorkflowSample:
    event = ExceptionEvent(
        source="email",
        source_event_id="e1",
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        summary="x",
    )
    return WorkflowSample(event, category, informational, "test#e1", metadata)


def test_who_needed_a_person_comes_from_the_labels() -> None:
    assert needs_person(_sample("carrier_delay")) is True
    assert needs_person(_sample("other")) is True
    assert needs_person(_sample("carrier_delay", informational=True)) is False
    assert needs_person(_sample("integration_failure")) is None
    assert needs_person(_sample("integration_failure", needs_person="true")) is True
    assert needs_person(_sample("credit_hold", needs_person="no")) is False


def _closed(resolution: str | None) -> Case:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return Case.model_validate(
        {
            "case_id": "c1",
            "tenant_id": "t",
            "status": "resolved",
            "event": _sample("other").event.model_dump(mode="json"),
            "classification": {"category": "other", "confidence": 0.99, "engine": "local"},
            "route": "triage",
            "resolution": resolution,
            "created_at": at,
            "updated_at": at,
        }
    )


def test_closing_routine_progress_scores_and_closing_an_exception_is_counted_apart() -> None:
    scores, observation = score_case(_closed("no_action"), _sample("other", informational=True))
    assert scores["informational_closed"] == 1.0
    assert scores["exception_closed_unseen"] is None
    assert observation["resolution"] == "no_action"

    scores, _ = score_case(_closed("no_action"), _sample("carrier_delay"))
    assert scores["exception_closed_unseen"] == 1.0
    scores, _ = score_case(_closed("reship"), _sample("carrier_delay"))
    assert scores["exception_closed_unseen"] == 0.0
