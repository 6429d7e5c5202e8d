"""Segments every EDIFACT message we read shares: BGM, DTM, RFF, NAD, CUX, TDT, the LIN
groups of the detail section and the MOA/CNT of the summary."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from exdesk.agents.document_extractor.edifact.codes import MESSAGE_FUNCTIONS, describe
from exdesk.agents.document_extractor.edifact.envelope import Message
from exdesk.agents.document_extractor.edifact.syntax import EdifactSegment, edifact_decimal
from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.values import money
from exdesk.domain import DocType, ExtractedFields, ExtractedLine, ExtractedParty

EDIFACT_FIELD_CONFIDENCE = 0.98
"""A value read from the data element the message defines for it."""
LINES_CONFIDENCE_WHEN_COUNTS_DISAGREE = 0.8

SELLER_ID_TYPES = ("SA", "MF", "VN", "VP")
"""Item number types (7143) that are the seller's number."""
BUYER_ID_TYPES = ("IN", "BP", "BO")
"""Item number types that are the buyer's number."""
GTIN_ID_TYPES = ("EN", "SRV", "UP", "GN")
"""Item number types that are a GTIN/EAN/UPC."""
SHIP_TO_PARTIES = ("DP", "ST", "UC")
"""NAD party qualifiers of the delivery party, most specific first."""
_DETAIL_START = frozenset({"LIN", "CPS"})
_SUMMARY_START = frozenset({"UNS", "CNT"})
_LINE_END = frozenset({"LIN", "CPS", "UNS", "CNT"})


@dataclass
class Sections:
    """A message cut into heading, line item groups and summary."""

    heading: list[EdifactSegment]
    items: list[list[EdifactSegment]]
    summary: list[EdifactSegment]
    detail: list[EdifactSegment] = field(default_factory=list)
    """Everything between heading and summary (packaging levels included)."""


def cut_sections(segments: Sequence[EdifactSegment]) -> Sections:
    """Heading up to the first LIN/CPS, one group per LIN, summary from UNS (or a final CNT)."""
    start = next((i for i, s in enumerate(segments) if s.tag in _DETAIL_START), len(segments))
    end = next(
        (i for i, s in enumerate(segments) if i >= start and s.tag in _SUMMARY_START),
        len(segments),
    )
    detail = list(segments[start:end])
    items: list[list[EdifactSegment]] = []
    current: list[EdifactSegment] | None = None
    for segment in detail:
        if segment.tag == "LIN":
            current = [segment]
            items.append(current)
        elif segment.tag in _LINE_END:
            current = None
        elif current is not None:
            current.append(segment)
    return Sections(
        heading=list(segments[:start]),
        items=items,
        summary=list(segments[end:]),
        detail=detail,
    )


def first(segments: Iterable[EdifactSegment], tag: str) -> EdifactSegment | None:
    """The first segment with the tag."""
    return next((s for s in segments if s.tag == tag), None)


def edifact_date(value: str, format_code: str = "102") -> date | None:
    """A DTM value in its format (102 CCYYMMDD, 203 CCYYMMDDHHMM, 204 …SS, 101 YYMMDD,
    718 a CCYYMMDD-CCYYMMDD range, read as its first day)."""
    digits = value.strip()
    try:
        if format_code in ("102", "203", "204", "718") and len(digits) >= 8:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        if format_code == "101" and len(digits) == 6:
            return date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
        if len(digits) == 8 and digits.isdigit():
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return None


def dates(segments: Iterable[EdifactSegment]) -> dict[str, date]:
    """DTM qualifier (2005) → its date; the first of each qualifier wins."""
    found: dict[str, date] = {}
    for segment in segments:
        if segment.tag == "DTM":
            value = edifact_date(segment.component(1, 2), segment.component(1, 3) or "102")
            if value is not None:
                found.setdefault(segment.component(1, 1), value)
    return found


def references(segments: Iterable[EdifactSegment]) -> dict[str, str]:
    """RFF qualifier (1153) → its first reference number."""
    found: dict[str, str] = {}
    for segment in segments:
        if segment.tag == "RFF" and segment.component(1, 2):
            found.setdefault(segment.component(1, 1).upper(), segment.component(1, 2))
    return found


def parties(segments: Iterable[EdifactSegment]) -> list[ExtractedParty]:
    """Every NAD: party code, ID and its agency, name, street, city, postcode, country."""
    found: list[ExtractedParty] = []
    for segment in segments:
        if segment.tag != "NAD":
            continue
        name = " ".join(part for part in segment.components(4) if part)
        name = name or " ".join(part for part in segment.components(3) if part)
        street = ", ".join(part for part in segment.components(5) if part)
        found.append(
            ExtractedParty(
                code=segment.component(1) or None,
                id=segment.component(2, 1) or None,
                id_qualifier=segment.component(2, 3) or None,
                name=name or None,
                address=street or None,
                city=segment.component(6) or None,
                state=segment.component(7, 1) or None,
                postal_code=segment.component(8) or None,
                country=segment.component(9) or None,
            )
        )
    return found


def read_parties(result: Interpretation, segments: Iterable[EdifactSegment]) -> None:
    """The parties into the details, and the delivery party's name as the ship-to."""
    found = parties(segments)
    if not found:
        return
    result.fields.extra.parties = found
    by_code = {party.code: party for party in reversed(found)}
    for code in SHIP_TO_PARTIES:
        party = by_code.get(code)
        if party is not None and party.name:
            result.fields.ship_to_name = party.name
            break


def currency(segments: Iterable[EdifactSegment]) -> str | None:
    """CUX's reference currency (C504, usage 2 or the first one given)."""
    segment = first(segments, "CUX")
    if segment is None:
        return None
    code = segment.component(1, 2).upper()
    return code if len(code) == 3 and code.isalpha() else None


def amounts(segments: Iterable[EdifactSegment]) -> dict[str, Decimal]:
    """MOA qualifier (5025) → its amount; the first of each qualifier wins."""
    found: dict[str, Decimal] = {}
    for segment in segments:
        if segment.tag == "MOA":
            value = edifact_decimal(segment.component(1, 2))
            if value is not None:
                found.setdefault(segment.component(1, 1), value)
    return found


def read_carrier(result: Interpretation, segments: Iterable[EdifactSegment]) -> None:
    """TDT's carrier (C040: its ID, else its name)."""
    segment = first(segments, "TDT")
    if segment is None:
        return
    carrier = segment.component(5, 4) or segment.component(5, 1)
    if carrier:
        result.fields.carrier = carrier


@dataclass
class ItemNumbers:
    """The item numbers of one line (LIN and PIA), by type (7143)."""

    pairs: list[tuple[str, str]] = field(default_factory=list)

    def add(self, number: str, kind: str) -> None:
        if number:
            self.pairs.append((kind.upper() or "ZZ", number))

    def first(self, kinds: Iterable[str]) -> str | None:
        found = dict(reversed(self.pairs))
        return next((found[kind] for kind in kinds if kind in found), None)

    def as_dict(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for kind, number in self.pairs:
            result.setdefault(kind, number)
        return result

    def values(self) -> list[str]:
        return [number for _, number in self.pairs]


def item_numbers(group: Sequence[EdifactSegment]) -> ItemNumbers:
    """LIN's item number and every PIA number of the line."""
    numbers = ItemNumbers()
    lin = group[0]
    numbers.add(lin.component(3, 1), lin.component(3, 2))
    for segment in group[1:]:
        if segment.tag == "PIA":
            for element in range(2, 7):
                numbers.add(segment.component(element, 1), segment.component(element, 2))
    return numbers


def quantity(group: Sequence[EdifactSegment], qualifier: str) -> float | None:
    """The first QTY of the qualifier (6063) in a line group."""
    for segment in group:
        if segment.tag == "QTY" and segment.component(1, 1) == qualifier:
            value = edifact_decimal(segment.component(1, 2))
            if value is not None:
                return float(value)
    return None


def read_line(
    group: Sequence[EdifactSegment], sequence: int, quantity_qualifiers: Sequence[str]
) -> tuple[ExtractedLine, ItemNumbers]:
    """One LIN group: numbers, description (IMD), the first quantity (QTY) of the given
    qualifiers, price (PRI) and line amount (MOA 203)."""
    lin = group[0]
    numbers = item_numbers(group)
    quantities: dict[str, tuple[float, str]] = {}
    price: Decimal | None = None
    line_amount: Decimal | None = None
    descriptions: list[str] = []
    for segment in group[1:]:
        if segment.tag == "QTY":
            value = edifact_decimal(segment.component(1, 2))
            if value is not None:
                quantities.setdefault(
                    segment.component(1, 1), (float(value), segment.component(1, 3))
                )
        elif segment.tag == "PRI" and price is None:
            price = edifact_decimal(segment.component(1, 2))
        elif segment.tag == "MOA" and segment.component(1, 1) == "203":
            line_amount = edifact_decimal(segment.component(1, 2))
        elif segment.tag == "IMD":
            text = " ".join(part for part in segment.components(3)[3:5] if part)
            if text:
                descriptions.append(text)
    qty, uom = next((quantities[q] for q in quantity_qualifiers if q in quantities), (None, ""))
    if line_amount is None and price is not None and qty is not None:
        line_amount = price * Decimal(str(qty))
    line_no = lin.component(1)
    line = ExtractedLine(
        line_no=int(line_no) if line_no.isdigit() else sequence,
        sku=numbers.first(SELLER_ID_TYPES) or numbers.first(GTIN_ID_TYPES),
        buyer_sku=numbers.first(BUYER_ID_TYPES),
        description=" ".join(descriptions) or None,
        qty=qty,
        uom=uom or None,
        unit_price=money(price),
        amount=money(line_amount),
    )
    return line, numbers


def record_line_numbers(result: Interpretation, numbers: Sequence[ItemNumbers]) -> None:
    """Each line's item numbers: all of them for SKU resolution, by type in the details."""
    result.line_ids = [n.values() for n in numbers]
    if numbers:
        result.fields.extra.line_ids = [n.as_dict() for n in numbers]


def check_line_count(result: Interpretation, summary: Iterable[EdifactSegment]) -> bool:
    """CNT 2 (number of line items) against the lines read; False when they disagree."""
    for segment in summary:
        if segment.tag == "CNT" and segment.component(1, 1) == "2":
            declared = edifact_decimal(segment.component(1, 2))
            if declared is not None and int(declared) != len(result.fields.lines):
                result.warnings.append(
                    f"CNT declares {int(declared)} line items, found {len(result.fields.lines)}"
                )
                return False
    return True


def set_field_confidence(result: Interpretation, counts_agree: bool) -> None:
    """Every field read from its defined element, and the lines (lower when CNT disagrees)."""
    fields = result.fields
    for name in (
        "po_number",
        "invoice_number",
        "shipment_id",
        "document_date",
        "ship_date",
        "currency",
        "ship_to_name",
        "carrier",
        "tracking_number",
        "bill_of_lading_number",
        "total_amount",
        "total_qty",
    ):
        if getattr(fields, name) is not None:
            result.confidence[name] = EDIFACT_FIELD_CONFIDENCE
    if fields.lines:
        result.confidence["lines"] = (
            EDIFACT_FIELD_CONFIDENCE if counts_agree else LINES_CONFIDENCE_WHEN_COUNTS_DISAGREE
        )


def total_quantity(lines: Sequence[ExtractedLine]) -> float | None:
    """The sum of the line quantities, when every line states one."""
    if not lines or any(line.qty is None for line in lines):
        return None
    return sum(line.qty for line in lines if line.qty is not None)


def free_text(segments: Iterable[EdifactSegment]) -> list[str]:
    """FTX texts a person wrote into the message (scanned for instructions)."""
    return [
        " ".join(part for part in s.components(4) if part)
        for s in segments
        if s.tag == "FTX" and s.components(4)
    ]


def read_heading(message: Message, doc_type: DocType) -> tuple[Interpretation, Sections]:
    """The reading of a message with what every business message states the same way:
    BGM function, document date (DTM 137), currency, parties, references, carrier."""
    result = Interpretation(
        doc_type=doc_type,
        format="edifact",
        fields=ExtractedFields(),
        transaction_set=message.message_type,
    )
    sections = cut_sections(message.segments)
    fields = result.fields
    bgm = first(sections.heading, "BGM")
    if bgm is None:
        result.warnings.append(f"{message.message_type} has no BGM segment: no document number")
    elif bgm.component(3):
        function = bgm.component(3)
        fields.extra.message_function = function
        fields.extra.message_function_description = describe(MESSAGE_FUNCTIONS, function)
    fields.document_date = dates(sections.heading).get("137")
    fields.currency = currency(sections.heading)
    read_parties(result, sections.heading)
    fields.extra.references = references(sections.heading) or None
    read_carrier(result, sections.heading)
    return result, sections


def document_number(sections: Sections) -> str | None:
    """BGM 1004, the message's document number."""
    bgm = first(sections.heading, "BGM")
    return (bgm.component(2, 1) or None) if bgm is not None else None
