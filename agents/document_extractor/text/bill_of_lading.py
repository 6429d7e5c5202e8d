"""A bill of lading's standard fields beyond the labelled ones: shipper and consignee, the
carrier's SCAC, every PO reference, handling units (pieces) and weight.

A BOL's commodity rows (handling units, package type, weight, NMFC class) are not order
lines: they give the shipment's pieces and weight, never line items.
"""

from __future__ import annotations

import re
from decimal import Decimal

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.text.amounts import parse_number
from exdesk.agents.document_extractor.text.fields import Found, cells, looks_like_label
from exdesk.domain import ExtractedParty, ShipmentPackaging

_SHIPPER = re.compile(
    r"(?<![A-Za-z])(?:ship\s+from|shipper(?:\s+name)?|consignor|exp[ée]diteur|absender|versender"
    r"|remitente|cargador)(?![A-Za-z])\s*[:#]?",
    re.IGNORECASE,
)
_SCAC = re.compile(r"\bSCAC(?:\s+code)?\s*[:#]?\s*([A-Z]{2,4})\b")
_PIECES = re.compile(
    r"(?<![A-Za-z])(?:total\s+)?(?:handling\s+units?|h\.?u\.?|pieces|pcs|pallets|pkgs|packages"
    r"|colis|packst[üu]cke|bultos)(?![A-Za-z])",
    re.IGNORECASE,
)
_WEIGHT = re.compile(
    r"(?<![A-Za-z])(?:total\s+|gross\s+)?(?:weight|gewicht|poids|peso)(?:\s*\((?P<unit>lbs?|kg)\))?",
    re.IGNORECASE,
)
_WEIGHT_VALUE = re.compile(r"(\d[\d.,]*)\s*(lbs?|kgs?|pounds|kilos?)?\b", re.IGNORECASE)
_NAME_CAPTION = re.compile(
    r"^\s*(?:name|nom|firma|company|raz[óo]n\s+social)\s*:\s*", re.IGNORECASE
)
_TOTAL_ROW = re.compile(r"^\s*(?:grand\s+)?total\b", re.IGNORECASE)
_CONFIDENCE = 0.85
_BELOW_CONFIDENCE = 0.7


def read_bill_of_lading(result: Interpretation, lines: list[str], found: list[Found]) -> None:
    """Fill the BOL's parties, SCAC, PO references, pieces and weight."""
    fields = result.fields
    details = fields.extra
    parties: list[ExtractedParty] = []
    shipper = _named_below_or_beside(lines, _SHIPPER)
    if shipper is not None:
        parties.append(ExtractedParty(code="SF", name=shipper))
    if fields.ship_to_name is not None:
        parties.append(ExtractedParty(code="ST", name=fields.ship_to_name))
    details.parties = parties or details.parties
    text = "\n".join(lines)
    scac = _SCAC.search(text)
    if scac is not None:
        details.references = {**(details.references or {}), "SCAC": scac.group(1)}
        if fields.carrier is None or fields.carrier == scac.group(1):
            fields.carrier = scac.group(1)
            result.confidence["carrier"] = _CONFIDENCE
    labelled = [str(f.value) for f in found if f.field == "po_number"]
    orders = list(dict.fromkeys([*labelled, *_order_column(lines)]))
    if len(orders) > 1:
        details.po_numbers = orders
    pieces, weight, unit = _pieces_and_weight(lines)
    if pieces is not None and fields.total_qty is None:
        fields.total_qty = float(pieces)
        result.confidence["total_qty"] = _BELOW_CONFIDENCE
    if pieces is not None or weight is not None:
        details.packaging = ShipmentPackaging(
            lading_quantity=f"{pieces:f}" if pieces is not None else None,
            weight=f"{weight:f}" if weight is not None else None,
            weight_unit=unit,
        )


_ORDER_CAPTION = re.compile(
    r"(?<![A-Za-z])(?:customer\s+order\s+(?:number|no\.?)|p\.?o\.?\s+(?:number|no\.?|#))(?![A-Za-z])",
    re.IGNORECASE,
)
_ORDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]*\d[A-Za-z0-9\-_/.]*$")


def _order_column(lines: list[str]) -> list[str]:
    """The order numbers listed under a "Customer Order Number" caption, one per row."""
    for index, line in enumerate(lines):
        match = _ORDER_CAPTION.search(line)
        if match is None or line[match.end() :].strip().startswith(":"):
            continue
        orders: list[str] = []
        for below in lines[index + 1 :]:
            under = [
                cell.text
                for cell in cells(below)
                if min(cell.end, match.end()) - max(cell.start, match.start()) > 0
            ]
            if not under or not _ORDER_ID.match(under[0].split()[0]):
                break
            orders.append(under[0].split()[0])
        if orders:
            return orders
    return []


def _named_below_or_beside(lines: list[str], label: re.Pattern[str]) -> str | None:
    """The name after a caption on its line, else the text under it in the same column."""
    for index, line in enumerate(lines):
        match = label.search(line)
        if match is None:
            continue
        after = cells(line[match.end() :])
        if (
            after
            and not looks_like_label(after[0].text)
            and re.search(r"[A-Za-z]{2}", after[0].text)
        ):
            return _name(after[0].text)
        for below in lines[index + 1 : index + 3]:
            for cell in cells(below):
                if min(cell.end, match.end() + 4) - max(cell.start, match.start() - 4) > 0:
                    name = _name(cell.text)
                    return None if looks_like_label(name) else name
    return None


def _name(text: str) -> str:
    """A party's name: before the first comma, without a "Name:" caption."""
    return _NAME_CAPTION.sub("", text).split(",")[0].strip()


def _pieces_and_weight(lines: list[str]) -> tuple[Decimal | None, Decimal | None, str | None]:
    """Handling units and weight: labelled on a line, or in the row under a caption row."""
    pieces: Decimal | None = None
    weight: Decimal | None = None
    unit: str | None = None
    for index, line in enumerate(lines):
        pieces_match = _PIECES.search(line)
        weight_match = _WEIGHT.search(line)
        if pieces_match is None and weight_match is None:
            continue
        if pieces is None and pieces_match is not None:
            pieces = _number_at(lines, index, pieces_match)
        if weight is None and weight_match is not None:
            weight = _number_at(lines, index, weight_match)
            if weight is not None:
                unit = _unit(line, weight_match)
    return pieces, weight, unit


def _number_at(lines: list[str], index: int, match: re.Match[str]) -> Decimal | None:
    """The number after a label on its line; else, under a caption, the column's total row
    when the table has one, or its first row."""
    after = lines[index][match.end() :]
    same = re.match(r"\s*[:#]?\s*(\d[\d.,]*)", after)
    if same is not None:
        return parse_number(same.group(1))
    first: Decimal | None = None
    for below in lines[index + 1 : index + 12]:
        if not below.strip():
            if first is not None:
                break
            continue
        under = [
            cell.text
            for cell in cells(below)
            if min(cell.end, match.end() + 3) - max(cell.start, match.start() - 3) > 0
        ]
        value = _WEIGHT_VALUE.match(under[0]) if under else None
        if value is None:
            if first is not None:
                break
            continue
        number = parse_number(value.group(1))
        if _TOTAL_ROW.match(below):
            return number
        first = number if first is None else first
    return first


def _unit(line: str, match: re.Match[str]) -> str | None:
    if match.group("unit"):
        return "LB" if match.group("unit").lower().startswith("lb") else "KG"
    value = _WEIGHT_VALUE.search(line[match.end() :])
    if value is not None and value.group(2):
        return "LB" if value.group(2).lower().startswith(("lb", "pound")) else "KG"
    return None
