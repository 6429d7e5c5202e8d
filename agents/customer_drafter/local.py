"""The ``local`` customer drafter: deterministic templates, no network, no model."""

from __future__ import annotations

from exdesk.agents._outcome import AgentOutcome
from exdesk.agents.customer_drafter._facts import prepare_facts
from exdesk.agents.customer_drafter._locale import resolve_locale
from exdesk.agents.customer_drafter._render import Filler, Rendered
from exdesk.agents.customer_drafter._templates import load_templates
from exdesk.agents.customer_drafter.contract import DraftEvidence, DraftOutcome
from exdesk.domain import CustomerDraft, DraftRequest, EngineName, FactUsed

AGENT_NAME = "customer_drafter"


class LocalCustomerDrafter:
    """Writes a customer e-mail from per-language templates, stating only the request's facts.

    The category picks the story, the tier the tone (``strategic``: named and personal, offers a
    call with the account team; ``key``: warm and professional; ``standard``: short and
    friendly) and the locale the language and date style. ``facts_used`` names exactly the facts
    the subject and body state.
    """

    engine: EngineName = "local"

    def draft(self, request: DraftRequest) -> DraftOutcome:
        """Draft the message for a CS rep to review."""
        resolved = resolve_locale(request.locale)
        templates = load_templates(resolved.language)
        prepared = prepare_facts(request.facts, locale=resolved.locale, templates=templates)
        filler = Filler(
            facts=prepared.rendered,
            request_fields={
                name: value.strip()
                for name, value in (
                    ("recipient_name", request.recipient_name),
                    ("customer_name", request.customer_name),
                )
                if value and value.strip()
            },
            phrases=templates.phrases,
        )
        tier = templates.tiers[request.tier]
        category = templates.categories[request.category]

        subject = filler.first(category.subject) or Rendered(request.category)
        greeting = filler.first(tier.greeting)
        paragraphs = [
            filler.paragraph([tier.opening[category.mood]]),
            *(filler.paragraph(slots) for slots in category.body),
            filler.paragraph([tier.closing[category.mood]]),
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
        draft = CustomerDraft(
            locale=resolved.locale,
            subject=subject.text,
            body="\n\n".join(p.text for p in parts),
            facts_used=[FactUsed(name=name, value=request.facts[name]) for name in stated],
        )
        return AgentOutcome(
            output=draft,
            agent=AGENT_NAME,
            engine=self.engine,
            evidence=DraftEvidence(
                template=f"{resolved.language}/{request.category}/{request.tier}",
                locale_requested=request.locale,
                locale=resolved.locale,
                facts_not_stated=sorted(set(request.facts) - set(stated)),
                facts_set_aside=dict(prepared.set_aside),
            ),
        )
