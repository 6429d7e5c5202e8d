"""Read a semi-structured text document (invoice, packing slip, ASN, bill of lading).

Per-field confidence says how a value was found: right after its label, in the column
below its label, or by a pattern with no label at all (a carrier name, a UPS tracking
number). Totals are checked against the lines.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.text.amounts import currency_in, find_amounts
from exdesk.agents.document_extractor.text.bill_of_lading import read_bill_of_lading
from exdesk.agents.document_extractor.text.classify import classify_text
from exdesk.agents.document_extractor.text.dates import day_first_hint, find_dates
from exdesk.agents.document_extractor.text.fields import (
    Found,
    best,
    dates_beside_numbers,
    find_labelled,
)
from exdesk.agents.document_extractor.text.tables import Table, TableLine, read_line_items
from exdesk.agents.document_extractor.values import (
    as_written,
    lines_total,
    money,
    money_text,
    qty_text,
    same_amount,
    same_quantity,
)
from exdesk.domain import Discrepancy, ExtractedFields, ExtractedLine, LineTable
from exdesk.errors import ExtractionError

_ID_FIELDS = (
    "invoice_number",
    "po_number",
    "shipment_id",
    "tracking_number",
    "bill_of_lading_number",
)
_CARRIERS = re.compile(
    r"\b(UPS|FedEx|Federal Express|USPS|DHL|Old Dominion|ODFL|XPO(?: Logistics)?|Estes|Saia"
    r"|YRC|Yellow|R\+L Carriers|ABF(?: Freight)?|TForce|OnTrac|LaserShip|Purolator|Canada Post"
    r"|Royal Mail|DPD|GLS|PostNL|Hermes|Schneider|J\.?B\.? Hunt|Werner|Landstar|Averitt"
    r"|Southeastern Freight|Central Freight|Pitt Ohio|Dayton Freight|Roadrunner|Forward Air"
    r"|Maersk|Kuehne\s*\+\s*Nagel|DB Schenker|Schenker|Expeditors|C\.H\. Robinson)\b"
)
_UPS_TRACKING = re.compile(r"\b1Z[0-9A-Z]{16}\b")


MAX_TEXT_CHARS = 60_000
"""How much of a text document is read: an invoice, packing slip, ASN or BOL is a few pages;
the patterns that read it then cost a bounded time whatever a client sends."""
MAX_LINE_CHARS = 240
"""How much of one line is read: a table row or a labelled field is far shorter, and the
line patterns are not linear in a line's length (a bounded line keeps them cheap)."""


def bounded_lines(content: str) -> tuple[list[str], bool]:
    """The lines of a document as read: at most :data:`MAX_TEXT_CHARS` characters, each line
    at most :data:`MAX_LINE_CHARS`; and whether anything was left out."""
    text = content.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    head = text[:MAX_TEXT_CHARS]
    lines = [line[:MAX_LINE_CHARS] for line in head.split("\n")]
    cut = len(head) < len(text) or any(len(line) > MAX_LINE_CHARS for line in head.split("\n"))
    return lines, cut


def read_text(content: str) -> Interpretation:
    """Extract fields and lines from a text document; ExtractionError when nothing is there."""
    _refuse_unreadable(content)
    lines, cut = bounded_lines(content)
    text = "\n".join(lines)
    decimal_comma = _decimal_comma_hint(text)
    day_first = day_first_hint(text)
    if day_first is None and decimal_comma:
        day_first = True  # documents with decimal commas write the day first (03/11 = 3 Nov)
    doc_type, type_confidence = classify_text(lines)
    found = find_labelled(lines, day_first, decimal_comma)
    found += dates_beside_numbers(lines, found, day_first)
    result = Interpretation(doc_type=doc_type, format="text", fields=ExtractedFields())
    result.confidence["doc_type"] = type_confidence
    result.free_text.append(text)
    _fill_labelled(result, found)
    _fill_by_pattern(result, text)
    if doc_type == "bill_of_lading":
        read_bill_of_lading(result, lines, found)
    else:
        table = read_line_items(lines, decimal_comma)
        if table is not None:
            _fill_lines(result, table)
    _guess_document_number(result, lines, found)
    _guess_document_date(result, lines, day_first)
    _fill_currency(result, found, text)
    _check_totals(result)
    if doc_type == "unknown" and not result.fields.lines and len(result.confidence) <= 2:
        raise ExtractionError(
            "unreadable text document: no document type, labelled field or line item was found"
        )
    if doc_type == "unknown":
        result.warnings.append("document type could not be determined from the text")
    if cut:
        result.warnings.append(
            f"only the first {MAX_TEXT_CHARS} characters, and of each line the first"
            f" {MAX_LINE_CHARS}, were read"
        )
    return result


def _refuse_unreadable(content: str) -> None:
    head = content.lstrip()[:8]
    if head.startswith("%PDF"):
        raise ExtractionError("the document is a PDF file: extract its text before sending it")
    if head.startswith(("UNA", "UNB+")):
        raise ExtractionError("the document is UN/EDIFACT, which this extractor does not read")
    sample = content[:20000]
    control = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n\f")
    if not sample.strip() or control > max(5, len(sample) // 50):
        raise ExtractionError("unreadable document: the content is empty or binary")


def _decimal_comma_hint(text: str) -> bool | None:
    commas = len(re.findall(r"\d,\d{2}(?!\d)", text))
    points = len(re.findall(r"\d\.\d{2}(?!\d)", text))
    if commas == points:
        return None
    return commas > points


def _fill_labelled(result: Interpretation, found: list[Found]) -> None:
    fields = result.fields
    for name in (*_ID_FIELDS, "ship_date", "document_date", "carrier", "ship_to_name"):
        value = best(found, name)
        if value is None:
            continue
        wanted = date if name in ("ship_date", "document_date") else str
        if isinstance(value.value, wanted):
            setattr(fields, name, value.value)
            result.confidence[name] = value.confidence
    total = best(found, "total_amount", last=True)
    if total is not None and isinstance(total.value, Decimal):
        fields.total_amount = money(total.value)
        result.confidence["total_amount"] = total.confidence
    total_qty = best(found, "total_qty")
    if total_qty is not None and isinstance(total_qty.value, float):
        fields.total_qty = total_qty.value
        result.confidence["total_qty"] = total_qty.confidence
    details = fields.extra
    details.subtotal = _amount(found, "subtotal")
    details.tax = _amount(found, "tax")
    details.shipping = _amount(found, "shipping")
    details.discount = _amount(found, "discount")


def _amount(found: list[Found], name: str) -> Decimal | None:
    """A labelled amount the totals are checked with (the last one, as for the total)."""
    value = best(found, name, last=True)
    if value is None or not isinstance(value.value, Decimal):
        return None
    return as_written(value.value)


def _fill_by_pattern(result: Interpretation, text: str) -> None:
    """Values with no label: a carrier's name, a UPS tracking number."""
    fields = result.fields
    if fields.tracking_number is None:
        match = _UPS_TRACKING.search(text)
        if match:
            fields.tracking_number = match.group()
            result.confidence["tracking_number"] = 0.6
    if fields.carrier is None:
        match = _CARRIERS.search(text)
        if match:
            fields.carrier = match.group(1)
            result.confidence["carrier"] = 0.55


_NUMBER_FIELD: dict[str, str] = {
    "invoice": "invoice_number",
    "packing_slip": "shipment_id",
    "ship_notice": "shipment_id",
    "bill_of_lading": "bill_of_lading_number",
    "purchase_order": "po_number",
    "po_acknowledgment": "po_number",
}
_DOCUMENT_NUMBER = re.compile(
    r"(?<![\w/.-])([A-Z]{2,5}[-/][A-Z0-9]*\d[A-Z0-9]*(?:[-/][A-Z0-9]+)*)(?![\w/-])"
)
_GUESS_CONFIDENCE = 0.5
_HEAD_LINES = 12


def _guess_document_number(result: Interpretation, lines: list[str], found: list[Found]) -> None:
    """A document that prints its own number without a label ("PACKING SLIP … PKS-2025-08742"):
    the first prefixed code near the top that no label claimed, as a guess for review."""
    name = _NUMBER_FIELD.get(result.doc_type)
    if name is None or getattr(result.fields, name) is not None:
        return
    claimed = {str(f.value) for f in found}
    head = [line for line in lines if line.strip()][:_HEAD_LINES]
    for line in head:
        for match in _DOCUMENT_NUMBER.finditer(line):
            code = match.group(1)
            if code not in claimed and not re.fullmatch(r"[A-Z]{2,5}-\d{1,2}", code):
                setattr(result.fields, name, code)
                result.confidence[name] = _GUESS_CONFIDENCE
                return


_NOT_THE_DOCUMENT_DATE = re.compile(
    r"\b(?:due|f[äa]llig|bis|until|to|au|vom|from|du|period|zeitraum|p[ée]riode|delivery"
    r"|liefer|livraison|order|bestell|commande|stand|valid)\b",
    re.IGNORECASE,
)


def _guess_document_date(result: Interpretation, lines: list[str], day_first: bool | None) -> None:
    """A letter's date with no label ("Beitragsrechnung      24. Januar 2014"): the first date
    near the top standing alone at the end of its line, as a guess for review."""
    if result.fields.document_date is not None:
        return
    head = [line for line in lines if line.strip()][: _HEAD_LINES * 2]
    for line in head:
        dates = find_dates(line, day_first)
        if len(dates) != 1 or _NOT_THE_DOCUMENT_DATE.search(line[: dates[0].start]):
            continue
        before, after = line[: dates[0].start], line[dates[0].end :]
        if after.strip(" .") or not (re.search(r"\s{2,}$", before) or not before.strip()):
            continue
        result.fields.document_date = dates[0].value
        result.confidence["document_date"] = _GUESS_CONFIDENCE
        return


def _fill_lines(result: Interpretation, table: Table) -> None:
    fields = result.fields
    checked = 0
    for sequence, row in enumerate(table.lines, start=1):
        amount = row.amount
        if amount is None and row.unit_price is not None and row.qty is not None:
            amount = row.unit_price * Decimal(str(row.qty))
        fields.lines.append(
            ExtractedLine(
                line_no=row.line_no or sequence,
                sku=row.sku,
                buyer_sku=row.buyer_sku,
                description=row.description,
                qty=row.qty,
                uom=row.uom,
                unit_price=money(row.unit_price),
                amount=money(amount),
            )
        )
        result.line_ids.append([v for v in (row.sku, row.buyer_sku) if v])
        checked += row.arithmetic or row.arithmetic_holds()
        _report_ordered(result, row, fields.lines[-1])
    share = checked / len(table.lines)
    base = 0.8 if table.method == "header" else 0.65
    result.confidence["lines"] = round(min(0.95, base + 0.15 * share), 3)
    fields.extra.line_table = LineTable(method=table.method, columns=table.columns)
    if fields.total_qty is None:
        quantities = [line.qty for line in fields.lines if line.qty is not None]
        if quantities and len(quantities) == len(fields.lines):
            fields.total_qty = sum(quantities)
            result.confidence["total_qty"] = result.confidence["lines"]


def _report_ordered(result: Interpretation, row: TableLine, line: ExtractedLine) -> None:
    """A packing slip or ASN that states the ordered quantity next to the shipped one."""
    if row.ordered is None or row.qty is None or same_quantity(row.ordered, row.qty):
        return
    label = line.sku or line.description or f"line {line.line_no}"
    result.self_reported.append(
        Discrepancy(
            kind="qty",
            line_no=line.line_no,
            sku=line.sku,
            expected=qty_text(row.ordered),
            actual=qty_text(row.qty),
            message=(
                f"{label}: shipped {row.qty:g} of {row.ordered:g} ordered (as the document "
                "states them)"
            ),
        )
    )


def _fill_currency(result: Interpretation, found: list[Found], text: str) -> None:
    fields = result.fields
    total = best(found, "total_amount", last=True)
    labelled = best(found, "currency")
    if total is not None and total.currency:
        fields.currency = total.currency
        result.confidence["currency"] = 0.9
    elif labelled is not None and isinstance(labelled.value, str):
        fields.currency = labelled.value
        result.confidence["currency"] = labelled.confidence
    else:
        counts = Counter(a.currency for a in find_amounts(text) if a.currency)
        mentioned = currency_in(text)
        if counts:
            fields.currency = counts.most_common(1)[0][0]
            result.confidence["currency"] = 0.7
        elif mentioned is not None:
            fields.currency = mentioned
            result.confidence["currency"] = 0.6


def _check_totals(result: Interpretation) -> None:
    """The lines must add up to the subtotal, and the subtotal plus tax, freight and
    discounts to the total; without a subtotal the lines must explain the total."""
    fields = result.fields
    stated = fields.total_amount
    computed = lines_total(fields.lines)
    if computed is None:
        return
    details = fields.extra
    stated_amounts = {
        "subtotal": details.subtotal,
        "tax": details.tax,
        "shipping": details.shipping,
        "discount": details.discount,
    }
    extras = {name: value for name, value in stated_amounts.items() if value is not None}
    tax, shipping = extras.get("tax", Decimal(0)), extras.get("shipping", Decimal(0))
    discount = abs(extras.get("discount", Decimal(0)))
    subtotal = extras.get("subtotal")
    problems: list[tuple[Decimal, Decimal, str]] = []
    if subtotal is not None:
        if not same_amount(subtotal, computed):
            problems.append((computed, subtotal, "the lines add up to {e}, the subtotal says {a}"))
        adjusted = subtotal + tax + shipping - discount
        readings = (adjusted, subtotal + shipping - discount, subtotal + tax, subtotal)
        if (
            stated is not None
            and len(extras) > 1
            and not any(same_amount(reading, stated) for reading in readings)
        ):
            problems.append(
                (
                    adjusted,
                    stated,
                    "subtotal, tax, freight and discounts make {e}, the total says {a}",
                )
            )
    elif stated is not None:
        candidates = [stated, stated - tax, stated - tax - shipping, stated - shipping]
        candidates.append(stated - tax - shipping + discount)
        if not any(same_amount(candidate, computed) for candidate in candidates):
            problems.append((computed, stated, "the lines add up to {e}, the total says {a}"))
    else:
        return
    if not problems:
        result.confidence["total_amount"] = max(result.confidence.get("total_amount", 0), 0.95)
        result.confidence["lines"] = max(result.confidence.get("lines", 0), 0.9)
        return
    result.confidence["total_amount"] = min(result.confidence.get("total_amount", 1.0), 0.6)
    for expected_value, actual_value, template in problems:
        expected, actual = money_text(expected_value), money_text(actual_value)
        message = template.format(e=expected, a=actual)
        result.warnings.append(message)
        result.discrepancies.append(
            Discrepancy(kind="total", expected=expected, actual=actual, message=message)
        )
