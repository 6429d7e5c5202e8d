"""The ``local`` customer drafter: deterministic templates, no network, no model."""

from __future__ import annotations

from exdesk.agents._outcome import AgentOutcome
from exdesk.agents.customer_drafter._facts import prepare_facts
from exdesk.agents.customer_drafter._locale import resolve_locale
from exdesk.agents.customer_drafter._render import Filler, Rendered
from exdesk.agents.customer_drafter._templates import load_templates
from exdesk.agents.customer_drafter.contract import DraftEvidence, DraftOutcome
from exdesk.domain import CustomerDraft, DraftRequest, EngineName, FactUsed
from exdesk.domain.proposals import DEFAULT_PURPOSE

AGENT_NAME = "customer_drafter"


class LocalCustomerDrafter:
    """Writes a customer e-mail from per-language templates, stating only the request's facts.

    The purpose picks the story (a delay notice, an answer to an invoice request…), the facts
    pick its sentences (a delivered order is told when it was delivered, an order still
    within its promise is not told it is late), the tier the tone (``strategic``: named and
    personal, offers a call with the account team; ``key``: warm and professional;
    ``standard``: short and friendly) and the locale the language and date style.
    ``facts_used`` names exactly the facts the subject and body state, with their sources.
    """

    engine: EngineName = "local"

    def draft(self, request: DraftRequest) -> DraftOutcome:
        """Draft the message for a CS rep to review."""
        resolved = resolve_locale(request.locale)
        templates = load_templates(resolved.language)
        purpose = request.purpose or DEFAULT_PURPOSE[request.category]
        book = prepare_facts(request, locale=resolved.locale, purpose=purpose)
        filler = Filler(
            book,
            templates,
            {
                name: value.strip()
                for name, value in (
                    ("recipient_name", request.recipient_name),
                    ("customer_name", request.customer_name),
                )
                if value and value.strip()
            },
        )
        tier = templates.tiers[request.tier]
        message = templates.messages[purpose]

        subject = filler.first(message.subject) or Rendered(purpose)
        greeting = filler.first(tier.greeting)
        paragraphs = [
            filler.paragraph([tier.opening[message.mood]]),
            *(filler.paragraph(slots) for slots in message.body),
            filler.paragraph([tier.closing[message.mood]]),
        ]
        written = [p for p in paragraphs if p is not None]
        if greeting is not None and written:
            first_word = written[0].text.split(" ", 1)[0]
            if first_word in templates.lowercase_after_greeting:
                lowered = written[0].text[:1].lower() + written[0].text[1:]
                written[0] = Rendered(lowered, written[0].facts)
        signoff = filler.first(tier.signoff)
        parts = [p for p in (greeting, *written, signoff) if p is not None and p.text]

        stated = list(dict.fromkeys([*subject.facts, *(f for p in parts for f in p.facts)]))
        by_key = {(fact.name, fact.source): fact for fact in request.facts}
        draft = CustomerDraft(
            locale=resolved.locale,
            subject=subject.text,
            body="\n\n".join(p.text for p in parts),
            facts_used=[
                FactUsed(name=f.name, value=f.value, kind=f.kind, source=f.source)
                for f in (by_key[key] for key in stated)
            ],
        )
        stated_names = {name for name, _ in stated}
        return AgentOutcome(
            output=draft,
            agent=AGENT_NAME,
            engine=self.engine,
            evidence=DraftEvidence(
                template=f"{resolved.language}/{purpose}/{request.tier}",
                locale_requested=request.locale,
                locale=resolved.locale,
                facts_not_stated=sorted({f.name for f in request.facts} - stated_names),
                facts_set_aside=dict(book.set_aside),
            ),
        )
