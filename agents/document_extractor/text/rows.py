"""One row of a line-item table: which number is the quantity, the unit price and the amount.

Numbers are told apart first by arithmetic — quantity × price = amount (after a discount
percentage printed on the row, a credit note's minus sign aside) holds whatever the column
order — then by the header column each number sits under. A row whose numbers do not add
up is only taken when the header places a quantity in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import permutations

from exdesk.agents.document_extractor.text.amounts import ISO_CURRENCIES, parse_number
from exdesk.agents.document_extractor.text.columns import Header, nearest_column, split_cells
from exdesk.agents.document_extractor.text.dates import find_dates

_CURRENCY = rf"(?:{'|'.join(sorted(ISO_CURRENCIES))}|[$€£¥₹]|Rs\.?|zł)"
_NUMBER_TOKEN = re.compile(
    rf"^\(?(?P<pre>{_CURRENCY})?\s?(?P<sign>[-−–+])?\s?(?P<pre2>{_CURRENCY})?\s?"
    r"(?P<num>\d[\d.,'\u00a0\u202f]*|[.,]\d+)"
    rf"\s?(?P<post>{_CURRENCY}|%)?\)?(?P<tail>[-−])?$"
)
_UNIT = re.compile(
    r"^(?:pcs?|pce|pieces?|stk|st[üu]ck|st|ea|each|units?|unit\(s\)|h87|c62|xct|kgm?|g|l|ltr"
    r"|lit(?:er|re)s?|liter\(s\)|m|m²|m2|m³|m3|cm|mm|ft|lbs?|box(?:es)?|ctns?|cs|cases?|pal"
    r"|pallets?|pk|pack|sets?|prs?|pairs?|hrs?|h|std|stunden?|hours?|days?|tage?|months?"
    r"|sessions?|projects?|rolls?|bags?|kits?|dz|doz)\.?$",
    re.IGNORECASE,
)
_OCR_DIGIT = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "S": "5"})
_OCR_NUMBER = re.compile(r"^[\dOoIlS][\dOoIlS.,]*[\dOoIlS]$|^\d$")
_IDENTIFIER_DIGITS = 8
"""An integer this long without separators is an identifier (GTIN, GLN), not a value."""


@dataclass(frozen=True)
class Number:
    """A number on a row, where it stands, and how it is written."""

    value: Decimal
    start: int
    end: int
    percent: bool = False
    money: bool = False
    """Written with a currency or two decimals."""
    unit: str | None = None
    """A unit of measure written right after it (``20 Stk``, ``3 Piece``)."""
    cell: int = 0
    """Index of the cell it stands in."""

    @property
    def integral(self) -> bool:
        """Whether it is a whole number."""
        return self.value == self.value.to_integral_value()


@dataclass
class Row:
    """What one printed row says, before it becomes a line item."""

    numbers: list[Number] = field(default_factory=list)
    texts: list[tuple[str, int, int]] = field(default_factory=list)
    """Text cells with their start and end positions."""
    text_cells: list[int] = field(default_factory=list)
    """The cell index of each text, parallel to ``texts``."""
    cell_count: int = 0


@dataclass
class Roles:
    """The numbers of a row given their meaning."""

    qty: Number | None = None
    unit_price: Number | None = None
    amount: Number | None = None
    line_no: Number | None = None
    ordered: Number | None = None
    backordered: Number | None = None
    arithmetic: bool = False


def _number(token: str, start: int, cell: int, decimal_comma: bool | None) -> Number | None:
    text = token.strip()
    if _OCR_NUMBER.match(text) and re.search(r"\d", text) and not text.isdigit():
        text = text.translate(_OCR_DIGIT)
    match = _NUMBER_TOKEN.match(text)
    if match is None:
        return None
    digits = match.group("num")
    if re.fullmatch(r"\d+", digits) and len(digits) >= _IDENTIFIER_DIGITS:
        return None
    value = parse_number(digits, decimal_comma)
    if value is None:
        return None
    if match.group("sign") in ("-", "−", "–") or match.group("tail") or token.startswith("("):
        value = -value
    currency = (
        match.group("pre")
        or match.group("pre2")
        or (match.group("post") if match.group("post") != "%" else None)
    )
    return Number(
        value=value,
        start=start,
        end=start + len(token),
        percent=match.group("post") == "%",
        money=bool(currency) or bool(re.search(r"[.,]\d{2,4}$", digits)),
        cell=cell,
    )


def read_row(line: str, delimiter: str | None, decimal_comma: bool | None) -> Row:
    """The numbers and the text of a row; dates, identifiers and numbers inside words are
    text. Leading and trailing numbers of a text cell are split off it."""
    row = Row()
    masked = list(line)
    for found in find_dates(line):
        for position in range(found.start, found.end):
            masked[position] = "\x00"
    found_cells = split_cells("".join(masked), delimiter)
    row.cell_count = len(found_cells)
    for index, cell in enumerate(found_cells):
        tokens = [(m.group(), cell.start + m.start()) for m in re.finditer(r"\S+", cell.text)]
        numbers: list[Number | None] = [
            _number(token, start, index, decimal_comma) if "\x00" not in token else None
            for token, start in tokens
        ]
        first = 0
        while first < len(tokens) and numbers[first] is not None:
            first += 1
        if 0 < first < len(tokens) and tokens[first][0] in ("-", "–", "·"):
            first -= 1  # "12345 - Toller Artikel": an item code run into its name
        last = len(tokens)
        while last > first and numbers[last - 1] is not None:
            last -= 1
        text_tokens = tokens[first:last]
        for position in [*range(first), *range(last, len(tokens))]:
            number = numbers[position]
            if number is not None:
                row.numbers.append(number)
        if text_tokens:
            start = text_tokens[0][1]
            end = text_tokens[-1][1] + len(text_tokens[-1][0])
            words = line[start:end]
            if _UNIT.match(words.replace(" ", "")) and row.numbers and row.numbers[-1].end <= start:
                previous = row.numbers[-1]
                row.numbers[-1] = replace(previous, unit=words.strip())
            elif "\x00" not in words:
                row.texts.append((words.strip(), start, end))
                row.text_cells.append(index)
    row.numbers.sort(key=lambda n: n.start)
    return row


def column_kind(header: Header, row: Row, start: int, end: int, cell: int) -> str:
    """The kind of the header column a value stands under: by cell index in a delimited
    table whose rows have as many cells as the header, else by position."""
    if header.delimiter is not None and row.cell_count == len(header.columns):
        return header.columns[cell].kind
    return nearest_column(header, start, end).kind


def _holds(qty: Number, price: Number, amount: Number, discounts: list[Number]) -> bool:
    total = abs(qty.value * price.value)
    target = abs(amount.value)
    tolerance = max(Decimal("0.011"), abs(qty.value) * Decimal("0.005"))
    if abs(total - target) <= tolerance:
        return True
    for discount in discounts:
        if abs(total * (1 - discount.value / 100) - target) <= tolerance:
            return True
    return False


def _order_agreement(header: Header | None, qty: Number, price: Number) -> float:
    """How well the quantity-before-price order of a reading matches the header's column
    order (printed positions drift; the order of the columns does not)."""
    kinds = [c.kind for c in header.columns] if header is not None else []
    if "qty" in kinds and "unit_price" in kinds:
        header_qty_first = kinds.index("qty") < kinds.index("unit_price")
        return 0.8 if (qty.start < price.start) == header_qty_first else 0.0
    return 0.2 if qty.start < price.start else 0.0


MAX_ARITHMETIC_NUMBERS = 8
"""How many of a row's numbers are tried as quantity × price = amount (every ordered triple):
a real row has fewer; a row of hundreds of numbers must not cost millions of tries."""


def assign_roles(row: Row, header: Header | None) -> Roles:
    """The row's quantity, price and amount: the arithmetic reading that agrees best with
    the header, else the numbers under the header's quantity/price/amount columns."""
    values = [n for n in row.numbers if not n.percent][:MAX_ARITHMETIC_NUMBERS]
    discounts = [n for n in row.numbers if n.percent and 0 < n.value < 100]
    column_of = (
        {id(n): column_kind(header, row, n.start, n.end, n.cell) for n in row.numbers}
        if header is not None
        else {}
    )
    best: tuple[float, Roles] | None = None
    if header is not None and header.kinds() & {"ordered", "backordered"} and not header.priced:
        values = []  # shipped × back-ordered = ordered is a coincidence, not a price
    for qty, price, amount in permutations(values, 3):
        if not _holds(qty, price, amount, discounts):
            continue
        if header is not None and not header.priced and not (price.money and amount.money):
            continue  # a table without price columns: only figures written as money
        score = 0.0
        score += 1.0 if column_of.get(id(qty)) in ("qty", "ordered") else 0.0
        score += 1.0 if column_of.get(id(price)) == "unit_price" else 0.0
        score += 1.0 if column_of.get(id(amount)) == "amount" else 0.0
        score += 0.5 if amount.start > max(qty.start, price.start) else 0.0
        score += 0.3 if qty.integral else 0.0
        score += 0.6 if qty.unit and not price.unit else 0.0
        score += 0.3 if price.money and not qty.money else 0.0
        score += _order_agreement(header, qty, price)
        score -= 1.0 if column_of.get(id(qty)) == "line_no" else 0.0
        if best is None or score > best[0]:
            best = (score, Roles(qty=qty, unit_price=price, amount=amount, arithmetic=True))
    roles = best[1] if best is not None else Roles()
    used = {id(n) for n in (roles.qty, roles.unit_price, roles.amount) if n is not None}
    for number in row.numbers:
        if id(number) in used or number.percent:
            continue
        kind = column_of.get(id(number))
        if kind == "line_no" and roles.line_no is None and number.integral:
            roles.line_no = number
        elif (kind in ("ordered", "backordered") and getattr(roles, kind) is None) or (
            not roles.arithmetic
            and kind in ("qty", "unit_price", "amount")
            and getattr(roles, kind) is None
        ):
            setattr(roles, kind, number)
    if not roles.arithmetic:
        _fill_by_form(roles, row, used)
    if roles.line_no is None and row.numbers:
        first = row.numbers[0]
        leading = not row.texts or first.start < row.texts[0][1]
        if (
            leading
            and id(first) not in used
            and first.integral
            and 0 < first.value < 1000
            and not first.money
            and first.unit is None
        ):
            roles.line_no = first
    return roles


def _fill_by_form(roles: Roles, row: Row, used: set[int]) -> None:
    """When the columns do not place them: a number written with a unit is the quantity,
    and the last amount written as money after it is the line amount."""
    taken = used | {id(n) for n in (roles.qty, roles.unit_price, roles.amount) if n is not None}
    free = [n for n in row.numbers if id(n) not in taken and not n.percent]
    if roles.qty is None:
        roles.qty = next((n for n in free if n.unit is not None), None)
    if roles.amount is None and roles.qty is not None:
        after = [n for n in free if n.start > roles.qty.start and n.money and n is not roles.qty]
        roles.amount = after[-1] if after else None
