"""Find labelled values in a text document: on the label's line, or in the column below it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from exdesk.agents.document_extractor.text.amounts import ISO_CURRENCIES, parse_amount
from exdesk.agents.document_extractor.text.dates import find_dates, parse_date
from exdesk.agents.document_extractor.text.labels import LABELS, FieldLabel

_CELL_GAP = re.compile(r"\s{2,}|\t|\s\|\s?")
_NEXT_LABEL = re.compile(r"(?<!\s)\s{2,}+[A-Za-z][A-Za-z .#/()'-]{0,30}:")
_LEADING = re.compile(r"^(?:[\s:#=.]|[-–](?!\s?\d))*(?:#\s*)?")
_SEPARATOR = re.compile(r"^\s*[:#=]?\s*(?:#\s*)?")
_MONEY_LIKE = re.compile(r"^-?\d[\d,.]*[.,]\d{2}$")
_ID_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.:]*$")
_BELOW_PENALTY = 0.15

Value = str | date | Decimal | float


@dataclass(frozen=True)
class Found:
    """A value for a field, how sure we are, and where it came from."""

    field: str
    value: Value
    confidence: float
    line: int
    rank: int
    method: str
    currency: str | None = None


@dataclass(frozen=True)
class Cell:
    """A run of text between column gaps, with its columns."""

    text: str
    start: int
    end: int


def cells(line: str) -> list[Cell]:
    """Split a line into cells at runs of two or more spaces, tabs or pipes."""
    result: list[Cell] = []
    position = 0
    for gap in _CELL_GAP.finditer(line):
        raw = line[position : gap.start()]
        if gap.start() > position and raw.strip():
            start = position + len(raw) - len(raw.lstrip())
            result.append(Cell(raw.strip(), start, gap.start()))
        position = gap.end()
    raw = line[position:]
    if raw.strip():
        start = position + len(raw) - len(raw.lstrip())
        result.append(Cell(raw.strip(), start, len(line.rstrip())))
    return result


def read_value(
    kind: str, text: str, day_first: bool | None, decimal_comma: bool | None
) -> tuple[Value, str | None, bool] | None:
    """Parse a value of the kind; returns (value, currency, ambiguous) or None."""
    text = _LEADING.sub("", text).strip()
    if not text:
        return None
    if kind == "id":
        identifier = _identifier(text)
        if identifier is None or _is_date(identifier):
            return None
        return identifier, None, False
    if kind == "date":
        found = parse_date(text, day_first)
        return (found.value, None, found.ambiguous) if found else None
    if kind == "amount":
        if _is_date(text.split("  ")[0].strip()):
            return None
        amount = parse_amount(text, decimal_comma)
        if amount is None:
            return None
        if not amount.looks_like_money and not re.fullmatch(r"\d{1,7}", text.strip()):
            return None
        return amount.value, amount.currency, not amount.looks_like_money
    if kind == "qty":
        amount = parse_amount(text, decimal_comma)
        return (float(amount.value), None, False) if amount is not None else None
    if kind == "currency":
        code = text[:3].upper()
        return (code, None, False) if code in ISO_CURRENCIES else None
    words = text.strip(" :;,.|│")
    if not words or not re.search(r"[A-Za-z]", words) or len(words) > 80:
        return None
    if looks_like_label(words):
        return None
    return words, None, False


_LABEL_WORDS = re.compile(
    r"\b(?:terms|charges?|number|no\.|date|information|instructions|address|signature|phone"
    r"|fax|e-?mail|reference|page|total|weight|class|nmfc|prepaid|collect|third\s+party"
    r"|bill\s+to|sold\s+to|invoice\s+to|remit\s+to|ship\s+from|shipper|consignee|ship\s+to)\b",
    re.IGNORECASE,
)


def looks_like_label(text: str) -> bool:
    """Whether a text is itself a label ("Freight Charge Terms", "SHIP FROM:") rather than
    a value: it ends with a colon, names another field, or is a form's caption."""
    stripped = text.strip()
    if stripped.endswith(":") or _LABEL_WORDS.search(stripped):
        return True
    if re.match(r"^[A-Za-z][\w .#/()'-]{0,30}:\s", stripped):
        return True  # another field's label with its value
    return any(label.pattern.fullmatch(stripped) for label in LABELS)


def _is_date(token: str) -> bool:
    found = parse_date(token)
    return found is not None and found.end - found.start >= len(token) - 1


_ID_PREFIX = re.compile(r"^(?:\(\d{1,4}\)|nr\.?|no\.?|n[°o]\.?|num\.?|#|:)$", re.IGNORECASE)


def _identifier(text: str) -> str | None:
    """An ID: a token holding a digit, optionally after a short prefix token (``F 1234/12``).

    A word without a digit ("INFORMATION", "TERMS") is never taken for an ID."""
    tokens = text.split()
    while tokens and _ID_PREFIX.match(tokens[0]):
        tokens = tokens[1:]
    if not tokens:
        return None
    first = tokens[0].rstrip(",;")
    if _MONEY_LIKE.match(first):
        return None
    if _ID_TOKEN.match(first) and re.search(r"\d", first):
        return first.rstrip(".:")
    if (
        len(tokens) > 1
        and len(first) <= 3
        and first.isalpha()
        and first.isupper()
        and _ID_TOKEN.match(tokens[1])
        and re.search(r"\d", tokens[1])
    ):
        return f"{first} {tokens[1].rstrip('.,;:')}"
    return None


def _value_area(line: str, start: int) -> str:
    rest = line[start:]
    cut = _NEXT_LABEL.search(rest)
    if cut is not None:
        rest = rest[: cut.start()]
    return rest


def _below(lines: list[str], index: int, start: int, end: int) -> list[tuple[str, int]]:
    """The cells under a label, nearest first: on each of the next few non-blank, non-rule
    lines, the cell overlapping the label's columns."""
    found: list[tuple[str, int]] = []
    for offset in (1, 2, 3, 4):
        if index + offset >= len(lines) or len(found) >= 3:
            break
        below = lines[index + offset]
        if not below.strip() or re.fullmatch(r"[\s\-=_─━│|+┼]+", below):
            continue
        best: Cell | None = None
        best_overlap = 0
        for cell in cells(below):
            overlap = min(cell.end, end + 4) - max(cell.start, start - 4)
            if overlap > best_overlap:
                best, best_overlap = cell, overlap
        if best is not None:
            found.append((best.text, index + offset))
    return found


def find_labelled(
    lines: list[str], day_first: bool | None, decimal_comma: bool | None
) -> list[Found]:
    """Every labelled value in the document, strongest label first within each field."""
    found: list[Found] = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        matches = [(label, m) for label in LABELS for m in label.pattern.finditer(line)]
        for label, match in matches:
            if _inside_longer(match, matches):
                continue
            found.extend(_read_label(lines, index, match, label, day_first, decimal_comma))
    return found


def _inside_longer(match: re.Match[str], matches: list[tuple[FieldLabel, re.Match[str]]]) -> bool:
    """Whether a longer label covers this one ("Invoice" inside "Invoice Date")."""
    length = match.end() - match.start()
    return any(
        other.start() <= match.start()
        and other.end() >= match.end()
        and other.end() - other.start() > length
        for _, other in matches
    )


def _read_label(
    lines: list[str],
    index: int,
    match: re.Match[str],
    label: FieldLabel,
    day_first: bool | None,
    decimal_comma: bool | None,
) -> list[Found]:
    line = lines[index]
    area = _value_area(line, match.end())
    area = " " * (len(area) - len(_SEPARATOR.sub("", area))) + _SEPARATOR.sub("", area)
    area_cells = cells(area)
    parsed = None
    if area_cells:
        text = area_cells[0].text
        if label.kind == "amount":
            text = " ".join(c.text for c in area_cells)
        parsed = read_value(label.kind, text, day_first, decimal_comma)
        method, confidence, row = "label", label.strength, index
    looks_like_label = bool(area_cells) and not re.search(r"\d", area_cells[0].text)
    caption_row = looks_like_label and (label.kind != "text" or parsed is None)
    if parsed is None and (not area_cells or caption_row):
        candidates = _below(lines, index, match.start(), match.end())
        # a total may sit a line or two under its caption; anything else is right under it
        for text, below_row in candidates[: 3 if label.kind == "amount" else 1]:
            parsed = read_value(label.kind, text, day_first, decimal_comma)
            if parsed is not None and label.kind == "amount" and parsed[2]:
                parsed = None  # under a caption, only an amount written as money is taken
            if parsed is not None:
                penalty = _BELOW_PENALTY + (0.1 if label.kind == "text" else 0.0)
                method, confidence, row = "label_below", label.strength - penalty, below_row
                break
    if parsed is None:
        return []
    value, currency, ambiguous = parsed
    if ambiguous:
        confidence *= 0.85
    return [Found(label.field, value, round(confidence, 3), row, label.rank, method, currency)]


def dates_beside_numbers(
    lines: list[str], found: list[Found], day_first: bool | None
) -> list[Found]:
    """A date written on the invoice-number line ("Facture n° 562 du 02 Juillet 2015",
    "Nr. 471102 vom 15.11.2024"), or alone on the line under it ("Invoice 103767" over
    "February 17, 2026"), which is a weaker reading."""
    extra: list[Found] = []
    date_rank = min(label.rank for label in LABELS if label.field == "document_date")
    for item in found:
        if item.field != "invoice_number" or item.method != "label":
            continue
        line = lines[item.line]
        position = line.find(str(item.value))
        for candidate in find_dates(line[position:] if position >= 0 else line, day_first):
            extra.append(
                Found("document_date", candidate.value, 0.7, item.line, date_rank, "beside_label")
            )
            break
        else:
            below = lines[item.line + 1].strip() if item.line + 1 < len(lines) else ""
            alone = find_dates(below, day_first)
            if len(alone) == 1 and alone[0].end - alone[0].start >= len(below) - 1:
                extra.append(
                    Found(
                        "document_date", alone[0].value, 0.6, item.line + 1, date_rank + 1, "guess"
                    )
                )
    return extra


def best(found: list[Found], field: str, last: bool = False) -> Found | None:
    """The strongest value of a field; among equals the first (or the last, for totals)."""
    candidates = [f for f in found if f.field == field]
    if not candidates:
        return None
    top = min(f.rank for f in candidates)
    ranked = [f for f in candidates if f.rank == top]
    ranked.sort(key=lambda f: (-f.confidence if not last else 0, f.line))
    return ranked[-1] if last else ranked[0]
