"""Which of a request's facts a draft may state, how each reads in the draft's locale, and
the flags the templates' conditions test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal

from exdesk.agents.customer_drafter._locale import format_date, format_quantity
from exdesk.domain import DraftRequest, Fact, MessagePurpose, carrier_display_name

LineOwner = Literal["order", "rma"]
"""What a line belongs to."""

_LINE_SOURCE: Final = re.compile(r"(order|rma):[^/]+/line:[^/]+")
_ISO_DATE: Final = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_WHOLE_NUMBER: Final = re.compile(r"\d+")
_EMPTY_WORDS: Final[frozenset[str]] = frozenset(
    {"", "-", "none", "null", "nil", "n/a", "na", "tbd", "tba", "unknown", "undefined", "nan"}
)
_NOT_SHIPPED: Final[frozenset[str]] = frozenset({"open", "allocated", "picking", "on_hold"})


@dataclass(frozen=True)
class ShownFact:
    """A fact and the text a draft shows for it."""

    fact: Fact
    text: str


@dataclass(frozen=True)
class LineFacts:
    """The facts of one order or return line."""

    source: str
    owner: LineOwner
    facts: dict[str, ShownFact]
    flags: frozenset[str]


@dataclass(frozen=True)
class FactBook:
    """What a draft may state, as it reads, and why other facts were set aside."""

    scalars: dict[str, ShownFact]
    """Facts that are not about one line, by name (the first of a name)."""
    lines: list[LineFacts]
    flags: frozenset[str]
    """Fact names, ``name=value`` of text facts, ``asks:<question>``, ``purpose:<purpose>``
    and derived flags (``not_shipped``)."""
    set_aside: dict[str, str] = field(default_factory=dict)
    """Fact name to the reason it cannot be stated."""


def parse_iso_date(value: str) -> date | None:
    """The date of an ISO ``YYYY-MM-DD`` value (a trailing RFC 3339 time is allowed)."""
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _shown(fact: Fact, locale: str) -> str | None:
    """The text of ``fact`` in ``locale``; None when it cannot be stated."""
    value = " ".join(fact.value.split())
    if fact.kind == "date":
        day = parse_iso_date(value)
        return format_date(day, locale) if day is not None else None
    if fact.kind == "quantity":
        return format_quantity(int(value), locale) if _WHOLE_NUMBER.fullmatch(value) else None
    if fact.kind == "carrier":
        return carrier_display_name(value)
    return value


def _why_not(fact: Fact) -> str:
    if fact.kind == "date":
        return "not an ISO date"
    if fact.kind == "quantity":
        return "not a whole number"
    return "unreadable"


def _text_flags(facts: dict[str, ShownFact]) -> set[str]:
    flags = set(facts)
    flags |= {f"{name}={s.fact.value}" for name, s in facts.items() if s.fact.kind == "text"}
    return flags


def _line_flags(facts: dict[str, ShownFact]) -> frozenset[str]:
    flags = _text_flags(facts)
    short, ordered = facts.get("short_qty"), facts.get("qty_ordered")
    if (
        short is not None
        and ordered is not None
        and int(short.fact.value) < int(ordered.fact.value)
    ):
        flags.add("partly_short")
    return frozenset(flags)


def prepare_facts(request: DraftRequest, *, locale: str, purpose: MessagePurpose) -> FactBook:
    """Decide, fact by fact, whether and how the draft may state it.

    A fact is set aside when it is empty or a stand-in (``None``, ``TBD``), when a date is not
    a valid ISO date or a quantity not a whole number. Nothing is guessed. Facts whose source
    is a line (``order:SO-1/line:2``, ``rma:RMA-3/line:1``) are grouped by line.
    """
    scalars: dict[str, ShownFact] = {}
    grouped: dict[str, dict[str, ShownFact]] = {}
    set_aside: dict[str, str] = {}
    for fact in request.facts:
        if fact.value.strip().lower() in _EMPTY_WORDS:
            set_aside[fact.name] = "empty"
            continue
        text = _shown(fact, locale)
        if text is None:
            set_aside[fact.name] = _why_not(fact)
        elif _LINE_SOURCE.fullmatch(fact.source):
            grouped.setdefault(fact.source, {}).setdefault(fact.name, ShownFact(fact, text))
        else:
            scalars.setdefault(fact.name, ShownFact(fact, text))
    lines = [
        LineFacts(
            source=source,
            owner="rma" if source.startswith("rma:") else "order",
            facts=facts,
            flags=_line_flags(facts),
        )
        for source, facts in grouped.items()
    ]
    flags = _text_flags(scalars) | {f"asks:{question}" for question in request.questions}
    flags.add(f"purpose:{purpose}")
    status = scalars.get("order_status")
    if status is not None and status.fact.value in _NOT_SHIPPED and "carrier" not in scalars:
        flags.add("not_shipped")
    return FactBook(scalars, lines, frozenset(flags), set_aside)
