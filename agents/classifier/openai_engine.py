"""The classifier's ``openai`` engine: a model on any OpenAI-compatible endpoint reads the
event (as data) and may look at the case's order, customer, shipment and stock; its
answer is a category of the closed taxonomy with a confidence. It never closes a case: an
event is called informational only by codes or the local engine."""

from __future__ import annotations

import json
from collections.abc import Callable

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
from exdesk.agents.classifier.contract import (
    ClassificationRequest,
    Classifier,
    ClassifierEvidence,
    ClassifierOutcome,
)
from exdesk.domain import Category, ClassificationProposal, EngineName
from exdesk.llm import ModelRun, OutputSchema, untrusted

AGENT = "classifier"
MODEL_CONFIDENCE_CAP = 0.95
"""A model's own confidence is not calibrated: it is capped, so the thresholds above it
(none in the shipped policies) stay for codes and the calibrated local engine."""
DOCUMENT_CHARS = 6_000
"""How much of an attached document the model reads."""


class ClassifierAnswer(BaseModel):
    """What the model answers."""

    model_config = ConfigDict(extra="forbid")

    category: Category
    confidence: float = Field(ge=0, le=1, description="Probability the category is right.")
    rationale: str = Field(max_length=600, description="Why, in one or two sentences.")


def event_message(request: ClassificationRequest) -> str:
    """The user message: the event's fields and text as data, and what the case knows."""
    event = request.event
    fields = {
        "source": event.source,
        "occurred_at": event.occurred_at.isoformat(),
        "order_id": event.order_id,
        "shipment_id": event.shipment_id,
        "customer_id": event.customer_id,
        "sku": event.sku,
        "attributes": event.attributes,
    }
    parts = [
        "Classify this exception event.",
        untrusted("event_fields", json.dumps(fields, ensure_ascii=False, sort_keys=True)),
        untrusted("event_summary", event.summary),
    ]
    if event.document is not None:
        parts.append(
            untrusted(f"document:{event.document.kind}", event.document.content[:DOCUMENT_CHARS])
        )
    context = request.context
    known = {
        "order": context.order.order_id if context.order else None,
        "customer_tier": context.customer.tier if context.customer else None,
        "shipment_status": context.shipment.status if context.shipment else None,
        "not_found": context.missing,
    }
    parts.append("What the case knows (use the tools for more): " + json.dumps(known))
    return "\n\n".join(parts)


def triage_classification(request: ClassificationRequest) -> ClassifierOutcome:
    """No category: ``other`` at confidence 0, so a person classifies the case."""
    return AgentOutcome(
        output=ClassificationProposal(
            category="other",
            confidence=0.0,
            rationale="The model gave no usable answer; a person classifies this case.",
        ),
        agent=AGENT,
        engine="openai",
        evidence=ClassifierEvidence(),
    )


class OpenAIClassifier(ModelEngine[Classifier]):
    """Classifies with a model; on any model failure, the configured fallback."""

    prompt_name = "classifier"

    def ask(self, request: ClassificationRequest) -> ClassifierOutcome:
        """The model's classification (ModelRunError when it gives none)."""
        context = request.context
        run = ModelRun(
            client=self.parts.client,
            agent=AGENT,
            prompt=self.prompt,
            output=OutputSchema(ClassifierAnswer, self.parts.output_mode),
            tools=(
                order_tool(context.order),
                customer_tool(context.customer),
                shipment_tool(context.shipment),
                inventory_tool(context.inventory),
                lanes_tool(context.lanes),
            ),
            limits=self.parts.limits,
            retry=self.parts.retry,
        )
        result = run.run(event_message(request))
        answer = result.output
        proposal = ClassificationProposal(
            category=answer.category,
            confidence=min(answer.confidence, MODEL_CONFIDENCE_CAP),
            rationale=answer.rationale,
        )
        return AgentOutcome(
            output=proposal,
            agent=AGENT,
            engine="openai",
            evidence=ClassifierEvidence(),
            model=usage(result.report, engine="openai", decided_by="openai"),
        )

    def classify(self, request: ClassificationRequest) -> ClassifierOutcome:
        """The model's classification, or the fallback's with what failed."""
        return answer_or_fallback(
            request,
            ask=self.ask,
            local=self.local.classify,
            triage=triage_classification,
            parts=self.answer,
        )


def unsure_classification(
    threshold: Callable[[Category], float],
) -> Callable[[ClassificationRequest, ClassifierOutcome], str | None]:
    """When the cascade asks the model: the local answer is out of distribution, or under
    its category's policy threshold (a code's verdict is always kept)."""

    def unsure(request: ClassificationRequest, outcome: ClassifierOutcome) -> str | None:
        proposal = outcome.output
        if proposal.signal is not None:
            return None
        if proposal.out_of_distribution:
            return "local answer is out of distribution"
        limit = threshold(proposal.category)
        if proposal.confidence < limit:
            return f"local confidence {proposal.confidence:.2f} under the threshold {limit:.2f}"
        return None

    return unsure


def same_category(decided: ClassificationProposal, shadowed: ClassificationProposal) -> bool:
    """A shadow agrees when it names the same category."""
    return decided.category == shadowed.category


class CascadeClassifier:
    """Local first; the model only when the local answer is unsure."""

    engine: EngineName = "local"

    def __init__(self, model: OpenAIClassifier, threshold: Callable[[Category], float]) -> None:
        self.model = model
        self.unsure = unsure_classification(threshold)

    def classify(self, request: ClassificationRequest) -> ClassifierOutcome:
        """The local classification, or the model's where the local one is unsure."""
        return cascade(
            request,
            local=self.model.local.classify,
            unsure=self.unsure,
            ask=self.model.ask,
            parts=self.model.answer,
        )


class ShadowClassifier:
    """The local engine decides; the model's classification is recorded beside it."""

    engine: EngineName = "local"

    def __init__(self, model: OpenAIClassifier) -> None:
        self.model = model

    def classify(self, request: ClassificationRequest) -> ClassifierOutcome:
        """The local classification, with the model's in the record."""
        return shadow(
            request,
            local=self.model.local.classify,
            ask=self.model.ask,
            agree=same_category,
            parts=self.model.answer,
        )
