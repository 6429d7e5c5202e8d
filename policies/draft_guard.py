"""The draft guard: deterministic checks on any engine's customer draft, before a rep sees it.

A draft may state only the facts of its request (CONTRACT §3). The guard does not trust the
engine that wrote it — a template today, a language model tomorrow — so it reads the subject
and body as plain text and reports every departure it can recognise. Each check has one code:

``fact_unknown``
    ``facts_used`` names a fact the request does not hold.
``fact_mismatch``
    ``facts_used`` gives a fact a different value from the request's.
``date_before_eta``
    A date in the text is earlier than ``facts['new_eta']``. ISO, numeric (both day-first and
    month-first readings, since a reader may take either), and spelt-out dates in English,
    Spanish, German, French, Italian and Portuguese are read; a date without a year takes the
    year that puts it nearest the new ETA. Earlier dates are flagged even when they are facts
    (an original promise date): the guard cannot tell "was due on" from "will arrive on".
``relative_date``
    With a new ETA set, words like "tomorrow" / "mañana" / "morgen" promise a date that cannot
    be checked against it.
``eta_unverifiable``
    ``new_eta`` cannot be read as a date while the text names dates.
``money_amount``
    An amount with a currency that is not the value of a fact.
``internal_system`` / ``internal_location`` / ``internal_cost``
    Internal system names (WMS, ERP, SAP, Manhattan, "allocation", ATP…), internal warehouse
    codes (``DC-ATL``, ``WH-12``, a bare "DC") and internal cost wording (margin, landed cost…).
``foreign_identifier``
    Something shaped like an order, PO, shipment or tracking number that no fact holds — for
    instance another customer's order number.
``email_address`` / ``phone_number``
    Contact details that no fact holds.
``forbidden_identifier``
    One of the caller's ``forbidden_identifiers`` (other customers, warehouse ids…) appears,
    even inside a fact.
``prompt_injection``
    Instruction-like text ("ignore previous instructions", "system prompt"), even inside a fact.
``approval_language``
    "approve", "approved", "aprobado", "genehmigt"…: approvals belong to the workflow, and a
    draft must neither claim one nor ask for one.
``template_residue``
    Unfilled placeholders or stand-ins: ``{order_id}``, ``None``, ``[Customer Name]``, ``TBD``.

Text that is the value of a fact (or the recipient's or customer's name) is exempt from the
money, identifier, contact, internal-name, approval and residue checks: the workflow approved
it for the customer's eyes. Which customers exist is unknown here; pass their names and order
numbers as ``forbidden_identifiers`` to catch them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from exdesk.domain import CustomerDraft, DraftRequest

__all__ = ["DraftViolation", "check_draft"]

_MASK: Final = "\x00"


@dataclass(frozen=True)
class DraftViolation:
    """One reason a draft must not go to the customer as written."""

    code: str
    """Which check failed (see the module docstring)."""
    message: str
    """What was found, quoting the offending text."""


# --- dates ----------------------------------------------------------------------------------

_MONTH_NAMES: Final[tuple[str, ...]] = (
    "january jan enero ene januar jänner janvier gennaio janeiro",
    "february feb febrero februar février fevrier febbraio fevereiro",
    "march mar marzo märz maerz mars março",
    "april apr abril avril aprile",
    "may mayo mai maggio maio",
    "june jun junio juni juin giugno junho",
    "july jul julio juli juillet luglio julho",
    "august aug agosto ago août aout",
    "september sep sept septiembre setiembre septembre settembre setembro",
    "october oct octubre oktober okt octobre ottobre outubro",
    "november nov noviembre novembre novembro",
    "december dec diciembre dic dezember dez décembre decembre dicembre dezembro",
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
            rf"\b(\d{{1,2}})(?:st|nd|rd|th|er|º|ª)?\.?\s*(?:de\s+|of\s+(?:the\s+)?)?({_MONTH_RE})\b\.?"
            r"(?:,?\s*(?:de\s+|del\s+)?(\d{4})(?!\d))?",
            re.IGNORECASE,
        ),
    ),
    (
        "month_day",
        re.compile(
            rf"\b({_MONTH_RE})\b\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(\d{{4}})(?!\d))?",
            re.IGNORECASE,
        ),
    ),
    ("slash_no_year", re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")),
    ("dot_no_year", re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})\.(?!\d)")),
)
# "may"/"mar"/"ago" in lower case are far more often words ("2 may arrive") than months.
_LOWERCASE_WORDS_NOT_MONTHS: Final = frozenset({"may", "mar", "ago", "dez"})


@dataclass(frozen=True)
class _DateMention:
    span: tuple[int, int]
    text: str
    readings: tuple[tuple[int | None, int, int], ...]
    """(year or None, month, day) readings that are valid calendar dates."""

    def dates(self, near: date) -> list[date]:
        found = []
        for year, month, day in self.readings:
            years = [year] if year is not None else [near.year - 1, near.year, near.year + 1]
            options = [d for y in years if (d := _valid_date(y, month, day)) is not None]
            if options:
                found.append(min(options, key=lambda d: abs((d - near).days)))
        return found


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _find_dates(text: str) -> list[_DateMention]:
    mentions: list[_DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            groups = match.groups()
            readings: list[tuple[int | None, int, int]]
            if kind == "ymd":
                readings = [(int(groups[0]), int(groups[1]), int(groups[2]))]
            elif kind == "numeric":
                a, b, year = int(groups[0]), int(groups[2]), _year(groups[3])
                readings = [(year, b, a), (year, a, b)]
            elif kind in ("slash_no_year", "dot_no_year"):
                a, b = int(groups[0]), int(groups[1])
                readings = [(None, b, a)] if kind == "dot_no_year" else [(None, b, a), (None, a, b)]
            else:
                day_text, month_text = (
                    (groups[0], groups[1]) if kind == "day_month" else (groups[1], groups[0])
                )
                if month_text in _LOWERCASE_WORDS_NOT_MONTHS:
                    continue
                readings = [(_year(groups[2]), _MONTHS[month_text.lower()], int(day_text))]
            valid = tuple(r for r in readings if _valid_date(r[0] or 2000, r[1], r[2]) is not None)
            if valid:
                mentions.append(_DateMention((start, end), match.group(0), valid))
                taken.append((start, end))
    return mentions


def _parse_eta(value: str) -> date | None:
    value = value.strip()
    mentions = _find_dates(value[:10] if value[:4].isdigit() else value)
    if len(mentions) != 1 or len(mentions[0].readings) != 1:
        return None
    year, month, day = mentions[0].readings[0]
    return _valid_date(year, month, day) if year is not None else None


_RELATIVE_DATE: Final = re.compile(
    r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening|week)|end of (?:the )?day"
    r"|next[- ]day|overnight|within (?:24|48|72) hours|hoy|esta (?:tarde|noche|semana)"
    r"|pasado mañana|(?<!la )mañana|en (?:24|48|72) horas|heute|(?-i:morgen)|übermorgen"
    r"|diese Woche|innerhalb von (?:24|48|72) Stunden)\b",
    re.IGNORECASE,
)


def _check_dates(
    masked: str, mentions: list[_DateMention], eta_text: str | None
) -> Iterator[DraftViolation]:
    if eta_text is None:
        return
    eta = _parse_eta(eta_text)
    if eta is None:
        if mentions:
            yield DraftViolation("eta_unverifiable", f"new_eta {eta_text!r} is not a date")
        return
    for mention in mentions:
        earlier = [d for d in mention.dates(eta) if d < eta]
        if earlier:
            yield DraftViolation(
                "date_before_eta",
                f"{mention.text!r} reads as {earlier[0].isoformat()}, before new_eta {eta}",
            )
    for match in _RELATIVE_DATE.finditer(masked):
        yield DraftViolation(
            "relative_date", f"{match.group(0)!r} cannot be checked against new_eta {eta}"
        )


# --- money ----------------------------------------------------------------------------------


def _either(*alternatives: str) -> str:
    return "|".join(alternatives)


_CURRENCY: Final = (
    "(?:"
    + _either(
        r"US\$|MX\$|C\$|A\$|[$€£¥₹]",
        r"(?<![A-Za-z])(?:USD|EUR|GBP|MXN|CAD|AUD|CHF|JPY|CNY|INR|BRL)(?![A-Za-z])",
    )
    + ")"
)
_CURRENCY_WORD: Final = r"(?:dollars?|dólares|euros?|pesos?|pounds?|libras|Dollar|Euro)\b"
_NUMBER: Final = r"\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MONEY: Final = re.compile(
    _either(
        rf"{_CURRENCY}\s?(?P<a>{_NUMBER})",
        rf"(?<![\d.,])(?P<b>{_NUMBER})\s?(?:{_CURRENCY}|{_CURRENCY_WORD})",
    ),
    re.IGNORECASE,
)
_PLAIN_AMOUNT: Final = re.compile(
    rf"\s*(?:{_CURRENCY})?\s?({_NUMBER})\s?(?:{_CURRENCY}|{_CURRENCY_WORD})?\s*", re.IGNORECASE
)


def _amounts(number: str) -> set[Decimal]:
    """Every value ``number`` can mean: "1.234" is 1234 in German and 1.234 in English."""
    compact = number.replace("\u00a0", "").replace("\u202f", "")
    values = set()
    for decimal_mark, group_mark in ((".", ","), (",", ".")):
        candidate = compact.replace(group_mark, "")
        if candidate.count(decimal_mark) <= 1:
            try:
                values.add(Decimal(candidate.replace(decimal_mark, ".")))
            except InvalidOperation:
                continue
    return values


def _check_money(
    masked: str, facts: dict[str, str]
) -> Iterator[tuple[tuple[int, int], DraftViolation | None]]:
    allowed: set[Decimal] = set()
    for value in facts.values():
        if match := _PLAIN_AMOUNT.fullmatch(value):
            allowed |= _amounts(match.group(1))
    for match in _MONEY.finditer(masked):
        number = match.group("a") or match.group("b")
        ok = bool(_amounts(number) & allowed)
        message = f"{match.group(0)!r} is not the value of a fact"
        yield match.span(), None if ok else DraftViolation("money_amount", message)


# --- words and identifiers ------------------------------------------------------------------

_PROMPT_INJECTION: Final = re.compile(
    _either(
        r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}?"
        r"\b(?:instructions?|rules|prompts?|guidelines|directions)\b",
        r"\b(?:ignor[ae]|olvid[ae])\b[^.\n]{0,40}?\binstrucciones\b",
        r"\b(?:ignorier\w*|vergiss|vergessen Sie)\b[^.\n]{0,40}?\b(?:Anweisungen|Instruktionen)\b",
        r"\bsystem prompt\b|\bdeveloper (?:mode|message)\b|\byou are now\b|\bnew instructions\b",
        r"<\|?(?:system|im_start|im_end)\|?>|\[/?INST\]|###\s*instruction",
    ),
    re.IGNORECASE,
)
_APPROVAL: Final = re.compile(
    _either(
        r"\b(?:auto-?)?approv(?:e|ed|es|al|als|ing)\b",
        r"\bapr(?:ob|ueb)\w*",
        r"\bgenehmig\w*|\bfreigegeben\b|\bFreigabe\b",
    ),
    re.IGNORECASE,
)
_INTERNAL_SYSTEM: Final = re.compile(
    _either(
        r"(?-i:\b(?:WMS|TMS|ERP|SAP|ATP|OMS|WCS|YMS|MRP)\b)",
        r"\b(?:oracle|manhattan(?: associates)?|netsuite|blue ?yonder|jda|infor|kinaxis)\b",
        r"\b(?:dynamics ?365|e2open|(?:warehouse|transportation|order) management system)\b",
        r"\b(?:available[- ]to[- ]promise|allocat(?:e|ed|es|ing|ion|ions)|allokation\w*)\b",
        r"\basignaci[oó]n de (?:stock|inventario|existencias)\b",
        r"\bsistema de gesti[oó]n de almacenes\b|\blagerverwaltungssystem\b",
    ),
    re.IGNORECASE,
)
_INTERNAL_LOCATION: Final = re.compile(
    _either(
        r"\b(?:DC|WH|WHS|WHSE|FC|RDC|NDC|CDC)(?:[-_ ]?\d{1,4}|[-_][A-Z0-9]{2,8})\b", r"\bDCs?\b"
    )
)
_INTERNAL_COST: Final = re.compile(
    _either(
        r"\b(?:internal|landed|unit|our|freight|carrier|handling|expedit(?:e|ing)|fulfil+ment)"
        r"\s+costs?\b",
        r"\bcosts?\s+(?:to|for)\s+us\b|\bcost(?:s|ed)?\s+us\b|\bcost[_ ]per[_ ](?:unit|shipment)\b",
        r"\b(?:gross |profit )?margins?\b|\bCOGS\b|\bwrite[- ]?offs?\b|\bchargebacks?\b",
        r"\brevenue at risk\b",
        r"\bcost[eo]s?\s+(?:internos?|de flete|unitarios?|log[ií]sticos?)\b",
        r"\bnuestros?\s+cost[eo]s\b|\bmargen(?:es)?\b",
        r"\b(?:interne[nr]?|unsere[nr]?)\s+Kosten\b|\b(?:Fracht|Selbst|Stück)kosten\b|\bMarge\b",
    ),
    re.IGNORECASE,
)
_RESIDUE: Final = re.compile(
    _either(
        r"\{[^{}\n]{0,60}\}|\{\{|\}\}",
        r"(?-i:\bNone\b(?! of\b)|\b(?:null|undefined|NaN)\b)",
        r"\[[A-Z][A-Za-z_]*(?: [A-Za-z_]+)*\]|<[a-z_ ]{2,30}>",
        r"\b(?:TBD|TODO|XXX+)\b|lorem ipsum|\bplaceholder\b",
    ),
    re.IGNORECASE,
)
_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE: Final = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:1[ .-])?(?:\(\d{1,4}\)[ .-]?)?"
    r"\d{2,5}(?:[ .-]\d{2,5}){1,4}(?!\w)"
)
_TOKEN: Final = re.compile(r"(?<![\w#])#?[A-Za-z0-9]+(?:[-_/.][A-Za-z0-9]+)*")
_PLAIN_NUMBER: Final = re.compile(
    _either(
        r"\d{1,3}(?:[.,]\d{3})+|\d+[.,]\d{1,2}",
        r"\d+(?:ml|l|g|kg|lbs?|oz|cm|mm|m|km|pcs?|x|h|hrs?|min|st|nd|rd|th|er)",
    ),
    re.IGNORECASE,
)
_LABELLED_NUMBER: Final = re.compile(
    r"\b(?:orders?|PO|purchase order|shipment|tracking|invoice|RMA|case|ticket|pedido|orden"
    r"|env[ií]o|factura|seguimiento|Bestellung|Auftrag|Sendung|Rechnung|\w*nummer)\b"
    r"\s*(?:no\.?|number|n[ºo°]\.?|#|Nr\.?|núm\.?|número)?\s*[:#]?\s*(\d{3,})\b",
    re.IGNORECASE,
)


def _looks_like_identifier(token: str) -> bool:
    if _PLAIN_NUMBER.fullmatch(token.lstrip("#")):
        return False
    digits = sum(c.isdigit() for c in token)
    letters = sum(c.isalpha() for c in token)
    if token.startswith("#"):
        return digits >= 3
    return digits >= 3 if letters else digits >= 5


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def _mask_values(text: str, values: Iterable[str]) -> str:
    for value in sorted({" ".join(v.split()) for v in values if v.strip()}, key=len, reverse=True):
        words = r"\s+".join(map(re.escape, value.split()))
        pattern = re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)
        text = _mask(text, (m.span() for m in pattern.finditer(text)))
    return text


def _word_checks(masked: str) -> Iterator[DraftViolation]:
    checks = (
        ("internal_system", _INTERNAL_SYSTEM, "internal system name"),
        ("internal_location", _INTERNAL_LOCATION, "internal warehouse code"),
        ("internal_cost", _INTERNAL_COST, "internal cost wording"),
        ("approval_language", _APPROVAL, "approval is the workflow's decision"),
        ("template_residue", _RESIDUE, "unfilled placeholder or stand-in"),
    )
    for code, pattern, why in checks:
        for match in pattern.finditer(masked):
            yield DraftViolation(code, f"{match.group(0)!r}: {why}")


def _identifier_checks(masked: str) -> Iterator[DraftViolation]:
    for code, pattern in (("email_address", _EMAIL), ("phone_number", _PHONE)):
        spans = []
        for match in pattern.finditer(masked):
            if code == "email_address" or sum(c.isdigit() for c in match.group(0)) >= 7:
                spans.append(match.span())
                yield DraftViolation(code, f"{match.group(0)!r} is not in the facts")
        masked = _mask(masked, spans)
    reported = set()
    for match in _TOKEN.finditer(masked):
        if _looks_like_identifier(match.group(0)):
            reported.add(match.group(0).lstrip("#"))
    for match in _LABELLED_NUMBER.finditer(masked):
        reported.add(match.group(1))
    for token in sorted(reported):
        yield DraftViolation(
            "foreign_identifier", f"{token!r} looks like an identifier no fact holds"
        )


# --- the guard ------------------------------------------------------------------------------


def check_draft(
    draft: CustomerDraft, request: DraftRequest, *, forbidden_identifiers: Collection[str] = ()
) -> list[DraftViolation]:
    """Every reason ``draft`` must not be sent as written; an empty list means it passes.

    Pure: reads only its arguments. ``forbidden_identifiers`` are strings that must never
    appear (other customers' names or order numbers, warehouse ids…), matched whole and
    case-insensitively, even inside a fact.
    """
    text = f"{draft.subject}\n\n{draft.body}"
    violations: list[DraftViolation] = []

    for fact in draft.facts_used:
        if fact.name not in request.facts:
            violations.append(
                DraftViolation("fact_unknown", f"{fact.name!r} is not a fact of the request")
            )
        elif " ".join(fact.value.split()) != " ".join(request.facts[fact.name].split()):
            violations.append(
                DraftViolation(
                    "fact_mismatch",
                    f"{fact.name} is {request.facts[fact.name]!r}, not {fact.value!r}",
                )
            )

    for identifier in {i.strip() for i in forbidden_identifiers if i.strip()}:
        words = r"\s+".join(map(re.escape, identifier.split()))
        if re.search(rf"(?<![A-Za-z0-9]){words}(?![A-Za-z0-9])", text, re.IGNORECASE):
            violations.append(
                DraftViolation("forbidden_identifier", f"{identifier!r} must not appear")
            )

    violations += [
        DraftViolation("prompt_injection", f"{m.group(0)!r} reads as an instruction")
        for m in _PROMPT_INJECTION.finditer(text)
    ]

    approved = [*request.facts.values(), request.recipient_name or "", request.customer_name or ""]
    # Dates are looked for outside the facts' own text: an item described as "Bolt 3/8 in"
    # holds no date. Date facts are rendered in words, so they are still checked.
    values_masked = _mask_values(text, approved)
    mentions = _find_dates(values_masked)
    masked = _mask(values_masked, (m.span for m in mentions))
    violations += _check_dates(masked, mentions, request.facts.get("new_eta"))

    money = list(_check_money(masked, request.facts))
    violations += [v for _, v in money if v is not None]
    masked = _mask(masked, (span for span, _ in money))

    violations += _word_checks(masked)
    violations += _identifier_checks(masked)
    return list(dict.fromkeys(violations))
