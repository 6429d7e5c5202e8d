"""Helpers every transaction interpreter shares: values, dates, parties, product IDs, carriers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.values import money, same_quantity
from exdesk.agents.document_extractor.x12.codes import (
    BUYER_ID_QUALIFIERS,
    DESCRIPTION_QUALIFIERS,
    GTIN_QUALIFIERS,
    VENDOR_ID_QUALIFIERS,
)
from exdesk.agents.document_extractor.x12.envelope import TransactionSet
from exdesk.agents.document_extractor.x12.segments import Segment
from exdesk.domain import ExtractedLine, ExtractedParty

X12_FIELD_CONFIDENCE = 0.98
"""A value read from the element the standard defines for it."""
HEADER_FIELDS = ("po_number", "document_date", "ship_date", "currency", "ship_to_name")
"""The heading fields an 850 and an 855 share."""
_LINES_CONFIDENCE_WHEN_COUNTS_DISAGREE = 0.8
_HASH_TOTAL_TOLERANCE = 1e-6
"""CTT02 adds up every quantity of the set, so float error grows with the line count."""


def decimal_value(value: str) -> Decimal | None:
    """An X12 'R' (explicit decimal) value, or None when empty or not a number."""
    text = value.strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def implied_decimal(value: str, places: int = 2) -> Decimal | None:
    """An X12 'N2' value (implied decimal places), e.g. TDS01 ``1234579`` → ``12345.79``."""
    text = value.strip()
    if not text.lstrip("-").isdigit():
        return decimal_value(text) if "." in text else None
    return Decimal(text).scaleb(-places)


def quantity(value: str) -> float | None:
    """A quantity element as a float."""
    number = decimal_value(value)
    return float(number) if number is not None else None


def x12_date(value: str) -> date | None:
    """CCYYMMDD or YYMMDD as a date; None when absent or impossible."""
    text = value.strip()
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 6 and text.isdigit():
            year = int(text[:2])
            return date(2000 + year if year < 50 else 1900 + year, int(text[2:4]), int(text[4:]))
    except ValueError:
        return None
    return None


def line_number(value: str, fallback: int) -> int:
    """An assigned line number (PO101/IT101/LIN01) when numeric, else the line's sequence."""
    text = value.strip()
    return int(text) if text.isdigit() and len(text) < 9 else fallback


@dataclass
class ProductIds:
    """The product identifiers of one line item, by qualifier."""

    pairs: list[tuple[str, str]] = field(default_factory=list)

    def first(self, qualifiers: Iterable[str]) -> str | None:
        """The first ID under the best-ranked qualifier present."""
        found = dict(reversed(self.pairs))
        for qualifier in qualifiers:
            if qualifier in found:
                return found[qualifier]
        return None

    def values(self) -> list[str]:
        """All identifiers, description pseudo-IDs excluded."""
        return [v for q, v in self.pairs if q not in DESCRIPTION_QUALIFIERS]

    def as_dict(self) -> dict[str, str]:
        """Qualifier → ID (first occurrence wins), as ``ExtractedDetails.line_ids`` holds it."""
        result: dict[str, str] = {}
        for qualifier, value in self.pairs:
            result.setdefault(qualifier, value)
        return result

    def sku_and_buyer_sku(self) -> tuple[str | None, str | None]:
        """Our SKU (the seller's item number, else the GTIN) and the buyer's item number.

        ``SK`` counts as the seller's SKU only when no vendor number is present, and as the
        buyer's otherwise.
        """
        vendor = self.first(q for q in VENDOR_ID_QUALIFIERS if q != "SK")
        buyer = self.first(q for q in BUYER_ID_QUALIFIERS if q != "SK")
        stock = self.first(["SK"])
        if vendor is None and stock is not None:
            vendor = stock
        elif buyer is None and stock is not None:
            buyer = stock
        if vendor is None:
            vendor = self.first(GTIN_QUALIFIERS)
        return vendor, buyer

    def description(self) -> str | None:
        """A description passed as a pseudo-ID (qualifier PD)."""
        return self.first(DESCRIPTION_QUALIFIERS)


def product_ids(segment: Segment, first_qualifier: int) -> ProductIds:
    """The qualifier/ID pairs of a line segment starting at element ``first_qualifier``."""
    ids = ProductIds()
    number = first_qualifier
    while number < len(segment.elements):
        qualifier, value = segment.element(number).upper(), segment.element(number + 1)
        if qualifier and value:
            ids.pairs.append((qualifier, value))
        number += 2
    return ids


def parties(segments: Sequence[Segment]) -> list[ExtractedParty]:
    """Every N1 loop among the segments, with its N2/N3/N4 (empty elements left out)."""
    found: list[ExtractedParty] = []
    current: ExtractedParty | None = None
    for segment in segments:
        if segment.tag == "N1":
            current = ExtractedParty(
                code=segment.element(1) or None,
                name=segment.element(2) or None,
                id_qualifier=segment.element(3) or None,
                id=segment.element(4) or None,
            )
            found.append(current)
        elif current is not None and segment.tag == "N2":
            current.name = _joined(" ", current.name, segment.element(1))
        elif current is not None and segment.tag == "N3":
            current.address = _joined(", ", current.address, segment.element(1), segment.element(2))
        elif current is not None and segment.tag == "N4":
            current.city = segment.element(1) or None
            current.state = segment.element(2) or None
            current.postal_code = segment.element(3) or None
            current.country = segment.element(4) or None
        elif segment.tag not in ("PER", "REF"):
            current = None
    return found


def _joined(separator: str, *parts: str | None) -> str | None:
    return separator.join(part for part in parts if part) or None


def read_parties(result: Interpretation, segments: Sequence[Segment]) -> None:
    """The N1 loops into the details, and the ship-to name they give."""
    found = parties(segments)
    result.fields.extra.parties = found
    result.fields.ship_to_name = ship_to_name(found)


def ship_to_name(found: Sequence[ExtractedParty]) -> str | None:
    """The ship-to party's name (or its ID when it has no name)."""
    for code in ("ST", "SN", "OB", "BY"):
        for party in found:
            if party.code == code and (party.name or party.id):
                return party.name or party.id
    return None


def references(segments: Iterable[Segment]) -> dict[str, str]:
    """REF qualifier → first value."""
    result: dict[str, str] = {}
    for segment in segments:
        if segment.tag == "REF" and segment.element(1):
            value = segment.element(2) or segment.element(3)
            if value:
                result.setdefault(segment.element(1).upper(), value)
    return result


def dates(segments: Iterable[Segment]) -> dict[str, date]:
    """DTM qualifier → first date."""
    result: dict[str, date] = {}
    for segment in segments:
        if segment.tag == "DTM":
            parsed = x12_date(segment.element(2))
            if parsed is not None:
                result.setdefault(segment.element(1), parsed)
    return result


def read_carrier(result: Interpretation, td5: Segment | None) -> None:
    """The carrier a TD5 names, with the confidence the element it came from deserves."""
    if td5 is None:
        return
    carrier, confidence = carrier_from_td5(td5)
    result.fields.carrier = carrier
    if carrier is not None:
        result.confidence["carrier"] = confidence


def carrier_from_td5(segment: Segment) -> tuple[str | None, float]:
    """The carrier a TD5 names: the SCAC (TD502 = 2) first, else the routing text."""
    code, identifier, routing = segment.element(2), segment.element(3), segment.element(5)
    if identifier and code == "2":
        return identifier, X12_FIELD_CONFIDENCE
    if routing:
        return routing, 0.85
    if identifier:
        return identifier, 0.7
    return None, 0.0


def first_segment(segments: Iterable[Segment], tag: str) -> Segment | None:
    """The first segment with the tag."""
    return next((s for s in segments if s.tag == tag), None)


def currency_code(segments: Iterable[Segment]) -> str | None:
    """The CUR02 currency when it is an ISO 4217 code."""
    cur = first_segment(segments, "CUR")
    code = cur.element(2).upper() if cur is not None else ""
    return code if len(code) == 3 and code.isalpha() else None


def free_text(transaction: TransactionSet) -> list[str]:
    """Values of the segments where people type prose (descriptions, messages, notes)."""
    prose_tags = {"PID", "MSG", "NTE", "N9", "REF", "PER", "TD5", "ITD", "SAC", "CAD"}
    return [s.text() for s in transaction.body() if s.tag in prose_tags]


def item_description(segments: Iterable[Segment]) -> str | None:
    """The item's description: a PID for the product itself first, else any PID text."""
    texts: list[tuple[bool, str]] = []
    for segment in segments:
        if segment.tag == "PID" and segment.element(5):
            general = segment.element(2) in ("", "08", "GEN")
            texts.append((general, segment.element(5)))
    for general, text in texts:
        if general:
            return text
    return texts[0][1] if texts else None


@dataclass
class Loops:
    """A transaction set cut into its heading, its line-item loops and its summary."""

    heading: list[Segment]
    items: list[list[Segment]]
    summary: list[Segment]


def cut_loops(body: Sequence[Segment], item_tag: str, summary_tags: Iterable[str]) -> Loops:
    """Cut the body at each ``item_tag`` segment; the summary starts at the first summary tag."""
    ends = set(summary_tags)
    loops = Loops(heading=[], items=[], summary=[])
    for segment in body:
        if loops.summary or (segment.tag in ends and loops.items):
            loops.summary.append(segment)
        elif segment.tag == item_tag:
            loops.items.append([segment])
        elif loops.items:
            loops.items[-1].append(segment)
        else:
            loops.heading.append(segment)
    return loops


def check_line_count(
    result: Interpretation, ctt: Segment | None, set_id: str, lines: Sequence[ExtractedLine]
) -> bool:
    """Compare CTT01 (line count) and CTT02 (hash of quantities) with the lines read."""
    if ctt is None:
        return True
    agree = True
    declared = quantity(ctt.element(1))
    if declared is not None and int(declared) != len(lines):
        agree = False
        result.warnings.append(
            f"CTT01 declares {int(declared)} line items, the {set_id} has {len(lines)}"
        )
    hash_warning = hash_total_warning(ctt, total_quantity(lines), "the sum of quantities")
    if hash_warning is not None:
        agree = False
        result.warnings.append(hash_warning)
    return agree


def hash_total_warning(ctt: Segment, total: float | None, what: str) -> str | None:
    """A warning when CTT02, the hash total of the quantities, is not their sum."""
    hash_total = quantity(ctt.element(2))
    if hash_total is None or total is None:
        return None
    if same_quantity(hash_total, total, tolerance=_HASH_TOTAL_TOLERANCE):
        return None
    return f"CTT02 hash total {hash_total:g} does not equal {what} {total:g}"


def total_quantity(lines: Sequence[ExtractedLine]) -> float | None:
    """The sum of the lines' quantities, None when no line states one."""
    quantities = [line.qty for line in lines if line.qty is not None]
    return sum(quantities) if quantities else None


_CTP_PRICE_CLASSES = ("UCP", "NET", "CON", "CT", "PRP", "LPR", "CHG")
"""CTP02 price identifiers of the price a buyer pays, preferred in this order (unit cost,
net, contract, contract price, promotional, list, charge); a retail price (``RES``,
``MSR``) is the shelf price, not the order's."""


def pricing_price(loop: Sequence[Segment]) -> Decimal | None:
    """The unit price of a line's CTP segments, when its PO104/IT104 is empty."""
    prices: dict[str, Decimal] = {}
    for segment in loop:
        if segment.tag == "CTP":
            value = decimal_value(segment.element(3))
            if value is not None:
                prices.setdefault(segment.element(2).upper(), value)
    for price_class in _CTP_PRICE_CLASSES:
        if price_class in prices:
            return prices[price_class]
    return prices.get("")


def read_line_item(
    po1: Segment, loop: list[Segment], sequence: int
) -> tuple[ExtractedLine, ProductIds]:
    """One PO1 (850/855) or IT1 (810) loop as a line, plus every identifier it carries.

    Both segments share the layout: 01 line number, 02 quantity, 03 unit, 04 unit price,
    06 onwards qualifier/id pairs."""
    ids = product_ids(po1, 6)
    sku, buyer_sku = ids.sku_and_buyer_sku()
    qty = quantity(po1.element(2))
    price = decimal_value(po1.element(4))
    if price is None:
        price = pricing_price(loop)
    amount = price * Decimal(str(qty)) if price is not None and qty is not None else None
    line = ExtractedLine(
        line_no=line_number(po1.element(1), sequence),
        sku=sku,
        buyer_sku=buyer_sku,
        description=item_description(loop) or ids.description(),
        qty=qty,
        uom=po1.element(3) or None,
        unit_price=money(price),
        amount=money(amount),
    )
    return line, ids


def record_line_ids(result: Interpretation, ids: Sequence[ProductIds]) -> None:
    """Each line's identifiers: all of them for SKU resolution, by qualifier in the details."""
    result.line_ids = [line_ids.values() for line_ids in ids]
    result.fields.extra.line_ids = [line_ids.as_dict() for line_ids in ids]


def set_field_confidence(result: Interpretation, names: Iterable[str], counts_agree: bool) -> None:
    """Confidence of the named fields that were read (each from the element the standard
    defines for it) and of the lines, lower when the CTT counts disagree with them."""
    fields = result.fields
    for name in names:
        if getattr(fields, name) is not None:
            result.confidence[name] = X12_FIELD_CONFIDENCE
    if fields.lines:
        result.confidence["lines"] = (
            X12_FIELD_CONFIDENCE if counts_agree else _LINES_CONFIDENCE_WHEN_COUNTS_DISAGREE
        )
