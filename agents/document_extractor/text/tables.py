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
from exdesk.agents.document_extractor.text.fields import Cell, cells
from exdesk.domain import LineTableMethod

COLUMN_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"^(?:{pattern})$", re.IGNORECASE))
    for kind, pattern in (
        ("line_no", r"#|no\.?|nr\.?|ln|line(?:\s*(?:no\.?|#))?|pos\.?|lp\.?|seq"),
        (
            "ordered",
            r"(?:qty\.?\s*)?ord(?:ered)?|order(?:ed)?\s*qty\.?|qty\.?\s*ord(?:ered)?|ordered\s*qty",
        ),
        ("backordered", r"b/?o|back\s*order(?:ed)?|qty\.?\s*b/?o|backorder\s*qty"),
        (
            "qty",
            r"qty\.?|quantity|qty\.?\s*(?:shipped|shp|inv(?:oiced)?)|shipped(?:\s*qty)?|ship\s*qty"
            r"|units|pcs|pieces|count|aantal|hoeveelheid|ilo[śs][ćc](?:\s*\[\w+\])?|menge|anzahl"
            r"|nombre|nb|qt[ée]\.?"
            r"|quantit[éey]|qt[ée]|cantidad|quantità|qty\s*delivered|delivered",
        ),
        ("uom", r"uom|u/m|unit\s*of\s*measure|jm|um|unit|units?\s*type|eenheid"),
        (
            "unit_price",
            r"unit\s*price|price|unit\s*cost|cost|rate|each|price\s*each|unit\s*\$|net\s*price"
            r"|prijs(?:\s*per\s*stuk)?|cena(?:\s*\w+)?|preis|einzelpreis|prix(?:\s*unitaire)?"
            r"|precio|prezzo|price/unit|unit\s*price\s*\(\w+\)|p\.?\s?u\.?(?:\s*h\.?t\.?)?"
            r"|prix\s+unitaire(?:\s+h\.?t\.?)?|vk-?preis|e-?preis|st[üu]ckpreis",
        ),
        (
            "amount",
            r"amount|total|line\s*total|ext(?:ended|\.)?\s*(?:price|amount|total)?|extension"
            r"|net\s*amount|bedrag|warto[śs][ćc](?:\s*\w+)?|betrag|gesamt(?:preis)?"
            r"|zeilenbetrag|gesamtbetrag|montant(?:\s+h\.?t\.?|\s+ttc)?"
            r"|importe|prijs\s*incl\.?\s*btw|value|line\s*amount|amount\s*\(\w+\)",
        ),
        (
            "buyer_sku",
            r"cust(?:omer)?\.?\s*(?:part|item|sku)(?:\s*(?:no\.?|#))?|buyer\s*(?:part|item|sku)"
            r"|your\s*(?:part|item|ref)",
        ),
        (
            "sku",
            r"sku|item\s*(?:no\.?|#|number|code|id)|part\s*(?:no\.?|#|number)?|product\s*(?:code|id"
            r"|no\.?|#)|article\s*(?:no\.?|#)|artikel\s*(?:nr\.?|nummer)|code|style|model"
            r"|catalog(?:ue)?\s*(?:no\.?|#)?|upc|gtin|ean|material|vendor\s*part|our\s*part"
            r"|stock\s*(?:no\.?|#|code)",
        ),
        ("item", r"item|artikel|article|product"),
        (
            "description",
            r"desc(?:ription)?\.?|item\s*description|product\s*(?:name|description)|name|title"
            r"|details|goods|omschrijving|nazwa(?:\s*towaru)?|bezeichnung|d[ée]signation"
            r"|descripci[óo]n|descrizione|commodity|beschreibung|libell[ée]",
        ),
    )
)
_NUMERIC_KINDS = ("qty", "ordered", "backordered", "unit_price", "amount")
_STOP = re.compile(
    r"^(?:grand\s+)?total\b|^amount\s+due|^balance|^totaal|^razem|^summe|^gesamt|^net\s+total"
    r"|(?<![A-Za-z])(?:invoice|factuur|grand)\s+total|\btotal\s+(?:due|ttc|amount)\b"
    r"|amount\s+due|factuur\s+totaal",
    re.IGNORECASE,
)
_INCLUDED = re.compile(r"^(?:incl\.?|including|inkl\.?|inclusief|dont)\s", re.IGNORECASE)
_SKIP = re.compile(
    r"^(?:sub[\s-]?total|subtotaal|tax|vat|btw|gst|freight|shipping|discount|carried|page\b)",
    re.IGNORECASE,
)
_BRACKET_SKU = re.compile(r"^\s*[\[(*]([A-Za-z0-9][\w\-/.]*)[\])*]\s*(.*)$")
_QTY = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*([A-Za-z]{1,6})?\s*$")
_MONEY_CELL = re.compile(
    r"^\(?-?\s?(?:[A-Z]{3}|[$€£¥₹]|Rs\.?)?\s?-?\d[\d.,' \u00a0]*\s?(?:[A-Z]{3}|[$€£¥₹]|zł)?\)?$"
)


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


@dataclass(frozen=True)
class _Column:
    kind: str
    start: int
    end: int


def _classify(text: str) -> str | None:
    name = re.sub(r"[\s.:]+$", "", text.strip())
    name = re.sub(r"\s+", " ", name)
    for kind, pattern in COLUMN_NAMES:
        if pattern.match(name):
            return kind
    return None


def _split(line: str, delimiter: str | None) -> list[Cell]:
    if delimiter is None:
        return cells(line)
    result: list[Cell] = []
    position = 0
    for part in line.split(delimiter):
        if part.strip():
            result.append(Cell(part.strip(), position, position + len(part)))
        position += len(part) + 1
    return result


def _delimiter(line: str) -> str | None:
    for candidate in ("|", "\t", ";"):
        if line.count(candidate) >= 2:
            return candidate
    if line.count(",") >= 2 and not re.search(r"\S\s{2,}\S", line):
        return ","
    return None


def _header(line: str) -> tuple[list[_Column], str | None] | None:
    """The columns of a header row, or None when the line is not one."""
    delimiter = _delimiter(line)
    columns: list[_Column] = []
    for cell in _split(line, delimiter):
        kind = _classify(cell.text)
        if kind is not None:
            columns.append(_Column(kind, cell.start, cell.end))
            continue
        offset = cell.start
        words = [(w, _classify(w.group())) for w in re.finditer(r"\S+", cell.text)]
        if not any(kind for _, kind in words):
            columns.append(_Column("other", cell.start, cell.end))
            continue
        for word, sub in words:
            start = offset + word.start()
            columns.append(_Column(sub or "other", start, start + len(word.group())))
    kinds = [c.kind for c in columns if c.kind != "other"]
    if len(set(kinds)) < 2 or not set(kinds) & {"qty", "unit_price", "amount", "ordered"}:
        return None
    has_description = "description" in kinds
    resolved = [
        _Column("sku" if has_description else "description", c.start, c.end)
        if c.kind == "item"
        else c
        for c in columns
    ]
    if "unit_price" not in kinds and "uom" in kinds and "amount" in kinds:
        resolved = [
            c if c.kind != "uom" else _Column("unit_price", c.start, c.end) for c in resolved
        ]
    return resolved, delimiter


def _assign(row: list[Cell], columns: list[_Column]) -> dict[str, str]:
    """Map row cells to header columns: by count when equal, else by column overlap."""
    values: dict[str, str] = {}
    if len(row) == len(columns):
        for cell, column in zip(row, columns, strict=True):
            values.setdefault(column.kind, cell.text)
        return values
    for cell in row:

        def distance(column: _Column, cell: Cell = cell) -> tuple[int, int]:
            overlap = min(cell.end, column.end) - max(cell.start, column.start)
            gap = abs((cell.start + cell.end) // 2 - (column.start + column.end) // 2)
            return (-overlap if overlap > 0 else 0, gap)

        column = min(columns, key=distance)
        if column.kind in values and column.kind == "description":
            values[column.kind] += " " + cell.text
        elif column.kind in values:
            free = [c for c in columns if c.kind not in values]
            if free:
                values[min(free, key=distance).kind] = cell.text
        else:
            values[column.kind] = cell.text
    return values


def _to_line(values: dict[str, str], number: int, decimal_comma: bool | None) -> TableLine | None:
    line = TableLine(source_line=number)
    for kind in ("qty", "ordered", "backordered"):
        text = values.get(kind)
        if text:
            match = _QTY.match(text.replace("\u00a0", " "))
            if match is None:
                continue
            amount = parse_amount(match.group(1), decimal_comma)
            if amount is not None:
                quantity = float(amount.value)
                if kind == "qty":
                    line.qty = quantity
                    line.uom = match.group(2) or line.uom
                elif kind == "ordered":
                    line.ordered = quantity
                else:
                    line.extras["backordered"] = f"{quantity:g}"
    for kind in ("unit_price", "amount"):
        text = values.get(kind)
        parsed = (
            parse_amount(text, decimal_comma) if text and _MONEY_CELL.match(text.strip()) else None
        )
        if parsed is not None:
            setattr(line, kind, parsed.value)
    if line.qty is None and line.ordered is not None and "qty" not in values:
        line.qty = line.ordered
    description = values.get("description")
    if description:
        bracketed = _BRACKET_SKU.match(description)
        if bracketed and "sku" not in values:
            values["sku"] = bracketed.group(1)
            description = bracketed.group(2)
        line.description = description.strip() or None
    line.sku = values.get("sku") or None
    line.buyer_sku = values.get("buyer_sku") or None
    line.uom = values.get("uom") or line.uom
    number_text = values.get("line_no", "").rstrip(".)")
    line.line_no = int(number_text) if number_text.isdigit() else None
    if line.qty is None and line.amount is None and line.unit_price is None:
        return None
    if not (line.sku or line.description):
        return None
    return line


def read_header_table(lines: list[str], decimal_comma: bool | None) -> Table | None:
    """The first header row and the rows under it, up to the totals."""
    for index, text in enumerate(lines):
        header = _header(text)
        if header is None:
            continue
        columns, delimiter = header
        rows = _rows_below(lines, index, columns, delimiter, decimal_comma)
        if rows:
            return Table(rows, "header", index, [c.kind for c in columns])
    return None


def _rows_below(
    lines: list[str],
    index: int,
    columns: list[_Column],
    delimiter: str | None,
    decimal_comma: bool | None,
) -> list[TableLine]:
    rows: list[TableLine] = []
    blanks = 0
    previous_was_row = False
    paused = False
    kinds = [c.kind for c in columns]
    for number in range(index + 1, len(lines)):
        text = lines[number]
        stripped = text.strip().strip("|").strip()
        if not stripped or re.fullmatch(r"[-=+|:\s]+", stripped):
            blanks += 1 if not stripped else 0
            previous_was_row = False
            paused = paused or blanks >= 4
            continue
        blanks = 0
        repeated = _header(text)
        if repeated is not None:
            paused = paused and [c.kind for c in repeated[0]] != kinds
            previous_was_row = False
            continue
        if paused:
            continue
        if _STOP.search(stripped):
            break
        if _SKIP.match(stripped):
            previous_was_row = False
            continue
        if _INCLUDED.match(stripped) and rows and previous_was_row:
            rows[-1].extras["included"] = stripped
            continue
        row = _to_line(_assign(_split(text, delimiter), columns), number, decimal_comma)
        if row is not None:
            rows.append(row)
            previous_was_row = True
        elif previous_was_row and rows and not find_amounts(stripped):
            rows[-1].description = f"{rows[-1].description or ''} {stripped}".strip()
    return rows


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
        row = _pattern_row(text, number, decimal_comma)
        if row is not None:
            rows.append(row)
    return Table(rows, "pattern") if rows else None


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
