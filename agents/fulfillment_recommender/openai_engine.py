"""The fulfillment recommender's ``openai`` engine: a model chooses and orders the options
the local enumerator found feasible. Costs, dates, allocations and feasibility stay
computed; the model cannot invent an option, only rank the real ones and say why."""

from __future__ import annotations

import json
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from exdesk.agents._engines import (
    ModelEngine,
    answer_or_fallback,
    cascade,
    shadow,
    usage,
)
from exdesk.agents._outcome import AgentOutcome
from exdesk.agents._tools import (
    customer_tool,
    inventory_tool,
    lanes_tool,
    order_tool,
    shipment_tool,
)
from exdesk.agents.fulfillment_recommender.contract import (
    FulfillmentRecommender,
    RecommendationEvidence,
    RecommendationOutcome,
    RecommendationRequest,
)
from exdesk.domain import EngineName, FulfillmentOption, FulfillmentRecommendation
from exdesk.errors import AgentError
from exdesk.llm import ModelRun, OutputSchema, untrusted

AGENT = "fulfillment_recommender"
NEAR_TIE = Decimal("0.10")
"""Two best options whose costs are this close (relative) are a near tie for the cascade."""


class RankedOption(BaseModel):
    """One chosen option, by its number in the list given."""

    model_config = ConfigDict(extra="forbid")

    option: int = Field(ge=1, description="The option's number in the list given.")
    rationale: str = Field(max_length=400)


class RecommenderAnswer(BaseModel):
    """What the model answers: the options it keeps, best first."""

    model_config = ConfigDict(extra="forbid")

    ranking: list[RankedOption] = Field(min_length=1)
    rationale: str = Field(max_length=800)


def options_message(request: RecommendationRequest, options: list[FulfillmentOption]) -> str:
    """The user message: the exception (as data) and the feasible options, numbered."""
    listed = [
        {"option": i, **option.model_dump(mode="json", exclude={"allocations", "rationale"})}
        for i, option in enumerate(options, start=1)
    ]
    return "\n\n".join(
        [
            f"Exception category: {request.category}. Order {request.order.order_id}, "
            f"promised {request.order.promised_date.isoformat()}, as of {request.as_of}.",
            untrusted("exception_summary", request.summary),
            "Feasible options:\n" + json.dumps(listed, ensure_ascii=False, indent=1),
        ]
    )


def ranked(
    answer: RecommenderAnswer, options: list[FulfillmentOption]
) -> tuple[list[FulfillmentOption], list[str]]:
    """The options the model chose, in its order, with its reasons; and the numbers it gave
    that name no option (refused)."""
    chosen: list[FulfillmentOption] = []
    refused: list[str] = []
    seen: set[int] = set()
    for item in answer.ranking:
        if item.option in seen:
            continue
        if item.option > len(options):
            refused.append(f"model named option {item.option}, which does not exist")
            continue
        seen.add(item.option)
        option = options[item.option - 1]
        chosen.append(option.model_copy(update={"rationale": item.rationale or option.rationale}))
    return chosen, refused


def triage_recommendation(request: RecommendationRequest) -> RecommendationOutcome:
    """No option: operations decide the remediation themselves."""
    return AgentOutcome(
        output=FulfillmentRecommendation(
            options=[], rationale="The model gave no usable ranking; operations decide."
        ),
        agent=AGENT,
        engine="openai",
        evidence=RecommendationEvidence(),
    )


class OpenAIFulfillmentRecommender(ModelEngine[FulfillmentRecommender]):
    """Ranks the feasible options with a model; on any failure, the configured fallback."""

    prompt_name = "recommender"

    def ask(self, request: RecommendationRequest) -> RecommendationOutcome:
        """The model's ranking of the feasible options (ModelRunError when it gives none)."""
        enumerated = self.local.recommend(request)
        options = enumerated.output.options
        if not options:
            raise AgentError(f"{AGENT}: no feasible option to rank", agent=AGENT, engine="openai")
        run = ModelRun(
            client=self.parts.client,
            agent=AGENT,
            prompt=self.prompt,
            output=OutputSchema(RecommenderAnswer, self.parts.output_mode),
            tools=(
                order_tool(request.order),
                customer_tool(request.customer),
                shipment_tool(request.shipment),
                inventory_tool(request.inventory),
                lanes_tool(request.lanes),
            ),
            limits=self.parts.limits,
            retry=self.parts.retry,
        )
        result = run.run(options_message(request, options))
        chosen, refused = ranked(result.output, options)
        evidence = enumerated.evidence.model_copy(
            update={"shown": len(chosen), "refused": [*enumerated.evidence.refused, *refused]}
        )
        return AgentOutcome(
            output=FulfillmentRecommendation(options=chosen, rationale=result.output.rationale),
            agent=AGENT,
            engine="openai",
            evidence=evidence,
            model=usage(result.report, engine="openai", decided_by="openai"),
        )

    def recommend(self, request: RecommendationRequest) -> RecommendationOutcome:
        """The model's ranking, or the fallback's with what failed."""
        return answer_or_fallback(
            request,
            ask=self.ask,
            local=self.local.recommend,
            triage=triage_recommendation,
            parts=self.answer,
        )


def unsure_recommendation(
    request: RecommendationRequest, outcome: RecommendationOutcome
) -> str | None:
    """When the cascade asks the model: the two best options are a near tie (both keep or
    both break the promise, costs within 10 %)."""
    options = outcome.output.options
    if len(options) < 2:
        return None
    first, second = options[0], options[1]
    if first.meets_promise != second.meets_promise:
        return None
    high = max(first.cost, second.cost)
    if high == 0 or abs(first.cost - second.cost) / high <= NEAR_TIE:
        return "the two best options are a near tie (same promise, costs within 10 %)"
    return None


def _key(option: FulfillmentOption) -> tuple[object, ...]:
    return (option.action, option.warehouse_id, option.carrier, option.service)


def same_best_option(
    decided: FulfillmentRecommendation, shadowed: FulfillmentRecommendation
) -> bool:
    """A shadow agrees when its best option is the decision's best option."""
    if not decided.options or not shadowed.options:
        return not decided.options and not shadowed.options
    return _key(decided.options[0]) == _key(shadowed.options[0])


class CascadeFulfillmentRecommender:
    """Local first; the model breaks near ties."""

    engine: EngineName = "local"

    def __init__(self, model: OpenAIFulfillmentRecommender) -> None:
        self.model = model

    def recommend(self, request: RecommendationRequest) -> RecommendationOutcome:
        """The local ranking, or the model's where the two best options nearly tie."""
        return cascade(
            request,
            local=self.model.local.recommend,
            unsure=unsure_recommendation,
            ask=self.model.ask,
            parts=self.model.answer,
        )


class ShadowFulfillmentRecommender:
    """The local ranking decides; the model's is recorded beside it."""

    engine: EngineName = "local"

    def __init__(self, model: OpenAIFulfillmentRecommender) -> None:
        self.model = model

    def recommend(self, request: RecommendationRequest) -> RecommendationOutcome:
        """The local ranking, with the model's in the record."""
        return shadow(
            request,
            local=self.model.local.recommend,
            ask=self.model.ask,
            agree=same_best_option,
            parts=self.model.answer,
        )
