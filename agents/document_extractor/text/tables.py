"""Line-item tables in text documents.

Layouts read: a header row followed by rows aligned in columns (whitespace, pipes, tabs,
semicolons or commas), and header-less rows such as ``WID-100  Blue widget  10  3.50
35.00`` (accepted only when quantity × price equals the amount), ``10 x Blue widget @
3.50`` and ``SKU: WID-100  Qty: 10  Price: 3.50``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from exdesk.agents.document_extractor.text.amounts import find_amounts, parse_amount
from exdesk.agents.document_extractor.text.columns import (
    Header,
    delimiter_of,
    find_header,
    is_rule,
)
from exdesk.agents.document_extractor.text.rows import Row, assign_roles, column_kind, read_row
from exdesk.domain import LineTableMethod

_STOP = re.compile(
    r"^(?:grand\s+)?totals?\b|^amount\s+due|^balance|^totaal|^razem|^summe|^gesamt|^net\s+total"
    r"|^total\s+(?:h\.?t\.?|ttc|tva|incl|excl|€|\$)|^endsumme|^endbetrag|^rechnungs(?:summe|betrag)"
    r"|^nettobetrag|^bruttosumme|^positionssumme|^belegsummen|^positionen\s+netto|^zahlbetrag"
    r"|^net\s+[àa]\s+payer|^montant\s+(?:total|ht|ttc)|^base\s+imponible|^importe\s+total"
    r"|(?<![A-Za-z])(?:invoice|factuur|grand)\s+total|\btotal\s+(?:due|ttc|amount)\b"
    r"|amount\s+due|factuur\s+totaal|^(?:ust|mwst|tva|iva|vat)\.?\s*(?:satz|gesamt|rate|total)",
    re.IGNORECASE,
)
_SUMMARY = re.compile(
    r"\b(?:total\s+h\.?t\.?|total\s+ttc|net\s+total|nettobetrag|bruttosumme"
    r"|rechnungssumme|gesamtbetrag|positionssumme|belegsummen|steueraufschl[üu]sselung"
    r"|umsatzsteueraufschl[üu]sselung|vat\s+breakdown|tax\s+summary|d[ée]tail\s+tva"
    r"|zahlungsbedingungen|payment\s+terms|amount\s+due|balance\s+due)\b",
    re.IGNORECASE,
)
"""Words of a totals or tax block anywhere on a line: the item table has ended."""
_NOT_A_DESCRIPTION = re.compile(
    r"^(?:taxes?|vat|tva|mwst|ust|iva|btw|umsatzsteuer|steuer|total|totals|summe|montant|base"
    r"|basis|betrag|netto|brutto)\b",
    re.IGNORECASE,
)
_INCLUDED = re.compile(r"^(?:incl\.?|including|inkl\.?|inclusief|dont)\s", re.IGNORECASE)
_SKIP = re.compile(
    r"^(?:sub[\s-]?total|subtotaal|zwischensumme|sous[\s-]total|tax|vat|btw|gst|mwst|ust\b|tva"
    r"|iva|freight|shipping|versand|fracht|transport|discount|rabatt|skonto|remise|abschlag"
    r"|zuschlag|charge|rebate|carried|[üu]bertrag|page\b|seite\b|bruttopreis|basis)",
    re.IGNORECASE,
)
_BRACKET_SKU = re.compile(r"^\s*[\[(*]([A-Za-z0-9][\w\-/.]*)[\])*]\s*(.*)$")
_CODE = re.compile(r"^(?=[^\s]*\d)[A-Za-z0-9][A-Za-z0-9\-_/.#]{1,30}$")
_MAX_CONTINUATION = 3


@dataclass
class TableLine:
    """One line item read from text, before it becomes an ``ExtractedLine``."""

    line_no: int | None = None
    sku: str | None = None
    buyer_sku: str | None = None
    description: str | None = None
    qty: float | None = None
    ordered: float | None = None
    uom: str | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    source_line: int = 0
    arithmetic: bool = False
    """Whether quantity × price = amount was read off the row itself."""
    extras: dict[str, str] = field(default_factory=dict)

    def arithmetic_holds(self) -> bool:
        """Whether quantity × unit price equals the amount (within a cent per unit)."""
        if self.qty is None or self.unit_price is None or self.amount is None:
            return False
        quantity = Decimal(str(self.qty))
        tolerance = max(Decimal("0.011"), abs(quantity) * Decimal("0.005"))
        return abs(self.unit_price * quantity - self.amount) <= tolerance


@dataclass
class Table:
    """The lines found and how they were found (``header`` or ``pattern``)."""

    lines: list[TableLine]
    method: LineTableMethod
    header_line: int | None = None
    columns: list[str] = field(default_factory=list)


def read_header_table(lines: list[str], decimal_comma: bool | None) -> Table | None:
    """The rows under every header row, each table read up to its totals."""
    rows: list[TableLine] = []
    first: Header | None = None
    priced = False
    index = 0
    while index < len(lines):
        header = find_header(lines, index)
        if header is None:
            index += 1
            continue
        first = first or header
        found, index = _rows_below(lines, header, decimal_comma)
        # after a priced item table, a table without prices lists components, not items
        if priced and not header.priced:
            continue
        priced = priced or (header.priced and bool(found))
        rows.extend(found)
    if first is None or not rows:
        return None
    return Table(rows, "header", first.line, [c.kind for c in first.columns])


def _rows_below(
    lines: list[str], header: Header, decimal_comma: bool | None
) -> tuple[list[TableLine], int]:
    """The rows of one table and the index where reading should go on."""
    rows: list[TableLine] = []
    continuation = 0
    blanks = 0
    for number in range(header.last_line + 1, len(lines)):
        text = lines[number]
        stripped = text.strip().strip("|│").strip()
        if not stripped or is_rule(text):
            blanks += 0 if stripped else 1
            continuation = _MAX_CONTINUATION if not stripped else continuation
            if blanks >= 4:
                return rows, number
            continue
        blanks = 0
        if find_header(lines, number) is not None:
            return rows, number
        if _STOP.search(stripped) or _SUMMARY.search(stripped):
            return rows, number + 1
        if _SKIP.match(stripped):
            continuation = _MAX_CONTINUATION
            continue
        if _INCLUDED.match(stripped) and rows and continuation < _MAX_CONTINUATION:
            rows[-1].extras["included"] = stripped
            continue
        row = _table_row(text, number, header, decimal_comma)
        if row is not None:
            rows.append(row)
            continuation = 0
        elif rows and continuation < _MAX_CONTINUATION and not find_amounts(stripped):
            continuation += 1
            rows[-1].description = f"{rows[-1].description or ''} {stripped}".strip()
        else:
            continuation = _MAX_CONTINUATION
    return rows, len(lines)


def _table_row(
    text: str, number: int, header: Header, decimal_comma: bool | None
) -> TableLine | None:
    """A printed row under a header as a line item, or None when it is not one."""
    row = read_row(text, header.delimiter, decimal_comma)
    roles = assign_roles(row, header)
    if not roles.arithmetic:
        if roles.qty is None and roles.ordered is not None and "qty" not in header.kinds():
            roles.qty = roles.ordered
        if roles.qty is None:
            return None
        if header.priced and roles.amount is None and roles.unit_price is None:
            return None
    line = TableLine(source_line=number, arithmetic=roles.arithmetic)
    line.qty = float(roles.qty.value) if roles.qty is not None else None
    line.uom = roles.qty.unit if roles.qty is not None else None
    line.unit_price = roles.unit_price.value if roles.unit_price is not None else None
    line.amount = roles.amount.value if roles.amount is not None else None
    line.ordered = float(roles.ordered.value) if roles.ordered is not None else None
    if roles.backordered is not None:
        line.extras["backordered"] = f"{roles.backordered.value:g}"
    if roles.line_no is not None:
        line.line_no = int(roles.line_no.value)
    _read_texts(line, row, header)
    used = {id(n) for n in (roles.qty, roles.unit_price, roles.amount, roles.line_no) if n}
    for value in row.numbers:
        kind = column_kind(header, row, value.start, value.end, value.cell)
        if id(value) not in used and kind in ("sku", "buyer_sku") and getattr(line, kind) is None:
            setattr(line, kind, text[value.start : value.end].strip())
    if not (line.sku or line.description or roles.arithmetic):
        return None
    return line


def _read_texts(line: TableLine, row: Row, header: Header) -> None:
    """SKU, buyer's SKU, unit and description from the row's text cells."""
    descriptions: list[str] = []
    for (text, start, end), cell in zip(row.texts, row.text_cells, strict=True):
        kind = column_kind(header, row, start, end, cell)
        if kind == "line_no" and not text.rstrip(".").isdigit() and _CODE.match(text):
            kind = "sku"
        if kind in ("sku", "buyer_sku") and getattr(line, kind) is None and _CODE.match(text):
            setattr(line, kind, text)
        elif kind == "uom" and line.uom is None and len(text) <= 8:
            line.uom = text
        elif (
            kind not in ("gtin", "line_no")
            and not re.fullmatch(r"[\d\s.,%€$£()*-]+", text)
            and not _NOT_A_DESCRIPTION.match(text)
        ):
            descriptions.append(text)
    if line.sku is None and descriptions:
        # an item code printed first, in its own cell or run into the description
        words = descriptions[0].split()
        first = words[0]
        if (
            _CODE.match(first)
            and any(c.isdigit() for c in first)
            and (len(words) > 1 or len(descriptions) > 1)
        ):
            line.sku = first
            descriptions[0] = descriptions[0][len(first) :].strip()
    description = " ".join(d for d in descriptions if d)
    bracketed = _BRACKET_SKU.match(description)
    if bracketed and line.sku is None:
        line.sku = bracketed.group(1)
        description = bracketed.group(2)
    line.description = description.strip() or None


_ROW = re.compile(
    r"^\s*(?:(?P<line>\d{1,3})[.)]?\s+)?(?P<sku>[A-Za-z0-9][\w\-/.]*\d[\w\-/.]*)\s+"
    r"(?P<desc>\S.*?)\s+(?P<qty>\d+(?:[.,]\d+)?)\s*(?:x\s*)?(?P<uom>[A-Za-z]{1,4}\.?\s+)?"
    r"(?:@\s*)?(?P<price>[$€£]?\s?-?\d[\d,.']*)\s+(?P<amount>[$€£]?\s?-?\d[\d,.']*\d)\s*$"
)
_TIMES = re.compile(
    r"^\s*(?P<qty>\d+(?:[.,]\d+)?)\s*[x×]\s+(?P<desc>.+?)\s*(?:\((?P<sku>[\w\-/.]+)\))?\s*"
    r"@\s*(?P<price>[$€£]?\s?\d[\d,.']*)(?:\s*(?:=|each,?)\s*(?P<amount>[$€£]?\s?\d[\d,.']*))?"
    r"\s*$",
    re.IGNORECASE,
)
_KEYED = re.compile(
    r"(?:sku|item(?:\s*(?:no\.?|#))?|part(?:\s*(?:no\.?|#))?)\s*[:#]\s*(?P<sku>[\w\-/.]+)"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(
    r"^\s*(?P<line>\d{1,3})[.)]\s+(?P<desc>\S.*?\S)\s{2,}(?P<qty>\d+(?:[.,]\d+)?)"
    r"\s*(?P<uom>[A-Za-z]{1,6})?\s*$"
)


def read_pattern_rows(lines: list[str], decimal_comma: bool | None) -> Table | None:
    """Header-less rows; a column row counts only when quantity × price = amount."""
    rows: list[TableLine] = []
    for number, text in enumerate(lines):
        row = _pattern_row(text, number, decimal_comma) or _arithmetic_row(
            text, number, decimal_comma
        )
        if row is not None:
            rows.append(row)
    return Table(rows, "pattern") if rows else None


def _arithmetic_row(text: str, number: int, decimal_comma: bool | None) -> TableLine | None:
    """A header-less row that names an item and whose numbers add up (qty × price = amount)."""
    stripped = text.strip()
    if not stripped or _STOP.search(stripped) or _SKIP.match(stripped):
        return None
    row = read_row(text, delimiter_of(text), decimal_comma)
    roles = assign_roles(row, None)
    if not roles.arithmetic or not row.texts or roles.qty is None:
        return None
    if not any(re.search(r"[A-Za-z]{3}", t) for t, _, _ in row.texts):
        return None
    line = TableLine(source_line=number, arithmetic=True)
    line.qty = float(roles.qty.value)
    line.uom = roles.qty.unit
    line.unit_price = roles.unit_price.value if roles.unit_price is not None else None
    line.amount = roles.amount.value if roles.amount is not None else None
    line.line_no = int(roles.line_no.value) if roles.line_no is not None else None
    texts = [t for t, _, _ in row.texts]
    first = texts[0].split()[0]
    if _CODE.match(first) and (len(texts) > 1 or len(texts[0].split()) > 1):
        line.sku = first
        texts[0] = texts[0][len(first) :].strip()
    line.description = " ".join(t for t in texts if t) or None
    return line


def _pattern_row(text: str, number: int, decimal_comma: bool | None) -> TableLine | None:
    def money(value: str | None) -> Decimal | None:
        parsed = parse_amount(value, decimal_comma) if value else None
        return parsed.value if parsed is not None else None

    match = _ROW.match(text)
    if match and not _STOP.search(text.strip()) and not _SKIP.match(text.strip()):
        row = TableLine(
            line_no=int(match.group("line")) if match.group("line") else None,
            sku=match.group("sku"),
            description=match.group("desc").strip(),
            qty=float(money(match.group("qty")) or 0),
            uom=(match.group("uom") or "").strip(" .") or None,
            unit_price=money(match.group("price")),
            amount=money(match.group("amount")),
            source_line=number,
        )
        if row.arithmetic_holds():
            row.arithmetic = True
            return row
    match = _TIMES.match(text)
    if match:
        qty = money(match.group("qty"))
        return TableLine(
            sku=match.group("sku"),
            description=match.group("desc").strip(),
            qty=float(qty) if qty is not None else None,
            unit_price=money(match.group("price")),
            amount=money(match.group("amount")),
            source_line=number,
        )
    match = _KEYED.search(text)
    if match:
        rest = match.group("rest")
        qty_match = re.search(r"(?:qty|quantity)\s*[:#]?\s*(\d+(?:[.,]\d+)?)", rest, re.IGNORECASE)
        price_match = re.search(
            r"(?:unit\s*price|price|@)\s*[:#]?\s*([$€£]?\s?\d[\d,.']*)", rest, re.IGNORECASE
        )
        desc_match = re.search(r"(?:desc(?:ription)?)\s*[:#]\s*(.+?)(?:\s{2,}|$)", rest, re.I)
        if qty_match:
            qty = money(qty_match.group(1))
            return TableLine(
                sku=match.group("sku"),
                description=desc_match.group(1).strip() if desc_match else None,
                qty=float(qty) if qty is not None else None,
                unit_price=money(price_match.group(1)) if price_match else None,
                source_line=number,
            )
    match = _NUMBERED.match(text)
    if match:
        qty = money(match.group("qty"))
        return TableLine(
            line_no=int(match.group("line")),
            description=match.group("desc"),
            qty=float(qty) if qty is not None else None,
            uom=match.group("uom"),
            source_line=number,
        )
    return None


def read_line_items(lines: list[str], decimal_comma: bool | None) -> Table | None:
    """The document's line items: a header table when there is one, else pattern rows."""
    table = read_header_table(lines, decimal_comma)
    if table is not None:
        return table
    return read_pattern_rows(lines, decimal_comma)
