"""Reading the claims a customer message states: dates, amounts, identifiers, carriers and
quantities, written the way English, Spanish, German and French readers write them.

Every finder returns :class:`Mention`s with every value the text can mean (``"1.500"`` is
1500 in German and 1.5 in English; ``03/04/2026`` is 3 April or 4 March). Spans already
read are masked, so a digit is read once: a tracking number is not also a quantity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

MentionKind = Literal["date", "money", "identifier", "carrier", "quantity", "relative_date"]
"""What a stated value is."""

MASK: Final = "\x00"

DateReading = tuple[int | None, int, int]
"""(year or None, month, day)."""


@dataclass(frozen=True)
class Mention:
    """One value a text states, where, and every value it can be read as."""

    kind: MentionKind
    span: tuple[int, int]
    text: str
    values: tuple[str, ...] = ()
    """Normalised readings: ISO dates (``????-MM-DD`` without a year), decimal strings,
    upper-case identifiers, carrier names."""
    dates: tuple[DateReading, ...] = ()


def mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span replaced by as many mask characters."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


def mask_values(text: str, values: Iterable[str]) -> str:
    """``text`` with every whole, case-insensitive occurrence of ``values`` masked."""
    for value in sorted({" ".join(v.split()) for v in values if v.strip()}, key=len, reverse=True):
        words = r"\s+".join(map(re.escape, value.split()))
        pattern = re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)
        text = mask(text, (m.span() for m in pattern.finditer(text)))
    return text


# --- sentences ---------------------------------------------------------------------------

_SENTENCE_END: Final = re.compile(r"(?<![.!?…])[.!?…]++(?=\s)|\n+")
_NOT_AN_END: Final = re.compile(
    r"(?:(?<!\S)\d{1,2}|\b(?:Nr|No|no|z\.B|ca|Sr|Sra|Dr|St|Mr|Mrs|Ms|vs|e\.g|i\.e|Abs|bzw|ggf))\.$"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of ``text``'s sentences (and lines): a full stop after a day number
    ("14. März") or an abbreviation does not end one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group(0).startswith(".") and _NOT_AN_END.search(text[start : match.end()]):
            continue
        if text[start : match.end()].strip():
            spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


# --- dates -------------------------------------------------------------------------------

_MONTH_NAMES: Final[tuple[str, ...]] = (
    "january jan enero ene januar jänner janvier",
    "february feb febrero februar février fevrier févr",
    "march mar marzo märz maerz mars",
    "april apr abril avril avr",
    "may mayo mai",
    "june jun junio juni juin",
    "july jul julio juli juillet juil",
    "august aug agosto ago août aout",
    "september sep sept septiembre setiembre septembre",
    "october oct octubre oktober okt octobre",
    "november nov noviembre novembre",
    "december dec diciembre dic dezember dez décembre decembre déc",
)
_MONTHS: Final[dict[str, int]] = {
    name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()
}
_MONTH_RE: Final = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_DATE_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("ymd", re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    ("numeric", re.compile(r"(?<![\d.])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)")),
    (
        "day_month",
        re.compile(
            rf"\b(\d{{1,2}})(?:st|nd|rd|th|er|º|ª)?\.?\s*(?:de\s+|of\s+(?:the\s+)?)?({_MONTH_RE})"
            r"\b\.?(?:,?\s*(?:de\s+|del\s+)?(\d{4})(?!\d))?",
            re.IGNORECASE,
        ),
    ),
    (
        "month_day",
        re.compile(
            rf"\b({_MONTH_RE})\b\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
            r"(?:,?\s+(\d{4})(?!\d))?",
            re.IGNORECASE,
        ),
    ),
    ("slash_no_year", re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")),
    ("dot_no_year", re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})\.(?!\d)")),
)
# "may"/"mar"/"ago"/"dez" in lower case are far more often words than months.
_LOWERCASE_WORDS_NOT_MONTHS: Final = frozenset({"may", "mar", "ago", "dez", "mai", "sept"})


def _valid(year: int | None, month: int, day: int) -> bool:
    try:
        date(year or 2000, month, day)
    except ValueError:
        return False
    return True


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _date_readings(kind: str, groups: tuple[str, ...]) -> list[DateReading]:
    if kind == "ymd":
        return [(int(groups[0]), int(groups[1]), int(groups[2]))]
    if kind == "numeric":
        a, b, year = int(groups[0]), int(groups[2]), _year(groups[3])
        return [(year, b, a), (year, a, b)]
    if kind == "slash_no_year":
        a, b = int(groups[0]), int(groups[1])
        return [(None, b, a), (None, a, b)]
    if kind == "dot_no_year":
        return [(None, int(groups[1]), int(groups[0]))]
    day_text, month_text = (groups[0], groups[1]) if kind == "day_month" else (groups[1], groups[0])
    if month_text in _LOWERCASE_WORDS_NOT_MONTHS:
        return []
    return [(_year(groups[2]), _MONTHS[month_text.lower()], int(day_text))]


def iso(reading: DateReading) -> str:
    """A reading as ``YYYY-MM-DD`` (``????-MM-DD`` without a year)."""
    year, month, day = reading
    return (
        f"{year:04d}-{month:02d}-{day:02d}" if year is not None else f"????-{month:02d}-{day:02d}"
    )


def find_dates(text: str) -> list[Mention]:
    """Every date: ISO, numeric (day-first and month-first readings) and spelt out."""
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            readings = tuple(r for r in _date_readings(kind, match.groups()) if _valid(*r))
            if readings:
                mentions.append(
                    Mention(
                        "date",
                        (start, end),
                        match.group(0).rstrip("."),
                        tuple(dict.fromkeys(iso(r) for r in readings)),
                        readings,
                    )
                )
                taken.append((start, end))
    return mentions


_WEEKDAYS: Final = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|miércoles|jueves"
    "|viernes|sábado|domingo|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
    "|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
_RELATIVE_DATE: Final = re.compile(
    r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening|week)|end of (?:the )?day"
    r"|overnight|within (?:24|48|72) hours|next week|hoy|esta (?:tarde|noche|semana)"
    r"|pasado mañana|(?<!la )mañana|en (?:24|48|72) horas|la próxima semana|heute"
    r"|(?-i:morgen)|übermorgen|diese Woche|nächste Woche|innerhalb von (?:24|48|72) Stunden"
    r"|aujourd'hui|demain|ce soir|cette semaine|la semaine prochaine"
    rf"|(?:{_WEEKDAYS})(?!,?\s*{MASK}))\b",
    re.IGNORECASE,
)


def find_relative_dates(text: str) -> list[Mention]:
    """Words that promise a day no fact can back: "tomorrow", "mañana", "Montag"…"""
    return [Mention("relative_date", m.span(), m.group(0)) for m in _RELATIVE_DATE.finditer(text)]


# --- numbers and money -------------------------------------------------------------------


def _either(*alternatives: str) -> str:
    return "|".join(alternatives)


_NUMBER: Final = r"\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCY: Final = (
    "(?:"
    + _either(
        r"US\$|MX\$|C\$|A\$|[$€£¥₹]",
        r"(?<![A-Za-z])(?:USD|EUR|GBP|MXN|CAD|AUD|CHF|JPY|CNY|INR|BRL)(?![A-Za-z])",
    )
    + ")"
)
_CURRENCY_WORD: Final = r"(?:dollars?|dólares|euros?|pesos?|pounds?|libras|Dollar|Euro)\b"
_MONEY: Final = re.compile(
    _either(
        rf"{_CURRENCY}\s?(?P<a>{_NUMBER})",
        rf"(?<![\d.,])(?P<b>{_NUMBER})\s?(?:{_CURRENCY}|{_CURRENCY_WORD})",
    ),
    re.IGNORECASE,
)


def number_values(number: str) -> tuple[str, ...]:
    """Every value ``number`` can mean, as normalised decimal strings."""
    compact = number.replace("\u00a0", "").replace("\u202f", "")
    values: list[str] = []
    for decimal_mark, group_mark in ((".", ","), (",", ".")):
        candidate = compact.replace(group_mark, "")
        if candidate.count(decimal_mark) <= 1:
            try:
                value = Decimal(candidate.replace(decimal_mark, "."))
            except InvalidOperation:
                continue
            values.append(normal_number(value))
    return tuple(dict.fromkeys(values))


def normal_number(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent (``"12"``, ``"2.5"``)."""
    normal = value.normalize()
    return format(normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal, "f")


def find_money(text: str) -> list[Mention]:
    """Amounts with a currency sign, code or word."""
    return [
        Mention("money", m.span(), m.group(0), number_values(m.group("a") or m.group("b")))
        for m in _MONEY.finditer(text)
    ]


_EMAIL: Final = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}"
)
_URL: Final = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_PHONE: Final = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:1[ .-])?(?:\(\d{1,4}\)[ .-]?)?"
    r"\d{2,5}(?:[ .-]\d{2,5}){1,4}(?!\w)"
)


def address_spans(text: str) -> list[tuple[int, int]]:
    """E-mail addresses and links (the draft guard judges those)."""
    return [m.span() for pattern in (_EMAIL, _URL) for m in pattern.finditer(text)]


def phone_spans(text: str) -> list[tuple[int, int]]:
    """Phone numbers (the draft guard judges those); look for dates first, which a phone
    pattern would also take ("20.11.2026")."""
    return [m.span() for m in _PHONE.finditer(text) if sum(c.isdigit() for c in m.group()) >= 7]


# --- identifiers -------------------------------------------------------------------------

_TOKEN: Final = re.compile(r"(?<![\w#])#?[A-Za-z0-9]+(?:[-_/.][A-Za-z0-9]+)*")
_PLAIN_NUMBER: Final = re.compile(
    _either(
        r"\d{1,3}(?:[.,]\d{3})+|\d+[.,]\d{1,2}",
        r"\d+(?:ml|l|g|kg|lbs?|oz|cm|mm|m|km|pcs?|x|h|hrs?|min|st|nd|rd|th|er)",
    ),
    re.IGNORECASE,
)
_LABELLED_NUMBER: Final = re.compile(
    r"\b(?:orders?|PO|purchase order|shipment|tracking|invoice|RMA|PRO|BOL|case|ticket|pedido"
    r"|orden|env[ií]o|factura|seguimiento|Bestellung|Auftrag|Sendung|Rechnung|\w*nummer"
    r"|commande|facture|suivi)\b"
    r"\s*(?:no\.?|number|n[ºo°]\.?|#|Nr\.?|núm\.?|número|numéro)?\s*[:#]?\s*(\d{3,})\b",
    re.IGNORECASE,
)


def normal_identifier(token: str) -> str:
    """An identifier as compared: upper case, without ``#`` or spaces."""
    return re.sub(r"[\s#]", "", token).upper()


def _looks_like_identifier(token: str) -> bool:
    if _PLAIN_NUMBER.fullmatch(token.lstrip("#")):
        return False
    digits = sum(c.isdigit() for c in token)
    letters = sum(c.isalpha() for c in token)
    if token.startswith("#"):
        return digits >= 3
    return digits >= 3 if letters else digits >= 5


def find_identifiers(text: str) -> list[Mention]:
    """Tokens shaped like order, PO, tracking, RMA or SKU numbers, and labelled numbers."""
    found = [
        Mention("identifier", m.span(), m.group(0), (normal_identifier(m.group(0)),))
        for m in _TOKEN.finditer(text)
        if _looks_like_identifier(m.group(0))
    ]
    taken = [mention.span for mention in found]
    for match in _LABELLED_NUMBER.finditer(text):
        start, end = match.span(1)
        if not any(a <= start and end <= b for a, b in taken):
            found.append(Mention("identifier", (start, end), match.group(1), (match.group(1),)))
    return found


# --- carriers ----------------------------------------------------------------------------


def carrier_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern for carrier names: short upper-case codes ("UPS", "XPOL") match in that case
    only, longer names in any case."""
    exact: list[str] = []
    folded: list[str] = []
    for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
        words = r"\s+".join(map(re.escape, name.split()))
        (exact if len(name) <= 5 and name.isupper() else folded).append(words)
    alternatives = [f"(?-i:{a})" for a in exact] + folded
    if not alternatives:
        return None
    return re.compile(rf"(?<![\w+&])(?:{'|'.join(alternatives)})(?![\w+&])", re.IGNORECASE)


def find_carriers(text: str, pattern: re.Pattern[str] | None) -> list[Mention]:
    """Every carrier name ``pattern`` knows."""
    if pattern is None:
        return []
    return [Mention("carrier", m.span(), m.group(0), (m.group(0),)) for m in pattern.finditer(text)]


# --- quantities --------------------------------------------------------------------------

_QUANTITY: Final = re.compile(
    r"(?<![\w.,/\u00a0\u202f-])"
    r"(\d{1,3}(?:[,.\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?)(?![\d])"
)


def _number_words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_NUMBER_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "en": _number_words("two three four five six seven eight nine ten eleven twelve"),
    "es": _number_words("dos tres cuatro cinco seis siete ocho nueve diez once doce"),
    "de": _number_words("zwei drei vier fünf sechs sieben acht neun zehn elf zwölf"),
    "fr": _number_words("deux trois quatre cinq six sept huit neuf dix onze douze"),
}
"""Number words two to twelve ("one", "uno", "ein", "un" are articles far more often)."""
_NOT_A_COUNT: Final = r"(?!\s+(?:times|veces|fois|mal)\b)"
""""two times", "dos veces": how often, not how many."""


def find_quantities(text: str, language: str) -> Iterator[Mention]:
    """Numbers left once everything else is read, and number words (two to twelve) of the
    text's language."""
    for match in _QUANTITY.finditer(text):
        yield Mention("quantity", match.span(1), match.group(1), number_values(match.group(1)))
    words = _NUMBER_WORDS.get(language, ())
    if words:
        pattern = re.compile(rf"\b({'|'.join(words)})\b{_NOT_A_COUNT}", re.IGNORECASE)
        for match in pattern.finditer(text):
            value = str(words.index(match.group(1).lower()) + 2)
            yield Mention("quantity", match.span(1), match.group(1), (value,))
