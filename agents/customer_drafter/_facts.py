"""Which of a request's facts a draft may state, and how each reads in the draft's locale."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from exdesk.agents.customer_drafter._locale import format_date
from exdesk.agents.customer_drafter._templates import LanguageTemplates

_ISO_DATE: Final = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_WHOLE_NUMBER: Final = re.compile(r"\d+")
_EMPTY_WORDS: Final[frozenset[str]] = frozenset(
    {"", "-", "none", "null", "nil", "n/a", "na", "tbd", "tba", "unknown", "undefined", "nan"}
)


@dataclass(frozen=True)
class PreparedFacts:
    """The facts a draft may state, as they read in the draft, and why others were set aside."""

    rendered: dict[str, str]
    """Fact name to the text the draft shows (dates localized, ``next_step`` codes worded)."""
    set_aside: dict[str, str] = field(default_factory=dict)
    """Fact name to the reason it cannot be stated."""


def _is_date_name(name: str) -> bool:
    return name in {"eta", "date"} or name.endswith(("_eta", "_date"))


def parse_iso_date(value: str) -> date | None:
    """The date of an ISO ``YYYY-MM-DD`` value (a trailing RFC 3339 time is allowed)."""
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def prepare_facts(
    facts: dict[str, str], *, locale: str, templates: LanguageTemplates
) -> PreparedFacts:
    """Decide, fact by fact, whether and how the draft may state it.

    A fact is set aside when it is empty or a stand-in (``None``, ``TBD``), when a date fact is
    not a valid ISO date, when a date is earlier than ``new_eta`` (the draft must never show a
    date the customer could read as a delivery promise before the new ETA), or when a
    ``*_days`` fact is not a whole number. Nothing is guessed.
    """
    rendered: dict[str, str] = {}
    set_aside: dict[str, str] = {}
    new_eta = parse_iso_date(facts.get("new_eta", ""))
    for name, raw in facts.items():
        value = " ".join(raw.split())
        if value.lower() in _EMPTY_WORDS:
            set_aside[name] = "empty"
            continue
        day = parse_iso_date(value)
        if day is None and _is_date_name(name):
            set_aside[name] = "not an ISO date"
        elif day is not None and new_eta is not None and day < new_eta:
            set_aside[name] = "earlier than new_eta"
        elif day is not None:
            rendered[name] = format_date(day, locale)
        elif name.endswith("_days") and not _WHOLE_NUMBER.fullmatch(value):
            set_aside[name] = "not a whole number of days"
        elif name == "next_step":
            worded = templates.next_steps.get(value.lower())
            rendered[name] = worded or templates.free_next_step.replace("{value}", value)
        else:
            rendered[name] = value
    return PreparedFacts(rendered=rendered, set_aside=set_aside)
