"""An X12 or EDIFACT document as a table of segments, each with what it is, for reading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SEGMENT_NAMES: Final[dict[str, str]] = {
    # X12
    "ISA": "Interchange header",
    "IEA": "Interchange trailer",
    "GS": "Functional group header",
    "GE": "Functional group trailer",
    "ST": "Transaction set header",
    "SE": "Transaction set trailer",
    "BEG": "Purchase order start",
    "BAK": "Order acknowledgment start",
    "BSN": "Ship notice start",
    "BIG": "Invoice start",
    "REF": "Reference",
    "DTM": "Date/time",
    "N1": "Party name",
    "N3": "Party address",
    "N4": "City, state, postal code",
    "PO1": "Order line",
    "ACK": "Line acknowledgment",
    "IT1": "Invoice line",
    "LIN": "Item identification",
    "SN1": "Shipped quantity",
    "HL": "Hierarchy level",
    "TD1": "Carrier packaging",
    "TD5": "Carrier routing",
    "CTT": "Transaction totals",
    "TDS": "Invoice total",
    "AK1": "Group acknowledged",
    "AK2": "Transaction acknowledged",
    "AK3": "Segment in error",
    "AK4": "Element in error",
    "AK5": "Transaction accepted or rejected",
    "IK5": "Transaction accepted or rejected",
    "AK9": "Group accepted or rejected",
    "AT7": "Shipment status",
    "B10": "Shipment status reference",
    # EDIFACT
    "UNA": "Service characters",
    "UNB": "Interchange header",
    "UNZ": "Interchange trailer",
    "UNG": "Group header",
    "UNE": "Group trailer",
    "UNH": "Message header",
    "UNT": "Message trailer",
    "BGM": "Beginning of message",
    "NAD": "Name and address",
    "RFF": "Reference",
    "QTY": "Quantity",
    "PRI": "Price",
    "MOA": "Monetary amount",
    "IMD": "Item description",
    "CPS": "Consignment packing sequence",
    "UCI": "Interchange response",
    "UCM": "Message response",
    "ERC": "Application error",
}


@dataclass(frozen=True)
class Segment:
    """One segment: its tag, what it is, its elements."""

    tag: str
    meaning: str
    elements: list[str]


def x12_segments(content: str) -> list[Segment]:
    """An X12 interchange's segments (the separators as its ISA header defines them)."""
    text = content.strip()
    if not text.startswith("ISA") or len(text) < 106:
        return _split(text, "~", "*")
    element, terminator = text[3], text[105]
    return _split(text, terminator, element)


def edifact_segments(content: str) -> list[Segment]:
    """An EDIFACT interchange's segments (UNA service characters when present)."""
    text = content.strip()
    element, terminator = "+", "'"
    if text.startswith("UNA") and len(text) >= 9:
        element, terminator = text[4], text[8]
        text = text[9:]
    return _split(text, terminator, element)


def _split(text: str, terminator: str, element: str) -> list[Segment]:
    segments = []
    for raw in text.split(terminator):
        raw = raw.strip()
        if not raw:
            continue
        tag, *elements = raw.split(element)
        segments.append(Segment(tag, SEGMENT_NAMES.get(tag, ""), elements))
    return segments
