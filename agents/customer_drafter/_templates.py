"""The drafter's message templates: one YAML file per language, validated on load.

A template *variant* is text with placeholders: ``{order_id}`` is a fact, ``{$recipient_name}``
a field of the request (``recipient_name``, ``customer_name``) and ``{@order_ref}`` a phrase of
the same language. A *slot* is a list of variants, best first; the first variant whose
placeholders can all be filled is used and a slot with none is left out, which is how a
missing fact is omitted without a trace.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Annotated, Final, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from exdesk.agents.customer_drafter._locale import Language
from exdesk.domain import CATEGORIES, Category, CustomerTier

Mood = Literal["problem", "reply", "notice"]
"""How a message opens and closes: news of a problem, an answer to the customer, or a notice."""

PLACEHOLDER: Final = re.compile(r"\{([@$]?)([A-Za-z_][A-Za-z0-9_]*)\}")
"""``{fact}``, ``{$request_field}`` or ``{@phrase}``."""

REQUEST_FIELDS: Final[frozenset[str]] = frozenset({"recipient_name", "customer_name"})
TIERS: Final[tuple[CustomerTier, ...]] = ("strategic", "key", "standard")
MOODS: Final[tuple[Mood, ...]] = ("problem", "reply", "notice")


def _as_variants(value: object) -> object:
    return [value] if isinstance(value, str) else value


Slot = Annotated[list[str], BeforeValidator(_as_variants)]
"""Variants of one sentence, best first; YAML may give a single string."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TierText(_Strict):
    """How a tier is greeted, opened, closed and signed off."""

    greeting: Slot
    opening: dict[Mood, Slot]
    closing: dict[Mood, Slot]
    signoff: Slot


class CategoryText(_Strict):
    """The subject and body of one exception category."""

    mood: Mood
    subject: Slot
    body: list[list[Slot]]
    """Paragraphs, each a list of sentence slots."""


class LanguageTemplates(_Strict):
    """Every template of one language."""

    language: Language
    lowercase_after_greeting: list[str] = []
    """First words written in lower case after a greeting ending in a comma (German)."""
    phrases: dict[str, Slot]
    next_steps: dict[str, str]
    """Sentences for the ``next_step`` codes (the fulfilment actions, ``refund``…)."""
    free_next_step: str
    """How a free-text ``next_step`` is introduced; ``{value}`` is the text."""
    tiers: dict[CustomerTier, TierText]
    categories: dict[Category, CategoryText]

    @model_validator(mode="after")
    def _complete(self) -> LanguageTemplates:
        missing: list[str] = [c for c in CATEGORIES if c not in self.categories]
        missing += [t for t in TIERS if t not in self.tiers]
        if missing:
            raise ValueError(f"{self.language} templates lack {missing}")
        for tier in self.tiers.values():
            for part in (tier.opening, tier.closing):
                if set(part) != set(MOODS):
                    raise ValueError(f"{self.language}: every tier needs all moods {MOODS}")
        always = [c.subject for c in self.categories.values()]
        always += [slot for t in self.tiers.values() for slot in (t.greeting, t.signoff)]
        for slot in always:
            if not slot or PLACEHOLDER.search(slot[-1]):
                raise ValueError(
                    f"{self.language}: {slot} needs a last variant without placeholders"
                )
        for slot in self._all_slots():
            for variant in slot:
                for kind, name in PLACEHOLDER.findall(variant):
                    if kind == "@" and name not in self.phrases:
                        raise ValueError(f"{self.language}: unknown phrase {{@{name}}}")
                    if kind == "$" and name not in REQUEST_FIELDS:
                        raise ValueError(f"{self.language}: unknown request field {{${name}}}")
        return self

    def _all_slots(self) -> list[list[str]]:
        slots: list[list[str]] = list(self.phrases.values())
        for tier in self.tiers.values():
            slots += [tier.greeting, tier.signoff, *tier.opening.values(), *tier.closing.values()]
        for category in self.categories.values():
            slots.append(category.subject)
            slots += [slot for paragraph in category.body for slot in paragraph]
        return slots


@cache
def load_templates(language: Language) -> LanguageTemplates:
    """The validated templates of ``language`` (read once from the package)."""
    text = (
        resources.files("exdesk.agents.customer_drafter")
        .joinpath("templates", f"{language}.yaml")
        .read_text("utf-8")
    )
    return LanguageTemplates.model_validate(yaml.safe_load(text))
