"""The header row of a line-item table: which column holds what, in en/de/fr/es/nl/pl/it.

A header may spread over two or three printed rows ("Unit Price" over "Excl. VAT", "P.U.
HT" over "(EUR)"): the rows next to the one that names the columns are merged into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exdesk.agents.document_extractor.text.fields import Cell, cells

ColumnKind = str
"""``line_no``, ``sku``, ``buyer_sku``, ``gtin``, ``description``, ``qty``, ``ordered``,
``backordered``, ``uom``, ``unit_price``, ``amount`` or ``other``."""

NUMERIC_KINDS = frozenset({"qty", "ordered", "backordered", "unit_price", "amount"})

_NAMES: tuple[tuple[ColumnKind, str], ...] = (
    ("line_no", r"#|no\.?|nr\.?|n°|ln|line(?:\s*(?:no\.?|#))?|pos\.?|position|lp\.?|seq|ligne"),
    (
        "ordered",
        r"(?:qty\.?\s*)?ord(?:ered)?|order(?:ed)?\s*qty\.?|qty\.?\s*ord(?:ered)?|bestellt"
        r"|bestellmenge|qt[ée]\.?\s*command[ée]e|command[ée]e?",
    ),
    (
        "backordered",
        r"b/?o|back\s*order(?:ed)?|qty\.?\s*b/?o|backorder\s*qty|r[üu]ckstand|reliquat",
    ),
    (
        "qty",
        r"qty\.?|quantity|qty\.?\s*(?:shipped|shp|inv(?:oiced)?)|shipped(?:\s*qty)?|ship(?:\s*qty)?"
        r"|units|pcs|pieces|count|aantal|hoeveelheid|ilo[śs][ćc](?:\s*\[\w+\])?|menge|anzahl"
        r"|liefermenge|nombre|nb|qt[ée]\.?|quantit[éey]|cantidad|cant\.?|quantità|qty\s*delivered"
        r"|delivered|geliefert|livr[ée]e?|requested\s*qty|(?:a)?greed\s*qty",
    ),
    (
        "uom",
        r"uom|u/m|unit\s*of\s*measure|jm|um|unit|units?\s*type|eenheid|einheit|me|unit[ée]|unidad",
    ),
    (
        "unit_price",
        r"(?:unit\s*)?price(?:\s*each)?|unit\s*cost|cost|rate|each|unit\s*\$|net\s*(?:unit\s*)?price"
        r"|unit\s*price\s*excl\.?\s*vat|prijs(?:\s*per\s*stuk)?|cena(?:\s*\w+)?|preis|einzelpreis"
        r"|nettopreis|e-?preis|st[üu]ckpreis|vk-?preis|preis\s*/\s*einh\.?|preis\s*pro\s*einheit"
        r"|prix(?:\s*unitaire)?(?:\s*h\.?t\.?)?|p\.?\s?u\.?(?:\s*h\.?t\.?)?|precio(?:\s*unitario)?"
        r"|prezzo(?:\s*unitario)?|price\s*/\s*unit|unit\s*price\s*\(\w+\)|valor\s*unitario"
        r"|e\.?p\.?|einzelpr\.?|netto-?ep",
    ),
    (
        "amount",
        r"amount|total|line\s*total|ext(?:ended|\.)?\s*(?:price|amount|total)?|extension"
        r"|net\s*amount|line\s*amount(?:\s*excl\.?\s*vat)?|bedrag|warto[śs][ćc](?:\s*\w+)?|betrag"
        r"|gesamt(?:preis|betrag)?|zeilenbetrag|positionsbetrag(?:\s*ohne\s*u?st\.?)?"
        r"|nettobetrag|nettowert|entgelt|montant(?:\s+h\.?t\.?|\s+ttc)?|total\s*h\.?t\.?"
        r"|prix\s*h\.?t\.?|importe|valor|prijs\s*incl\.?\s*btw|value|amount\s*\(\w+\)"
        r"|g\.?p\.?|gesamtpr\.?|netto-?gp",
    ),
    (
        "buyer_sku",
        r"cust(?:omer)?\.?\s*(?:part|item|sku)(?:\s*(?:no\.?|#))?|buyer\s*(?:part|item|sku)"
        r"|your\s*(?:part|item|ref)|art(?:ikel)?[-.\s]*nr[-.\s]*kunde|r[ée]f(?:[ée]rence)?\s*client",
    ),
    ("gtin", r"upc|gtin|ean(?:\s*code)?|barcode"),
    (
        "sku",
        r"sku|item\s*(?:no\.?|#|number|code|id)|part\s*(?:no\.?|#|number)?|product\s*(?:code|id"
        r"|no\.?|#)|article\s*(?:no\.?|#)|artikel[-.\s]*(?:nr\.?|nummer)|artikelnummer"
        r"|art\.?[-\s]*nr\.?(?:[-\s]*lief(?:\.|erant)?)?|code(?:\s*article)?|r[ée]f(?:\.|[ée]rence)?"
        r"|style|model|catalog(?:ue)?\s*(?:no\.?|#)?|material|vendor\s*part|our\s*part"
        r"|stock\s*(?:no\.?|#|code)|c[óo]digo|referencia",
    ),
    ("item", r"item|artikel|article|product|produkt|produit|art[íi]culo"),
    (
        "description",
        r"desc(?:ription)?\.?|item\s*description|product\s*(?:name|description)|name|title"
        r"|details|goods|omschrijving|nazwa(?:\s*towaru)?|bezeichnung|artikelbezeichnung"
        r"|artikelbeschreibung|beschreibung|leistung|d[ée]signation|libell[ée]|descripci[óo]n"
        r"|concepto|descrizione|commodity|nom(?:\s*&\s*d[ée]signation)?",
    ),
)
COLUMN_NAMES: tuple[tuple[ColumnKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"^(?:{pattern})$", re.IGNORECASE)) for kind, pattern in _NAMES
)
_NOISE = re.compile(r"\((?:[A-Z]{3}|[$€£])\)|[$€£]|^[#(]+(?=\w)|[\s.:*]+$")
_MAX_HEADER_ROWS_AROUND = 2


@dataclass(frozen=True)
class Column:
    """One column of a header: its kind and the character positions it spans."""

    kind: ColumnKind
    start: int
    end: int

    @property
    def center(self) -> float:
        """The column's middle."""
        return (self.start + self.end) / 2


@dataclass(frozen=True)
class Header:
    """A table's header: its columns left to right, and the delimiter its rows use."""

    columns: tuple[Column, ...]
    delimiter: str | None
    line: int
    """Index of the row that names the columns."""
    last_line: int
    """Index of the last header row (rows merged below it included)."""

    def kinds(self) -> set[ColumnKind]:
        """The kinds of column present."""
        return {c.kind for c in self.columns}

    @property
    def priced(self) -> bool:
        """Whether the table has a price or amount column."""
        return bool(self.kinds() & {"unit_price", "amount"})


def classify_column(text: str) -> ColumnKind | None:
    """The kind of column a header cell names, None when it names none."""
    name = _NOISE.sub("", text.strip()).strip()
    name = re.sub(r"\s+", " ", name)
    for kind, pattern in COLUMN_NAMES:
        if pattern.match(name):
            return kind
    return None


def delimiter_of(line: str) -> str | None:
    """The cell delimiter of a delimited row (box drawing, pipes, tabs, semicolons, commas)."""
    for candidate in ("│", "┃", "|", "\t", ";"):
        if line.count(candidate) >= 2:
            return candidate
    if (
        line.count(",") >= 2
        and not re.search(r"\S\s{2,}\S", line)
        and not re.search(r"\d,\d", line)
    ):
        return ","
    return None


def split_cells(line: str, delimiter: str | None) -> list[Cell]:
    """A row's cells: between delimiters, else between runs of two or more spaces."""
    if delimiter is None:
        return cells(line)
    result: list[Cell] = []
    position = 0
    for part in line.split(delimiter):
        if part.strip():
            offset = len(part) - len(part.lstrip())
            result.append(Cell(part.strip(), position + offset, position + len(part.rstrip())))
        position += len(part) + 1
    return result


def _columns(line: str, delimiter: str | None) -> list[Column]:
    columns: list[Column] = []
    for cell in split_cells(line, delimiter):
        kind = classify_column(cell.text)
        if kind is not None:
            columns.append(Column(kind, cell.start, cell.end))
            continue
        words = [(w, classify_column(w.group())) for w in re.finditer(r"\S+", cell.text)]
        if not any(kind for _, kind in words):
            columns.append(Column("other", cell.start, cell.end))
            continue
        for word, sub in words:
            start = cell.start + word.start()
            columns.append(Column(sub or "other", start, start + len(word.group())))
    return columns


def _is_header(columns: list[Column]) -> bool:
    kinds = [c.kind for c in columns if c.kind != "other"]
    return len(set(kinds)) >= 2 and bool(set(kinds) & NUMERIC_KINDS)


def _looks_like_data(line: str) -> bool:
    """A row with amounts or several numbers is data, not a header."""
    numbers = re.findall(r"(?<![\w.])\d[\d.,]*(?![\w])", line)
    return bool(re.search(r"\d[.,]\d{2}(?!\d)", line)) or len(numbers) >= 3


def find_header(lines: list[str], index: int) -> Header | None:
    """The header that line ``index`` starts, merged with the header rows around it."""
    line = lines[index]
    if _looks_like_data(line) or re.search(r"\d", re.sub(r"\([^)]*\)|\d+\s*%", "", line)):
        return None
    if _is_prose(line):
        return None
    delimiter = delimiter_of(line)
    columns = _columns(line, delimiter)
    if not _is_header(columns):
        return None
    last = index
    for step in (-1, 1):
        for offset in range(1, _MAX_HEADER_ROWS_AROUND + 1):
            neighbour = index + step * offset
            if not 0 <= neighbour < len(lines) or not _header_part(lines[neighbour], delimiter):
                break
            columns = _merge(columns, _columns(lines[neighbour], delimiter))
            if step > 0:
                last = neighbour
    return Header(_resolve(columns), delimiter, index, last)


def _header_part(text: str, delimiter: str | None) -> bool:
    """Whether a row next to a header continues it: no figures, short captions, at least one
    of them naming a column (or every one a word or two, as "Excl. VAT" or "(EUR)")."""
    if not text.strip() or re.search(r"\d", re.sub(r"\([^)]*\)|\d+\s*%", "", text)):
        return False
    parts = split_cells(text, delimiter)
    if any(len(part.text.split()) > 3 for part in parts):
        return False
    named = [c for c in _columns(text, delimiter) if c.kind != "other"]
    return bool(named) or (all(len(part.text.split()) <= 2 for part in parts) and len(parts) >= 2)


def _is_prose(line: str) -> bool:
    """A sentence, not a row of captions: many words, or a long run of words in one cell."""
    words = line.split()
    return len(words) > 16 or any(len(cell.text.split()) > 5 for cell in cells(line))


def _merge(columns: list[Column], extra: list[Column]) -> list[Column]:
    """Fold a neighbouring header row into the columns: a word under (or over) a column
    may name it ("Unit Price" / "Excl. VAT"); a word over no column adds one."""
    merged = list(columns)
    for cell in extra:
        overlapping = [
            (i, c)
            for i, c in enumerate(merged)
            if min(c.end, cell.end) - max(c.start, cell.start) >= 0
        ]
        if overlapping:
            for i, column in overlapping:
                if column.kind == "other" and cell.kind != "other":
                    merged[i] = Column(
                        cell.kind, min(column.start, cell.start), max(column.end, cell.end)
                    )
        elif cell.kind != "other" and cell.kind not in {c.kind for c in merged}:
            merged.append(cell)
    return sorted(merged, key=lambda c: c.start)


def _resolve(columns: list[Column]) -> tuple[Column, ...]:
    """An ``item`` column is the SKU when a description column exists, else the description;
    a table with an amount but no price reads its ``uom`` column as the price."""
    kinds = {c.kind for c in columns}
    resolved = [
        Column("sku" if "description" in kinds else "description", c.start, c.end)
        if c.kind == "item"
        else c
        for c in columns
    ]
    if "unit_price" not in kinds and "uom" in kinds and "amount" in kinds and "qty" not in kinds:
        resolved = [
            c if c.kind != "uom" else Column("unit_price", c.start, c.end) for c in resolved
        ]
    return tuple(resolved)


def nearest_column(header: Header, start: int, end: int) -> Column:
    """The column a cell spanning ``start``-``end`` sits under (most overlap, else nearest)."""

    def distance(column: Column) -> tuple[int, float]:
        overlap = min(end, column.end) - max(start, column.start)
        return (-overlap if overlap > 0 else 0, abs((start + end) / 2 - column.center))

    return min(header.columns, key=distance)


def is_rule(line: str) -> bool:
    """A ruling line: only dashes, equals, box-drawing characters or pipes."""
    stripped = line.strip()
    return bool(stripped) and bool(re.fullmatch(r"[-=_+|:─━┄┈┼┬┴├┤┌┐└┘│┃═╪╤╧\s]+", stripped))
