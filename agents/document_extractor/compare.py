"""Compare an extracted document with the order it should agree with.

Every discrepancy carries both values: ``expected`` is the order's, ``actual`` the
document's. Lines are matched by SKU first (after resolving identifiers through the order
and the catalog), then by line number; what is left over is a missing or an extra line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.values import (
    lines_total,
    qty_text,
    same_amount,
    same_quantity,
)
from exdesk.domain import (
    Discrepancy,
    ExtractedFields,
    ExtractedLine,
    LineStatus,
    Order,
    OrderLine,
    ResolvedSku,
    Sku,
    SkuResolutionMethod,
)

_LINE_TYPES = frozenset(
    {"purchase_order", "po_acknowledgment", "ship_notice", "invoice", "packing_slip"}
)
_PRICED_TYPES = frozenset({"purchase_order", "po_acknowledgment", "invoice"})
_PRICE_TOLERANCE = Decimal("0.005")


def normalize_id(value: str | None) -> str:
    """An identifier for matching: upper case, no spaces or punctuation, no leading zeros
    on all-digit codes (a 12-digit UPC equals its 14-digit GTIN)."""
    if not value:
        return ""
    text = re.sub(r"[\s\-_/.#]", "", value.upper())
    if text.isdigit():
        return text.lstrip("0") or text
    return text


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass
class SkuResolution:
    """Lines whose SKU was found through another identifier or the description."""

    lines: list[ExtractedLine]
    notes: list[ResolvedSku] = field(default_factory=list)


def resolve_skus(
    lines: Sequence[ExtractedLine],
    line_ids: Sequence[Sequence[str]],
    order: Order | None,
    catalog: Sequence[Sku],
) -> SkuResolution:
    """Replace each line's SKU by a known one (order or catalog) that the line names.

    A line names a known SKU through its SKU, buyer SKU or any other identifier it carries;
    failing that, through a description equal to (or nearly equal to) a catalog
    description.
    """
    known: dict[str, str] = {}
    for sku in catalog:
        known.setdefault(normalize_id(sku.sku), sku.sku)
    if order is not None:
        for order_line in order.lines:
            known.setdefault(normalize_id(order_line.sku), order_line.sku)
    resolution = SkuResolution(lines=list(lines))
    if not known:
        return resolution
    for index, line in enumerate(lines):
        if normalize_id(line.sku) in known:
            continue
        ids = list(line_ids[index]) if index < len(line_ids) else []
        candidates = [line.buyer_sku, *ids]
        match = next((known[normalize_id(c)] for c in candidates if normalize_id(c) in known), None)
        how: SkuResolutionMethod = "identifier"
        if match is None and line.description:
            match = _match_description(line.description, catalog)
            how = "description"
        if match is not None:
            resolution.lines[index] = line.model_copy(update={"sku": match})
            resolution.notes.append(
                ResolvedSku(line_no=line.line_no, from_=line.sku, to=match, by=how)
            )
    return resolution


def _match_description(description: str, catalog: Sequence[Sku]) -> str | None:
    """The catalog SKU whose description equals this one, or overlaps it clearly best."""
    wanted = _words(description)
    if not wanted:
        return None
    scored: list[tuple[float, str]] = []
    for sku in catalog:
        words = _words(sku.description)
        if not words:
            continue
        if words == wanted:
            return sku.sku
        overlap = len(words & wanted) / len(words | wanted)
        scored.append((overlap, sku.sku))
    scored.sort(reverse=True)
    if scored and scored[0][0] >= 0.6 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 0.2):
        return scored[0][1]
    return None


@dataclass
class _Entry:
    """Document lines (or order lines) of one SKU added together."""

    key: str
    line_no: int | None
    sku: str | None
    qty: float | None
    unit_price: Decimal | None
    amount: Decimal | None


def _doc_entries(lines: Sequence[ExtractedLine]) -> list[_Entry]:
    entries: list[_Entry] = []
    by_key: dict[str, _Entry] = {}
    for line in lines:
        key = normalize_id(line.sku)
        entry = by_key.get(key) if key else None
        if entry is None:
            entry = _Entry(key, line.line_no, line.sku, line.qty, line.unit_price, line.amount)
            entries.append(entry)
            if key:
                by_key[key] = entry
            continue
        if line.qty is not None:
            entry.qty = (entry.qty or 0.0) + line.qty
        if line.amount is not None:
            entry.amount = (entry.amount or Decimal(0)) + line.amount
        if entry.unit_price is None:
            entry.unit_price = line.unit_price
    return entries


def _order_entries(lines: Sequence[OrderLine]) -> list[_Entry]:
    entries: dict[str, _Entry] = {}
    for line in lines:
        key = normalize_id(line.sku)
        if key in entries:
            entry = entries[key]
            entry.qty = (entry.qty or 0.0) + line.qty
            continue
        amount = line.unit_price * line.qty
        entries[key] = _Entry(key, line.line_no, line.sku, float(line.qty), line.unit_price, amount)
    return list(entries.values())


@dataclass
class Comparison:
    """What the comparison found, and what it chose not to compare (for the reviewer)."""

    discrepancies: list[Discrepancy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_CHARGE = re.compile(
    r"^\s*(?:frt|freight|shipping|delivery(?:\s+charge)?|handling|fuel(?:\s+surcharge)?"
    r"|surcharge|fee|fees|service\s+charge|restocking|pallet(?:\s+charge)?|tax|vat"
    r"|discount|allowance|versand|fracht|frais\s+de\s+port|flete|env[ií]o)\b",
    re.IGNORECASE,
)


def is_charge_line(line: ExtractedLine, order: Order | None = None) -> bool:
    """A charge or allowance (freight, fees, tax, discount: X12 SAC, a "Freight" text line),
    not a product: its SKU or description names a charge and it is no SKU of the order."""
    ordered = {normalize_id(o.sku) for o in order.lines} if order is not None else set()
    if line.sku and normalize_id(line.sku) in ordered:
        return False
    return any(_CHARGE.match(text) for text in (line.sku, line.description) if text)


def compare_with_order(
    reading: Interpretation, order: Order, *, billing_our_po: bool = False
) -> Comparison:
    """Every disagreement between the document and the order, with both values.

    Charge lines are left out of the product comparison. With ``billing_our_po`` (a
    supplier's invoice: it bills our purchase order, e.g. a drop-ship vendor's) only the
    order lines the invoice bills are compared, by quantity: the order's prices are what
    the customer pays us, not what we owe the supplier, and its other lines are not on
    that purchase order.
    """
    fields = reading.fields
    comparison = Comparison()
    found = comparison.discrepancies
    charges = [line for line in fields.lines if is_charge_line(line, order)]
    lines = [line for line in fields.lines if not is_charge_line(line, order)]
    if charges:
        listed = ", ".join(_charge_text(line) for line in charges[:5])
        comparison.notes.append(f"charge lines not compared as products: {listed}")
    po_numbers = _named_po_numbers(fields)
    matching_po = matching_po_number(fields, order.order_id)
    if fields.po_number and matching_po is None:
        found.append(
            Discrepancy(
                kind="po_number",
                expected=order.order_id,
                actual=fields.po_number,
                message=f"document refers to PO {fields.po_number}, the order is {order.order_id}",
            )
        )
    if matching_po is not None and reading.line_po_numbers and len(set(po_numbers)) > 1:
        kept = {id(line) for line in lines}
        lines = [
            line
            for line, po in zip(fields.lines, reading.line_po_numbers, strict=False)
            if id(line) in kept and (po is None or _same_po(po, matching_po))
        ]
    if fields.currency and fields.currency != order.currency:
        found.append(
            Discrepancy(
                kind="other",
                expected=order.currency,
                actual=fields.currency,
                message=f"document currency {fields.currency}, order currency {order.currency}",
            )
        )
    if billing_our_po:
        billed = _billed_part(lines, order)
        if reading.doc_type in _LINE_TYPES and lines:
            found.extend(
                d for d in _compare_lines(lines, billed, _statuses([])) if d.kind != "unit_price"
            )
        comparison.notes.append(
            f"a supplier's invoice: compared by quantity with the {len(billed.lines)} line(s) "
            f"of {order.order_id} it bills; its prices are the supplier's and are checked "
            "against our purchase order to the supplier, which the network data does not hold"
        )
        return comparison
    if reading.doc_type in _LINE_TYPES and lines:
        found.extend(_compare_lines(lines, order, _statuses(fields.extra.line_statuses or [])))
    if reading.doc_type in _PRICED_TYPES:
        found.extend(_compare_total(lines, fields.total_amount, order))
    return comparison


def _charge_text(line: ExtractedLine) -> str:
    amount = f" {line.amount}" if line.amount is not None else ""
    return f"{line.description or line.sku}{amount}"


def _billed_part(lines: Sequence[ExtractedLine], order: Order) -> Order:
    """The order reduced to the lines whose SKUs the document names (what a supplier's
    purchase order for them would hold)."""
    named = {normalize_id(line.sku) for line in lines if line.sku}
    kept = [line for line in order.lines if normalize_id(line.sku) in named]
    return order.model_copy(update={"lines": kept or list(order.lines)})


def matching_po_number(fields: ExtractedFields, order_id: str) -> str | None:
    """The PO number, among those the document names, that is the order's."""
    return next((p for p in _named_po_numbers(fields) if p and _same_po(p, order_id)), None)


def _named_po_numbers(fields: ExtractedFields) -> list[str | None]:
    """The document's PO number and every other PO it covers (an 856 with several)."""
    return [fields.po_number, *(fields.extra.po_numbers or [])]


def _same_po(document_value: str, order_id: str) -> bool:
    return normalize_id(document_value) == normalize_id(order_id)


def _statuses(line_statuses: Sequence[LineStatus]) -> dict[int, str]:
    """855 line statuses by line number, to say why a quantity changed."""
    return {
        status.line_no: status.description
        for status in line_statuses
        if status.line_no and status.description
    }


def _compare_lines(
    lines: Sequence[ExtractedLine], order: Order, statuses: dict[int, str]
) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    documents = _doc_entries(lines)
    expected = _order_entries(order.lines)
    pairs: list[tuple[_Entry, _Entry]] = []
    by_key = {entry.key: entry for entry in expected}
    for entry in documents:
        match = by_key.pop(entry.key, None) if entry.key else None
        if match is not None:
            pairs.append((match, entry))
    unmatched_docs = [d for d in documents if all(d is not p[1] for p in pairs)]
    remaining = list(by_key.values())
    for entry in list(unmatched_docs):
        match = next((o for o in remaining if o.line_no == entry.line_no), None)
        if match is None:
            continue
        remaining.remove(match)
        unmatched_docs.remove(entry)
        pairs.append((match, entry))
        if entry.sku:
            found.append(
                Discrepancy(
                    kind="sku",
                    line_no=match.line_no,
                    sku=match.sku,
                    expected=match.sku,
                    actual=entry.sku,
                    message=(
                        f"line {match.line_no}: order has {match.sku}, document has {entry.sku}"
                    ),
                )
            )
    for ordered, document in sorted(pairs, key=lambda p: p[0].line_no or 0):
        found.extend(_compare_pair(ordered, document, statuses))
    for ordered in remaining:
        found.append(
            Discrepancy(
                kind="missing_line",
                line_no=ordered.line_no,
                sku=ordered.sku,
                expected=qty_text(ordered.qty),
                actual=None,
                message=f"order line {ordered.line_no} ({ordered.sku}) is not on the document",
            )
        )
    for document in unmatched_docs:
        label = document.sku or f"line {document.line_no}"
        found.append(
            Discrepancy(
                kind="extra_line",
                line_no=document.line_no,
                sku=document.sku,
                expected=None,
                actual=qty_text(document.qty),
                message=f"document line {label} is not on the order",
            )
        )
    return found


def _compare_pair(ordered: _Entry, document: _Entry, statuses: dict[int, str]) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    why = statuses.get(document.line_no or -1)
    suffix = f" ({why})" if why else ""
    if (
        document.qty is not None
        and ordered.qty is not None
        and not same_quantity(document.qty, ordered.qty)
    ):
        found.append(
            Discrepancy(
                kind="qty",
                line_no=ordered.line_no,
                sku=ordered.sku,
                expected=qty_text(ordered.qty),
                actual=qty_text(document.qty),
                message=(
                    f"line {ordered.line_no} ({ordered.sku}): quantity {document.qty:g} on the "
                    f"document, {ordered.qty:g} on the order{suffix}"
                ),
            )
        )
    if (
        document.unit_price is not None
        and ordered.unit_price is not None
        and abs(document.unit_price - ordered.unit_price) > _PRICE_TOLERANCE
    ):
        found.append(
            Discrepancy(
                kind="unit_price",
                line_no=ordered.line_no,
                sku=ordered.sku,
                expected=_money(ordered.unit_price),
                actual=_money(document.unit_price),
                message=(
                    f"line {ordered.line_no} ({ordered.sku}): unit price "
                    f"{_money(document.unit_price)} on the document, "
                    f"{_money(ordered.unit_price)} on the order{suffix}"
                ),
            )
        )
    return found


def _compare_total(
    lines: Sequence[ExtractedLine], stated: Decimal | None, order: Order
) -> list[Discrepancy]:
    total = lines_total(lines)
    if total is not None:
        what = "the document's lines add up to"
    elif not lines and stated is not None:
        total = stated
        what = "the document's stated total (which may include tax or freight) is"
    else:
        return []
    if same_amount(total, order.value):
        return []
    return [
        Discrepancy(
            kind="total",
            expected=_money(order.value),
            actual=_money(total),
            message=f"{what} {_money(total)}, the order is worth {_money(order.value)}",
        )
    ]


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")
