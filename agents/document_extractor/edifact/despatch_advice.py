"""EDIFACT DESADV → a ``ship_notice`` extraction, read as an X12 856 is.

Packaging levels (CPS) hold packages (PAC, with their SSCC in GIN) and the items (LIN)
packed in them; each item keeps the order (RFF ON) and the pack it belongs to.
"""

from __future__ import annotations

from exdesk.agents.document_extractor.edifact.common import (
    ItemNumbers,
    check_line_count,
    dates,
    document_number,
    read_heading,
    read_line,
    record_line_numbers,
    references,
    set_field_confidence,
    total_quantity,
)
from exdesk.agents.document_extractor.edifact.envelope import Message
from exdesk.agents.document_extractor.edifact.syntax import EdifactSegment
from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.domain import ShipmentPackaging

_DESPATCHED = ("12", "21", "113", "1")
"""QTY qualifiers of a despatched line: despatched, ordered, to be delivered, discrete."""


def interpret_despatch_advice(message: Message) -> Interpretation:
    """BGM number, dates, order and carrier references, parties, packages and items."""
    result, sections = read_heading(message, "ship_notice")
    fields = result.fields
    details = fields.extra
    refs = references(sections.heading)
    heading_dates = dates(sections.heading)
    fields.shipment_id = document_number(sections)
    fields.ship_date = heading_dates.get("11") or heading_dates.get("200")
    details.estimated_delivery_date = heading_dates.get("17") or heading_dates.get("2")
    fields.bill_of_lading_number = refs.get("BM")
    fields.tracking_number = refs.get("CN") or refs.get("AAS")
    numbers: list[ItemNumbers] = []
    line_orders: list[str | None] = []
    packs: list[str | None] = []
    current_pack: str | None = None
    groups = iter(sections.items)
    for segment in sections.detail:
        if segment.tag == "GIN" and segment.component(1) in ("BJ", "AW"):
            current_pack = segment.component(2, 1) or current_pack
        elif segment.tag == "CPS":
            current_pack = None
        elif segment.tag == "LIN":
            group = next(groups)
            line, ids = read_line(group, len(fields.lines) + 1, _DESPATCHED)
            fields.lines.append(line)
            numbers.append(ids)
            line_orders.append(references(group).get("ON"))
            packs.append(current_pack)
    record_line_numbers(result, numbers)
    orders = [po for po in dict.fromkeys(line_orders) if po]
    fields.po_number = refs.get("ON") or (orders[0] if orders else None)
    if len(orders) > 1:
        details.po_numbers = orders
    if any(line_orders):
        details.line_po_numbers = line_orders
        result.line_po_numbers = line_orders
    if any(packs):
        details.line_packs = packs
    details.packaging = _packaging(sections.detail)
    fields.total_qty = total_quantity(fields.lines)
    set_field_confidence(result, check_line_count(result, sections.summary))
    return result


def _packaging(detail: list[EdifactSegment]) -> ShipmentPackaging | None:
    """The shipment's outer packages: the first PAC (count and type) and any MEA weight."""
    pac = next((s for s in detail if s.tag == "PAC"), None)
    weight = next(
        (s for s in detail if s.tag == "MEA" and s.component(2, 1) in ("AAB", "G", "AAD")),
        None,
    )
    if pac is None and weight is None:
        return None
    return ShipmentPackaging(
        packaging=(pac.component(3, 1) or pac.component(3, 2) or None) if pac else None,
        lading_quantity=(pac.component(1) or None) if pac else None,
        weight=(weight.component(3, 2) or None) if weight else None,
        weight_unit=(weight.component(3, 1) or None) if weight else None,
    )
