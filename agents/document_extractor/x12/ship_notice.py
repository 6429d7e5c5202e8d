"""X12 856 Ship Notice/Manifest → a ``ship_notice`` extraction.

The 856 is a tree of HL levels (S shipment, O order, T tare, P pack, I item) linked by
parent IDs. Items are read with the PO of their order level; a short or over shipment
against the ordered quantity the 856 restates (SN105) is reported as a discrepancy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.values import qty_text, same_quantity
from exdesk.agents.document_extractor.x12.common import (
    ProductIds,
    dates,
    first_segment,
    hash_total_warning,
    item_description,
    line_number,
    product_ids,
    quantity,
    read_carrier,
    read_parties,
    record_line_ids,
    references,
    set_field_confidence,
    total_quantity,
    x12_date,
)
from exdesk.agents.document_extractor.x12.envelope import TransactionSet
from exdesk.agents.document_extractor.x12.segments import Segment
from exdesk.domain import Discrepancy, ExtractedFields, ExtractedLine, ShipmentPackaging

LEVELS = {"S": "shipment", "O": "order", "T": "tare", "P": "pack", "I": "item", "Q": "pallet"}


@dataclass
class HierarchyLevel:
    """One HL level and the segments under it (up to the next HL)."""

    id: str
    parent_id: str
    code: str
    segments: list[Segment] = field(default_factory=list)
    parent: HierarchyLevel | None = None

    def ancestor(self, code: str) -> HierarchyLevel | None:
        """The nearest level above (or this one) with the level code."""
        level: HierarchyLevel | None = self
        seen: set[str] = set()
        while level is not None and level.id not in seen:
            if level.code == code:
                return level
            seen.add(level.id)
            level = level.parent
        return None


def build_hierarchy(body: list[Segment], warnings: list[str]) -> list[HierarchyLevel]:
    """The HL levels in file order, each linked to its parent; broken links are warned."""
    levels: list[HierarchyLevel] = []
    by_id: dict[str, HierarchyLevel] = {}
    for segment in body:
        if segment.tag == "HL":
            level = HierarchyLevel(
                id=segment.element(1), parent_id=segment.element(2), code=segment.element(3)
            )
            if level.id in by_id:
                warnings.append(f"HL id {level.id} is used twice")
            if level.parent_id:
                level.parent = by_id.get(level.parent_id)
                if level.parent is None:
                    warnings.append(
                        f"HL {level.id} names parent {level.parent_id}, which does not precede it"
                    )
            elif levels:
                warnings.append(f"HL {level.id} has no parent but is not the first level")
            if level.code and level.code not in LEVELS:
                warnings.append(f"HL {level.id} has an unknown level code {level.code!r}")
            by_id[level.id] = level
            levels.append(level)
        elif segment.tag == "CTT":
            break
        elif levels:
            levels[-1].segments.append(segment)
    return levels


def interpret_ship_notice(transaction: TransactionSet) -> Interpretation:
    """Read BSN, the shipment level (carrier, BOL, tracking), orders (PRF) and items."""
    body = transaction.body()
    result = Interpretation(
        doc_type="ship_notice", format="x12", fields=ExtractedFields(), transaction_set="856"
    )
    fields = result.fields
    bsn = first_segment(body, "BSN")
    if bsn is None:
        result.warnings.append("856 has no BSN segment: no shipment ID")
    else:
        fields.shipment_id = bsn.element(2) or None
        fields.document_date = x12_date(bsn.element(3))
    levels = build_hierarchy(body, result.warnings)
    if not levels:
        result.warnings.append("856 has no HL hierarchy: no items could be read")
    shipment = next((lv for lv in levels if lv.code == "S"), levels[0] if levels else None)
    head = shipment.segments if shipment is not None else []
    _read_shipment_level(result, head, body)
    _read_orders(result, levels)
    _read_items(result, levels)
    lines = fields.lines
    fields.total_qty = total_quantity(lines)
    counts_agree = _check_totals(result, first_segment(body, "CTT"), len(levels))
    set_field_confidence(
        result,
        (
            "shipment_id",
            "document_date",
            "ship_date",
            "po_number",
            "tracking_number",
            "bill_of_lading_number",
            "ship_to_name",
            "total_qty",
        ),
        counts_agree,
    )
    return result


def _read_shipment_level(result: Interpretation, head: list[Segment], body: list[Segment]) -> None:
    fields = result.fields
    details = fields.extra
    shipment_dates = dates(head) or dates(body)
    fields.ship_date = shipment_dates.get("011")
    details.estimated_delivery_date = shipment_dates.get("017") or shipment_dates.get("067")
    td5 = first_segment(head, "TD5") or first_segment(body, "TD5")
    read_carrier(result, td5)
    routing = td5.element(5) if td5 is not None else ""
    if fields.carrier is not None and routing and fields.carrier != routing:
        details.routing = routing
    refs = references(head)
    fields.bill_of_lading_number = refs.get("BM")
    fields.tracking_number = refs.get("CN") or refs.get("2I") or refs.get("AW")
    if fields.tracking_number is None:
        tracking = next(
            (s.element(2) for s in body if s.tag == "MAN" and s.element(1) == "CP"), None
        )
        fields.tracking_number = tracking or None
    details.references = refs or None
    td1 = first_segment(head, "TD1")
    if td1 is not None:
        details.packaging = ShipmentPackaging(
            packaging=td1.element(1) or None,
            lading_quantity=td1.element(2) or None,
            weight=td1.element(7) or None,
            weight_unit=td1.element(8) or None,
        )
    read_parties(result, head)


def _read_orders(result: Interpretation, levels: list[HierarchyLevel]) -> None:
    po_numbers: list[str] = []
    invoices: list[str] = []
    for level in levels:
        if level.code != "O":
            continue
        prf = first_segment(level.segments, "PRF")
        if prf is not None and prf.element(1) and prf.element(1) not in po_numbers:
            po_numbers.append(prf.element(1))
        invoice = references(level.segments).get("IV")
        if invoice and invoice not in invoices:
            invoices.append(invoice)
    if not po_numbers:
        prf = next((s for lv in levels for s in lv.segments if s.tag == "PRF"), None)
        if prf is not None and prf.element(1):
            po_numbers.append(prf.element(1))
    result.fields.po_number = po_numbers[0] if po_numbers else None
    if len(po_numbers) > 1:
        result.fields.extra.po_numbers = po_numbers
    result.fields.extra.invoice_numbers = invoices or None


def _read_items(result: Interpretation, levels: list[HierarchyLevel]) -> None:
    fields = result.fields
    line_ids: list[ProductIds] = []
    packs: list[str | None] = []
    for level in levels:
        lin = first_segment(level.segments, "LIN")
        sn1 = first_segment(level.segments, "SN1")
        if lin is None and sn1 is None:
            continue
        ids = product_ids(lin, 2) if lin is not None else ProductIds()
        sku, buyer_sku = ids.sku_and_buyer_sku()
        sequence = len(fields.lines) + 1
        number = line_number(lin.element(1), 0) if lin is not None else 0
        if not number and sn1 is not None:
            number = line_number(sn1.element(1), 0)
        line = ExtractedLine(
            line_no=number or sequence,
            sku=sku,
            buyer_sku=buyer_sku,
            description=item_description(level.segments) or ids.description(),
            qty=quantity(sn1.element(2)) if sn1 is not None else None,
            uom=(sn1.element(3) or None) if sn1 is not None else None,
        )
        fields.lines.append(line)
        line_ids.append(ids)
        order = level.ancestor("O")
        prf = first_segment(order.segments, "PRF") if order is not None else None
        result.line_po_numbers.append(prf.element(1) if prf is not None else fields.po_number)
        pack = level.ancestor("P")
        sscc = first_segment(pack.segments, "MAN") if pack is not None else None
        packs.append(sscc.element(2) if sscc is not None else None)
        if sn1 is not None:
            _report_shortfall(result, line, quantity(sn1.element(5)))
    record_line_ids(result, line_ids)
    if any(result.line_po_numbers):
        fields.extra.line_po_numbers = list(result.line_po_numbers)
    if any(packs):
        fields.extra.line_packs = packs


def _report_shortfall(result: Interpretation, line: ExtractedLine, ordered: float | None) -> None:
    """SN105 restates the ordered quantity: shipping less (or more) is a discrepancy."""
    if ordered is None or line.qty is None or same_quantity(ordered, line.qty):
        return
    short = line.qty < ordered
    result.self_reported.append(
        Discrepancy(
            kind="qty",
            line_no=line.line_no,
            sku=line.sku,
            expected=qty_text(ordered),
            actual=qty_text(line.qty),
            message=(
                f"line {line.line_no}: {'short' if short else 'over'} shipment, shipped "
                f"{line.qty:g} of {ordered:g} ordered (856 SN102 vs SN105)"
            ),
        )
    )


def _check_totals(result: Interpretation, ctt: Segment | None, level_count: int) -> bool:
    """CTT01 counts HL levels or items depending on the guide; CTT02 hashes the quantities."""
    if ctt is None:
        return True
    agree = True
    declared = quantity(ctt.element(1))
    items = len(result.fields.lines)
    if declared is not None and int(declared) not in (level_count, items):
        agree = False
        result.warnings.append(
            f"CTT01 declares {int(declared)}, the 856 has {level_count} HL levels and {items} items"
        )
    hash_warning = hash_total_warning(ctt, result.fields.total_qty, "the shipped quantity")
    if hash_warning is not None:
        agree = False
        result.warnings.append(hash_warning)
    return agree
