"""The four model engines end to end against a real OpenAI-compatible server on this
machine, offline: llama-cpp-python serving SmolLM2-135M-Instruct (``make test-llm``).

What is asserted is plumbing, never quality (a 135M model is no evidence of that): every
agent asks the real model, and what it answers is either parsed into the agent's pydantic
output or recorded as a failure with the fallback deciding; a model draft goes through the
claim checker, which blocks a claim the case does not hold; the server's own failure modes
(HTTP 500 to ``json_schema``, truncation at ``max_tokens``) end in the fallback; and with
``chatml-function-calling`` and ``tool_choice`` the tools are really called, within the
run's limits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from exdesk.agents._engines import AgentKey, ModelParts, model_parts
from exdesk.agents.classifier.openai_engine import OpenAIClassifier
from exdesk.agents.customer_drafter.contract import DraftOutcome
from exdesk.agents.customer_drafter.openai_engine import OpenAICustomerDrafter
from exdesk.agents.document_extractor.contract import ExtractionRequest
from exdesk.agents.document_extractor.openai_engine import OpenAIDocumentExtractor
from exdesk.agents.fulfillment_recommender.openai_engine import OpenAIFulfillmentRecommender
from exdesk.agents.registry import AgentSet
from exdesk.domain import (
    Case,
    ClassifyStep,
    CustomerDraft,
    DecisionRecord,
    DocumentExtraction,
    DraftRequest,
    EngineName,
    ExceptionEvent,
    ModelUsage,
    NetworkSnapshot,
)
from exdesk.examples import example_events
from exdesk.policies.claims import POLICY_ID, check_claims, claims_review
from exdesk.policies.config import load_policy_config
from exdesk.service import ExceptionDesk
from exdesk.settings import ModelLimits, Settings
from tests.real_model.server import MODEL, RunningServer
from tests.workflows.conftest import TENANT, first_stop

pytestmark = [pytest.mark.llm, pytest.mark.timeout(1800)]

SHORT_PICK = "WMS-PHL-ALR-0047731"
"""A short pick: the classifier, the recommender and the drafter all ask the model."""
PRICE_DISCREPANCY = "<SA1PR12MB4488AF@ensambles-trevino.example.org>"
"""An e-mailed text invoice, read by the extractor."""
AGENT_OF_STEP = {
    "classify": "classifier",
    "extract_document": "document_extractor",
    "recommend_fulfillment": "fulfillment_recommender",
    "draft_customer_message": "customer_drafter",
}
UNBACKED_REFUND = " We have refunded USD 5,000.00 to your card."


def example(source_event_id: str) -> ExceptionEvent:
    return next(e for e in example_events() if e.source_event_id == source_event_id)


def on_server(settings: Settings, server: RunningServer, **changes: object) -> Settings:
    """``settings`` with the model engines on ``server`` in the mode it supports."""
    return settings.model_copy(
        update={
            "openai_base_url": server.base_url,
            "openai_model": MODEL,
            "openai_output_mode": "json_object_schema",
            "openai_timeout_seconds": 180.0,
            "openai_backoff_seconds": 0.2,
            **changes,
        }
    )


def parts(settings: Settings, agent: AgentKey) -> ModelParts:
    """The agent's model parts exactly as the service builds them from ``settings``."""
    return model_parts(settings, agent)


@dataclass
class WatchedDrafter:
    """The model drafter, keeping each request and what it answered."""

    model: OpenAICustomerDrafter
    drafted: list[tuple[DraftRequest, DraftOutcome]] = field(default_factory=list)
    engine: EngineName = "openai"

    def draft(self, request: DraftRequest) -> DraftOutcome:
        outcome = self.model.draft(request)
        self.drafted.append((request, outcome))
        return outcome


def open_desk(
    settings: Settings, agents: AgentSet, network: NetworkSnapshot, engines: AgentSet
) -> ExceptionDesk:
    desk = ExceptionDesk.open(settings, agents=engines)
    desk.load_network(TENANT, network)
    return desk


def model_records(case: Case) -> list[DecisionRecord]:
    return [d for d in case.decisions if d.step in AGENT_OF_STEP and d.model is not None]


def show(step: str, model: ModelUsage) -> None:
    """One line per model run on the test's output (``make test-llm`` shows it)."""
    failure = (model.failure or "").split("\n")[0][:120]
    print(
        f"\n  {step}: decided_by={model.decided_by} turns={model.turns} "
        f"tool_calls={model.tool_calls} retries={model.retries} latency_ms={model.latency_ms} "
        f"tokens={model.input_tokens}+{model.output_tokens} {failure}"
    )


def assert_answered_or_fell_back(record: DecisionRecord | None, agent: str) -> ModelUsage:
    """The model was asked; it either decided (no failure) or its failure is recorded and
    the local engine decided instead."""
    assert record is not None
    model = record.model
    assert model is not None
    show(record.step, model)
    assert (model.model, model.engine) == (MODEL, "openai")
    assert (model.turns or 0) >= 1
    assert model.latency_ms is not None
    assert model.latency_ms > 0
    if model.decided_by == "openai":
        assert model.failure is None
        assert record.actor == f"agent:{agent}@openai"
        assert (model.input_tokens or 0) > 0
        assert (model.output_tokens or 0) > 0
    else:
        assert model.failure is not None
        assert model.failure.split(":")[0].endswith("Error")
        assert model.fallback == "local"
        assert record.actor == f"agent:{agent}@local"
    return model


@pytest.fixture
def watched_drafter(
    settings: Settings, agents: AgentSet, chatml_server: RunningServer
) -> WatchedDrafter:
    served = on_server(settings, chatml_server)
    return WatchedDrafter(OpenAICustomerDrafter(parts(served, "drafter"), agents.drafter))


@pytest.fixture
def four_engine_desk(
    settings: Settings,
    agents: AgentSet,
    chatml_server: RunningServer,
    example_network: NetworkSnapshot,
    watched_drafter: WatchedDrafter,
) -> Iterator[ExceptionDesk]:
    served = on_server(settings, chatml_server)
    engines = AgentSet(
        classifier=OpenAIClassifier(parts(served, "classifier"), agents.classifier),
        extractor=OpenAIDocumentExtractor(parts(served, "extractor"), agents.extractor),
        recommender=OpenAIFulfillmentRecommender(parts(served, "recommender"), agents.recommender),
        drafter=watched_drafter,
    )
    desk = open_desk(served, agents, example_network, engines)
    yield desk
    desk.close()


def test_a_case_runs_on_the_real_model_and_every_answer_is_parsed_or_falls_back(
    four_engine_desk: ExceptionDesk,
) -> None:
    case = first_stop(four_engine_desk, example(SHORT_PICK))

    assert case.status in {"awaiting_approval", "escalated", "resolved"}
    records = {d.step: d for d in model_records(case)}
    assert {"classify", "recommend_fulfillment", "draft_customer_message"} <= records.keys()
    used = [assert_answered_or_fell_back(records[s], AGENT_OF_STEP[s]) for s in records]
    # Grammar-constrained JSON (json_object_schema) is what makes a 135M model's answers
    # parse at all: at least one agent's answer came from the model.
    assert any(model.decided_by == "openai" for model in used)
    assert case.classification is not None
    if records["classify"].model and records["classify"].model.decided_by == "openai":
        assert case.classification.confidence <= 0.95  # a model's confidence is capped
    assert four_engine_desk.verify(TENANT).problems == []


def test_a_model_draft_passes_the_claim_checker_which_blocks_what_the_case_does_not_hold(
    four_engine_desk: ExceptionDesk, watched_drafter: WatchedDrafter
) -> None:
    case = first_stop(four_engine_desk, example(SHORT_PICK))

    [(request, outcome)] = watched_drafter.drafted
    draft: CustomerDraft = outcome.output
    config = load_policy_config()
    [checked] = [r for r in case.policy_results if r.policy_id == POLICY_ID]
    assert checked.effect == claims_review(config, draft, request).effect
    assert (checked.effect == "deny") == bool(check_claims(draft, request))
    if checked.effect == "deny":
        assert case.actions == []
    unbacked = draft.model_copy(update={"body": draft.body + UNBACKED_REFUND})
    refused = claims_review(config, unbacked, request)
    assert refused.effect == "deny"
    assert "5,000.00" in (refused.reason or "")


def test_the_extractor_reads_a_text_document_on_the_real_model(
    settings: Settings, agents: AgentSet, chatml_server: RunningServer
) -> None:
    served = on_server(settings, chatml_server)
    extractor = OpenAIDocumentExtractor(parts(served, "extractor"), agents.extractor)
    event = example(PRICE_DISCREPANCY)
    assert event.document is not None

    outcome = extractor.extract(ExtractionRequest(document=event.document))

    assert isinstance(outcome.output, DocumentExtraction)
    model = outcome.model
    assert model is not None
    show("extract_document", model)
    assert (model.turns or 0) >= 1
    if model.decided_by == "openai":
        assert model.failure is None
        assert outcome.engine == "openai"
    else:
        assert model.failure is not None
        assert model.fallback == "local"


def classified_on_the_model(
    served: Settings, agents: AgentSet, network: NetworkSnapshot
) -> DecisionRecord:
    """The classify record of a short pick run to its first stop with only the classifier
    on the model."""
    engines = AgentSet(
        classifier=OpenAIClassifier(parts(served, "classifier"), agents.classifier),
        extractor=agents.extractor,
        recommender=agents.recommender,
        drafter=agents.drafter,
    )
    desk = open_desk(served, agents, network, engines)
    try:
        case = first_stop(desk, example(SHORT_PICK))
    finally:
        desk.close()
    return next(d for d in case.decisions if d.step == "classify")


def test_the_servers_http_500_to_json_schema_ends_in_the_fallback(
    settings: Settings,
    agents: AgentSet,
    chatml_server: RunningServer,
    example_network: NetworkSnapshot,
) -> None:
    served = on_server(settings, chatml_server, openai_output_mode="json_schema")
    classified = classified_on_the_model(served, agents, example_network)
    model = assert_answered_or_fell_back(classified, "classifier")
    assert model.decided_by == "local"
    assert (model.failure or "").startswith("ModelServerError")
    assert "500" in (model.failure or "")
    assert model.retries == served.openai_max_retries
    assert isinstance(classified.output, ClassifyStep), "the case is classified all the same"


def test_an_answer_cut_off_at_max_tokens_ends_in_the_fallback(
    settings: Settings,
    agents: AgentSet,
    chatml_server: RunningServer,
    example_network: NetworkSnapshot,
) -> None:
    served = on_server(
        settings, chatml_server, classifier_limits=ModelLimits(turns=2, output_tokens=16)
    )
    classified = classified_on_the_model(served, agents, example_network)
    model = assert_answered_or_fell_back(classified, "classifier")
    assert model.decided_by == "local"
    assert (model.failure or "").startswith("ModelTruncatedError")
    assert (model.turns, model.retries) == (1, 0)
    assert "output-token limit (16)" in (model.failure or "")


def test_with_function_calling_the_tools_are_really_called_within_the_limits(
    settings: Settings,
    agents: AgentSet,
    function_calling_server: RunningServer,
    example_network: NetworkSnapshot,
) -> None:
    limits = ModelLimits(turns=3, tool_calls=4, tokens=24_000)
    served = on_server(
        settings, function_calling_server, openai_tool_choice="auto", classifier_limits=limits
    )
    classified = classified_on_the_model(served, agents, example_network)
    model = assert_answered_or_fell_back(classified, "classifier")
    assert model.tool_calls, "the model called no tool"
    offered = {"get_order", "get_customer", "get_shipment", "get_inventory", "get_lanes"}
    assert set(model.tool_calls) <= offered
    assert len(model.tool_calls) <= limits.tool_calls
    assert 1 <= (model.turns or 0) <= limits.turns
