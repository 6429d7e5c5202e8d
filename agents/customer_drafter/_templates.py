"""The drafter's message templates: one YAML file per language, validated on load.

A template *variant* is text with placeholders: ``{order_id}`` is a fact, ``{$recipient_name}``
a field of the request (``recipient_name``, ``customer_name``), ``{@order_ref}`` a phrase of
the same language and ``{*short_lines}`` a list of the case's order or return lines, each
written with the list's own variants. A variant may carry conditions: ``when`` names flags
that must all hold, ``unless`` flags none of which may (a flag is a fact's name, a text
fact's ``name=value`` such as ``delivery_outlook=late``, or a question the customer asked,
``asks:restocking_fee``). A *slot* is a list of variants, best first; the first variant whose
conditions hold and whose placeholders can all be filled is used, and a slot with none is
left out, which is how a missing fact is omitted without a trace.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Annotated, Final, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from exdesk.agents.customer_drafter._locale import Language
from exdesk.domain import CustomerTier, MessagePurpose
from exdesk.domain.proposals import DEFAULT_PURPOSE

Mood = Literal["problem", "reply", "notice"]
"""How a message opens and closes: news of a problem, an answer to the customer, or a notice."""

PLACEHOLDER: Final = re.compile(r"\{([@$*]?)([A-Za-z_][A-Za-z0-9_]*)\}")
"""``{fact}``, ``{$request_field}``, ``{@phrase}`` or ``{*list}``."""

REQUEST_FIELDS: Final[frozenset[str]] = frozenset({"recipient_name", "customer_name"})
TIERS: Final[tuple[CustomerTier, ...]] = ("strategic", "key", "standard")
MOODS: Final[tuple[Mood, ...]] = ("problem", "reply", "notice")
PURPOSES: Final[tuple[MessagePurpose, ...]] = tuple(dict.fromkeys(DEFAULT_PURPOSE.values()))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Variant(_Strict):
    """One way to write a sentence, and the flags it needs."""

    text: str
    when: tuple[str, ...] = ()
    """Flags that must all hold."""
    unless: tuple[str, ...] = ()
    """Flags none of which may hold."""

    def applies(self, flags: frozenset[str]) -> bool:
        """Whether the variant's conditions hold under ``flags``."""
        return all(f in flags for f in self.when) and not any(f in flags for f in self.unless)


def _as_variant(value: object) -> object:
    return {"text": value} if isinstance(value, str) else value


def _as_variants(value: object) -> object:
    return [value] if isinstance(value, str | dict) else value


Slot = Annotated[
    list[Annotated[Variant, BeforeValidator(_as_variant)]], BeforeValidator(_as_variants)
]
"""Variants of one sentence, best first; YAML may give a single string or a mapping."""


class TierText(_Strict):
    """How a tier is greeted, opened, closed and signed off."""

    greeting: Slot
    opening: dict[Mood, Slot]
    closing: dict[Mood, Slot]
    signoff: Slot


class LineList(_Strict):
    """How a list of lines reads: which lines, each line's variants, and the joints."""

    of: Literal["order", "rma"]
    """Order lines (``order:SO-1/line:2``) or return lines (``rma:RMA-3/line:1``)."""
    item: Slot
    separator: str = "; "
    last_separator: str = "; "


class MessageText(_Strict):
    """The subject and body of one message purpose."""

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
    lists: dict[str, LineList]
    next_steps: dict[str, Slot]
    """Sentences for the ``next_step`` codes (the fulfilment actions, credit decisions…)."""
    free_next_step: str
    """How a ``next_step`` without a sentence of its own is introduced; ``{value}`` is it."""
    tiers: dict[CustomerTier, TierText]
    messages: dict[MessagePurpose, MessageText]

    @model_validator(mode="after")
    def _complete(self) -> LanguageTemplates:
        missing: list[str] = [p for p in PURPOSES if p not in self.messages]
        missing += [t for t in TIERS if t not in self.tiers]
        if missing:
            raise ValueError(f"{self.language} templates lack {missing}")
        for tier in self.tiers.values():
            for part in (tier.opening, tier.closing):
                if set(part) != set(MOODS):
                    raise ValueError(f"{self.language}: every tier needs all moods {MOODS}")
        always = [m.subject for m in self.messages.values()]
        always += [slot for t in self.tiers.values() for slot in (t.greeting, t.signoff)]
        for slot in always:
            last = slot[-1] if slot else None
            if last is None or PLACEHOLDER.search(last.text) or last.when or last.unless:
                raise ValueError(
                    f"{self.language}: {slot} needs a last variant without placeholders "
                    "or conditions"
                )
        for slot in self._all_slots():
            for variant in slot:
                self._check_placeholders(variant.text)
        return self

    def _check_placeholders(self, text: str) -> None:
        for kind, name in PLACEHOLDER.findall(text):
            if kind == "@" and name not in self.phrases:
                raise ValueError(f"{self.language}: unknown phrase {{@{name}}}")
            if kind == "$" and name not in REQUEST_FIELDS:
                raise ValueError(f"{self.language}: unknown request field {{${name}}}")
            if kind == "*" and name not in self.lists:
                raise ValueError(f"{self.language}: unknown list {{*{name}}}")

    def _all_slots(self) -> list[list[Variant]]:
        slots: list[list[Variant]] = [*self.phrases.values(), *self.next_steps.values()]
        slots += [line_list.item for line_list in self.lists.values()]
        for tier in self.tiers.values():
            slots += [tier.greeting, tier.signoff, *tier.opening.values(), *tier.closing.values()]
        for message in self.messages.values():
            slots.append(message.subject)
            slots += [slot for paragraph in message.body for slot in paragraph]
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
