"""The customer drafter's ``openai`` engine: a model writes the e-mail from the case's
typed facts (given as data, also through the ``get_facts`` tool). It addresses no one
(the recipient is the contact on file, set by the workflow) and its draft passes the same
claim checker and content rules as a template draft before a CS rep may send it."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from exdesk.agents._engines import (
    ModelEngine,
    answer_or_fallback,
    cascade,
    shadow,
    usage,
)
from exdesk.agents._outcome import AgentOutcome
from exdesk.agents._tools import facts_tool
from exdesk.agents.customer_drafter.contract import CustomerDrafter, DraftEvidence, DraftOutcome
from exdesk.domain import DEFAULT_PURPOSE, CustomerDraft, DraftRequest, EngineName, Fact, FactUsed
from exdesk.llm import ModelRun, OutputSchema, untrusted

AGENT = "customer_drafter"


class DrafterAnswer(BaseModel):
    """What the model answers."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=6_000)
    facts_used: list[str] = Field(description="The id of every fact the subject and body state.")


def fact_id(fact: Fact) -> str:
    """How the prompt names a fact: ``<name>@<source>``."""
    return f"{fact.name}@{fact.source}"


def draft_message(request: DraftRequest) -> str:
    """The user message: what the message is for, to whom (by name), and the facts."""
    purpose = request.purpose or DEFAULT_PURPOSE[request.category]
    brief = {
        "purpose": purpose,
        "category": request.category,
        "tier": request.tier,
        "locale": request.locale,
        "customer_questions": request.questions,
    }
    facts = [
        {"id": fact_id(f), "name": f.name, "kind": f.kind, "value": f.value} for f in request.facts
    ]
    names = {"recipient_name": request.recipient_name, "customer_name": request.customer_name}
    return "\n\n".join(
        [
            "Write the e-mail described here: " + json.dumps(brief, ensure_ascii=False),
            untrusted("names", json.dumps(names, ensure_ascii=False)),
            untrusted("facts", json.dumps(facts, ensure_ascii=False, indent=1)),
        ]
    )


def draft_from(answer: DrafterAnswer, request: DraftRequest) -> tuple[CustomerDraft, list[str]]:
    """The answer as a draft, its ``facts_used`` resolved against the request's facts; and
    the ids it named that the request does not hold (dropped)."""
    by_id = {fact_id(f): f for f in request.facts}
    used: list[FactUsed] = []
    unknown: list[str] = []
    for name in dict.fromkeys(answer.facts_used):
        fact = by_id.get(name)
        if fact is None:
            unknown.append(name)
            continue
        used.append(FactUsed(name=fact.name, value=fact.value, kind=fact.kind, source=fact.source))
    draft = CustomerDraft(
        locale=request.locale, subject=answer.subject, body=answer.body, facts_used=used
    )
    return draft, unknown


class OpenAICustomerDrafter(ModelEngine[CustomerDrafter]):
    """Writes drafts with a model; on any failure, the configured fallback (for the
    drafter, ``triage`` also means the template draft: every draft goes to a CS rep)."""

    prompt_name = "drafter"

    def ask(self, request: DraftRequest) -> DraftOutcome:
        """The model's draft (ModelRunError when it gives none)."""
        run = ModelRun(
            client=self.parts.client,
            agent=AGENT,
            prompt=self.prompt,
            output=OutputSchema(DrafterAnswer, self.parts.output_mode),
            tools=(facts_tool(request.facts),),
            limits=self.parts.limits,
            retry=self.parts.retry,
        )
        result = run.run(draft_message(request))
        draft, unknown = draft_from(result.output, request)
        stated = {f.name for f in draft.facts_used}
        return AgentOutcome(
            output=draft,
            agent=AGENT,
            engine="openai",
            evidence=DraftEvidence(
                template=f"model:{self.prompt.label}",
                locale_requested=request.locale,
                locale=request.locale,
                facts_not_stated=sorted({f.name for f in request.facts} - stated),
                facts_set_aside=dict.fromkeys(unknown, "named by the model, not a case fact"),
            ),
            model=usage(result.report, engine="openai", decided_by="openai"),
        )

    def draft(self, request: DraftRequest) -> DraftOutcome:
        """The model's draft, or the template draft with what failed."""
        return answer_or_fallback(
            request,
            ask=self.ask,
            local=self.local.draft,
            triage=self.local.draft,
            parts=self.answer,
        )


def unsure_draft(request: DraftRequest, outcome: DraftOutcome) -> str | None:
    """When the cascade asks the model: the templates cannot answer the request type (a
    general message) or do not have the customer's language."""
    purpose = request.purpose or DEFAULT_PURPOSE[request.category]
    if purpose == "general":
        return "no template answers a general request"
    wanted, written = request.locale.split("-")[0], outcome.evidence.locale.split("-")[0]
    if wanted.lower() != written.lower():
        return f"no template in the customer's language ({request.locale})"
    return None


def same_facts(decided: CustomerDraft, shadowed: CustomerDraft) -> bool:
    """A shadow agrees when it states the same facts (wording may differ)."""
    return {(f.name, f.source) for f in decided.facts_used} == {
        (f.name, f.source) for f in shadowed.facts_used
    }


class CascadeCustomerDrafter:
    """Templates first; the model when no template fits."""

    engine: EngineName = "local"

    def __init__(self, model: OpenAICustomerDrafter) -> None:
        self.model = model

    def draft(self, request: DraftRequest) -> DraftOutcome:
        """The template draft, or the model's where no template fits."""
        return cascade(
            request,
            local=self.model.local.draft,
            unsure=unsure_draft,
            ask=self.model.ask,
            parts=self.model.answer,
        )


class ShadowCustomerDrafter:
    """The template draft decides; the model's is recorded beside it."""

    engine: EngineName = "local"

    def __init__(self, model: OpenAICustomerDrafter) -> None:
        self.model = model

    def draft(self, request: DraftRequest) -> DraftOutcome:
        """The template draft, with the model's in the record."""
        return shadow(
            request,
            local=self.model.local.draft,
            ask=self.model.ask,
            agree=same_facts,
            parts=self.model.answer,
        )
