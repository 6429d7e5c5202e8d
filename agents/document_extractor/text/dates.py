"""Dates as documents write them: 2026-03-12, 03/12/2026, 12.03.2026, 12 Mar 2026, March 12, 2026.

Numeric day/month order is ambiguous; :func:`day_first_hint` reads the whole document for
evidence (a 15/03 or a 03/15 elsewhere) and a date that stays ambiguous is flagged so its
confidence can be lowered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier januari enero gennaio stycznia styczeń",
        "february feb februar février fevrier februari febrero febbraio lutego luty",
        "march mar märz maerz mars maart marzo marca marzec",
        "april apr avril abril aprile kwietnia kwiecień",
        "may mai mei mayo maggio maja maj",
        "june jun juni juin junio giugno czerwca czerwiec",
        "july jul juli juillet julio luglio lipca lipiec",
        "august aug août aout augustus agosto sierpnia sierpień",
        "september sep sept septembre septiembre settembre września wrzesień",
        "october oct oktober octobre okt octubre ottobre października październik",
        "november nov novembre noviembre listopada listopad",
        "december dec dezember décembre decembre diciembre dicembre grudnia grudzień",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_MONTH = r"[A-Za-zÀ-ÿąćęłńóśźż]{3,11}"
_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-]*\d)")
_DAY_MONTH = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th|er)?\.?[\s-]+({_MONTH})\.?,?[\s-]+(\d{{4}})(?!\d)"
)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(\d{{4}})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")


@dataclass(frozen=True)
class FoundDate:
    """A date read from text and whether its day/month order had to be guessed."""

    value: date
    start: int
    end: int
    ambiguous: bool = False


def _make(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


def day_first_hint(text: str) -> bool | None:
    """True when the document writes day before month, False for month first, None unknown."""
    day_first = month_first = 0
    for match in _NUMERIC.finditer(text):
        first, second = int(match.group(1)), int(match.group(3))
        if first > 12 >= second:
            day_first += 1
        elif second > 12 >= first:
            month_first += 1
    if day_first == month_first:
        return None
    return day_first > month_first


def find_dates(text: str, day_first: bool | None = None) -> list[FoundDate]:
    """Every date in the text, in order of appearance."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], value: date | None, ambiguous: bool = False) -> None:
        if value is None or any(s < match.end() and match.start() < e for s, e in taken):
            return
        taken.append((match.start(), match.end()))
        found.append(FoundDate(value, match.start(), match.end(), ambiguous))

    for match in _ISO.finditer(text):
        add(match, _make(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    for match in _DAY_MONTH.finditer(text):
        month = MONTHS.get(match.group(2).lower())
        if month:
            add(match, _make(int(match.group(3)), month, int(match.group(1))))
    for match in _MONTH_DAY.finditer(text):
        month = MONTHS.get(match.group(1).lower())
        if month:
            add(match, _make(int(match.group(3)), month, int(match.group(2))))
    for match in _NUMERIC.finditer(text):
        first, separator, second = int(match.group(1)), match.group(2), int(match.group(3))
        year = int(match.group(4))
        if first > 12:
            add(match, _make(year, second, first))
        elif second > 12:
            add(match, _make(year, first, second))
        else:
            prefer_day_first = day_first if day_first is not None else separator != "/"
            ambiguous = first != second and day_first is None and separator != "."
            if prefer_day_first:
                add(match, _make(year, second, first), ambiguous)
            else:
                add(match, _make(year, first, second), ambiguous)
    for match in _COMPACT.finditer(text):
        add(match, _make(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    found.sort(key=lambda d: d.start)
    return found


def parse_date(text: str, day_first: bool | None = None) -> FoundDate | None:
    """The first date in a short text."""
    dates = find_dates(text, day_first)
    return dates[0] if dates else None
