"""Score the local document extractor against public documents with known interpretations.

Run ``python -m exdesk.evals.extraction_eval``. Reads ``../shared/datasets`` in place (see each
folder's SOURCE.md): Bots translator XML, EdiEngine parse trees and expected errors,
node-x12's 850 map result and 855/856 facts, Stedi guide JSON, invoice2data expected JSON
(text and PDF), the Bots EDIFACT translations (JSON and XML), and the labelled JSONL sets
under ``evals/datasets/extractor/`` (the outside set of text and PDF documents).

Prints, per dataset, documents parsed and accuracy per field as before; then, side by side
for the public X12/invoice fixtures, the EDIFACT fixtures and each labelled set, field
precision / recall / F1 per field and micro-averaged, and the line-item F1 after matching
(see :mod:`exdesk.evals.extraction_scoring`). Exits 0, also when the datasets are absent.
"""

from __future__ import annotations

import base64
import csv
import json
import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from exdesk.agents.document_extractor import ExtractionRequest, LocalDocumentExtractor
from exdesk.agents.document_extractor.decoding import decode_bytes
from exdesk.domain import Document, DocumentExtraction, ExtractedLine
from exdesk.errors import ExtractionError
from exdesk.evals.extraction_scoring import (
    Counts,
    SetScore,
    expectation,
    load_samples,
    same_value,
    sample_document,
    score_sample,
)
from exdesk.evals.shared_data import REPO_ROOT, shared_dataset, shared_datasets_dir

EXTRACTOR = LocalDocumentExtractor()
Expected = dict[str, Any]


@dataclass
class Tally:
    """Correct answers out of the comparisons made."""

    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    def __str__(self) -> str:
        share = 100.0 * self.correct / self.total if self.total else 0.0
        return f"{self.correct}/{self.total} ({share:.1f} %)"


@dataclass
class Report:
    """The figures of one dataset."""

    name: str
    documents: Tally = field(default_factory=Tally)
    fields: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    lines_found: Tally = field(default_factory=Tally)
    line_fields: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    defects: Tally = field(default_factory=Tally)
    notes: list[str] = field(default_factory=list)
    f1: SetScore = field(default_factory=SetScore)
    """Precision / recall / F1 counts of the same comparisons."""
    group: str = "public X12 / invoice fixtures"
    """Which column of the side-by-side table the dataset adds to."""


def extract_all(
    path: Path, kind: str = "x12", content: str | None = None
) -> list[DocumentExtraction]:
    """Every extraction of a file (raises ExtractionError when unreadable)."""
    text = content if content is not None else decode_bytes(path.read_bytes())
    document = Document.model_validate({"kind": kind, "name": path.name, "content": text})
    return EXTRACTOR.extract_all(ExtractionRequest(document=document))


def _line_value(line: ExtractedLine, ids: dict[str, str], name: str) -> Any:
    if name == "gtin":
        return next((v for q, v in ids.items() if q in ("UP", "UK", "EN", "UA", "UI")), None)
    return getattr(line, name)


def score(report: Report, output: DocumentExtraction, expected: Expected) -> int:
    """Compare one extraction with its expectation; returns the number of agreements."""
    score_sample(report.f1, output, expectation(expected.get("fields", {}), expected.get("lines")))
    agreed = 0
    for name, value in expected.get("fields", {}).items():
        if value is None:
            continue
        found = output.doc_type if name == "doc_type" else getattr(output.fields, name, None)
        ok = same_value(value, found)
        report.fields[name].add(ok)
        agreed += ok
    lines = expected.get("lines")
    if lines is None:
        return agreed
    got = output.fields.lines
    line_ids = output.fields.extra.line_ids
    all_ids = line_ids if line_ids is not None else [{}] * len(got)
    pool = list(zip(got, all_ids, strict=False))
    used: set[int] = set()
    for wanted in lines:
        match = _closest(wanted, pool, used)
        if match is not None:
            used.add(id(match[0]))
        report.lines_found.add(match is not None)
        for name, value in wanted.items():
            if name == "line_no" or value is None:
                continue
            ok = match is not None and same_value(value, _line_value(match[0], match[1], name))
            report.line_fields[name].add(ok)
            agreed += ok
    return agreed


def _closest(
    wanted: dict[str, Any],
    pool: list[tuple[ExtractedLine, dict[str, str]]],
    used: set[int],
) -> tuple[ExtractedLine, dict[str, str]] | None:
    """The unused extracted line agreeing with most of the expected values, the line
    number counting as one of them (file order breaks ties)."""
    best: tuple[int, int] | None = None
    for index, (line, ids) in enumerate(pool):
        if id(line) in used:
            continue
        agreement = sum(
            same_value(value, _line_value(line, ids, name))
            for name, value in wanted.items()
            if value is not None
        )
        if agreement and (best is None or agreement > best[0]):
            best = (agreement, index)
    return pool[best[1]] if best is not None else None


def best_score(report: Report, output: DocumentExtraction, candidates: list[Expected]) -> None:
    """Score against the candidate that agrees best (ambiguous pairings in the data)."""
    if not candidates:
        report.notes.append(f"no expectation for {output.fields.po_number}")
        return
    trials = []
    for candidate in candidates:
        trial = Report(report.name)
        agreed = score(trial, output, candidate)
        compared = sum(t.total for t in (*trial.fields.values(), *trial.line_fields.values()))
        trials.append((2 * agreed - compared, candidate))
    score(report, output, max(trials, key=lambda t: t[0])[1])


# --- Bots translator XML ------------------------------------------------------------------

_QTY_TAG = {"850": "ordqua", "810": "invqua", "856": "delqua"}


def _text(node: ElementTree.Element, tag: str) -> str | None:
    found = node.find(tag)
    return found.text.strip() if found is not None and found.text else None


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _decimal(value: str | None, places: str | None = None) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(value)
    return number.quantize(Decimal(places)) if places else number


def bots_expectation(path: Path, set_id: str, inbound: bool) -> Expected:
    """The fields and lines a Bots XML message holds, named as DocumentExtraction names them."""
    root = ElementTree.parse(path).getroot()
    docnum = _text(root, "docnum")
    number_field = {"850": "po_number", "810": "invoice_number", "856": "shipment_id"}[set_id]
    fields: dict[str, Any] = {number_field: docnum, "document_date": _iso(_text(root, "docdtm"))}
    if set_id in ("810", "856"):
        order_numbers = [o.text for o in root.iter("ordernumber") if o.text]
        fields["po_number"] = order_numbers[0] if order_numbers else None
    fields["total_amount"] = _decimal(_text(root, "totalinvoiceamount"), "0.01")
    fields["carrier"] = _text(root, "scac")
    fields["bill_of_lading_number"] = _text(root, "bol")
    fields["tracking_number"] = _text(root, "carrierreferencenumber")
    fields["ship_date"] = _iso(_text(root, "shipdtm"))
    if inbound:
        fields["currency"] = _text(root, "currency")
    lines = []
    for line in root.iter("line"):
        number = _text(line, "linenum")
        price = _text(line, "price")
        lines.append(
            {
                "line_no": int(number) if number and number.isdigit() else None,
                "qty": float(_text(line, _QTY_TAG[set_id]) or "nan"),
                "unit_price": Decimal(price) if price else None,
                "description": _text(line, "desc") if inbound else None,
                "sku": _text(line, "suart"),
                "buyer_sku": _text(line, "byart"),
                "gtin": _text(line, "gtin"),
                "uom": _text(line, "ordunit") if inbound else None,
            }
        )
    return {"fields": fields, "lines": lines}


def _document_number(output: DocumentExtraction) -> str | None:
    fields = output.fields
    return {"850": fields.po_number, "810": fields.invoice_number, "856": fields.shipment_id}.get(
        output.x12_transaction_set or ""
    )


def eval_bots(root: Path) -> Report:
    """Bots: inbound 850 → XML, XML → outbound 810/856, retailer inbound 810/856 → XML."""
    report = Report("x12-bots (Bots translator XML)")
    pairs: dict[Path, dict[str, list[Path]]] = defaultdict(lambda: defaultdict(list))
    directions: dict[Path, bool] = {}
    supplier = root / "supplier_version"
    with (supplier / "INDEX_input_to_output.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            produced = [
                supplier / p for p in row["output_files_with_same_document_number"].split(";")
            ]
            inbound = row["mapping"].startswith("850")
            edi_files = [supplier / row["input_file"]] if inbound else produced
            xml_files = produced if inbound else [supplier / row["input_file"]]
            for edi in edi_files:
                pairs[edi][row["document_number"]].extend(xml_files)
                directions[edi] = inbound
    retailer = root / "retailer_version"
    for folder in ("inbound_810", "inbound_856"):
        for xml in sorted((retailer / "outfile" / "x12_demo" / folder).glob("*.xml")):
            docnum = _text(ElementTree.parse(xml).getroot(), "docnum") or ""
            for edi in sorted((retailer / "x12_demo" / "inbound").glob(f"{folder[-3:]}_*.x12")):
                pairs[edi][docnum].append(xml)
                directions[edi] = True
    partners = root / "working_with_partners"
    for xml in sorted((partners / "demo_work_with_partners" / "asn").glob("*.xml")):
        docnum = _text(ElementTree.parse(xml).getroot(), "docnum") or ""
        for edi in sorted((partners / "outfile").rglob("outbound_856/*.x12")):
            pairs[edi][docnum].append(xml)
            directions[edi] = False
    for edi, by_number in sorted(pairs.items()):
        report.documents.add(True)
        try:
            outputs = extract_all(edi)
        except ExtractionError as error:
            report.documents.correct -= 1
            report.notes.append(f"{edi.name}: {error.message}")
            continue
        for output in outputs:
            number = _document_number(output) or ""
            candidates = [
                bots_expectation(xml, output.x12_transaction_set or "", directions[edi])
                for xml in dict.fromkeys(by_number.get(number, []))
            ]
            if candidates:
                best_score(report, output, candidates)
    _eval_bots_acks(root, report)
    return report


def _eval_bots_acks(root: Path, report: Report) -> None:
    """997s Bots generated (all accepted per SOURCE.md) and the rejected testx12001."""
    for path in sorted((root / "supplier_version" / "outfile" / "x12_demo" / "997").glob("*.x12")):
        report.documents.add(True)
        for output in extract_all(path):
            report.fields["ack_status"].add(output.fields.ack_status == "accepted")
    sample = root / "one_on_one_samples" / "testx12001.x12.base"
    report.documents.add(True)
    output = extract_all(sample)[0]
    errors = {(e.level, e.segment_id, e.segment_position, e.code) for e in output.fields.ack_errors}
    report.fields["ack_status"].add(output.fields.ack_status == "rejected")
    report.fields["ack_errors"].add(
        ("segment", "SV2", 57, "8") in errors and ("transaction", None, None, "5") in errors
    )


# --- EdiEngine ------------------------------------------------------------------------------


def _tree_segments(node: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    if node.get("Type") == "S":
        yield node["Name"], [str(e.get("E", "")) for e in node["Content"] if isinstance(e, dict)]
        return
    for child in node.get("Content", []):
        if isinstance(child, dict):
            yield from _tree_segments(child)


def eval_ediengine(root: Path) -> Report:
    """EdiEngine: the 856 parse tree, the 850 sample, and the defects its tests expect."""
    report = Report("x12-ediengine (parse trees, expected errors)")
    tree = json.loads((root / "856.Crossdock.OK.json").read_text(encoding="utf-8"))
    segments = list(_tree_segments(tree))
    first = dict(reversed(segments))
    refs = {values[0]: values[1] for name, values in segments if name == "REF"}
    items = [
        (values[2], next(v for n, v in segments[i:] if n == "SN1")[1])
        for i, (name, values) in enumerate(segments)
        if name == "LIN"
    ]
    expected = {
        "fields": {
            "shipment_id": first["BSN"][1],
            "ship_date": date.fromisoformat(
                f"{first['DTM'][1][:4]}-{first['DTM'][1][4:6]}-{first['DTM'][1][6:]}"
            ),
            "bill_of_lading_number": refs["BM"],
            "tracking_number": refs["CN"],
            "carrier": first["TD5"][2],
            "po_number": first["PRF"][0],
        },
        "lines": [{"gtin": gtin, "qty": float(qty)} for gtin, qty in items],
    }
    report.documents.add(True)
    score(report, extract_all(root / "856.Crossdock.OK.edi")[0], expected)
    report.documents.add(True)
    order = extract_all(root / "850.OK.edi")[0]
    score(
        report,
        order,
        {"fields": {"po_number": "08292233294", "total_amount": Decimal("13045.94")}},
    )
    report.lines_found.add(len(order.fields.lines) == 6)
    defects = {
        "ControlNumbersMismatch.edi": ["ST02 0001 vs SE02 0002", "GS06 3314", "ISA13 000003438"],
        "WrongGroupsAndTranCount.edi": ["GE01 declares 2", "IEA01 declares 2"],
        "940_Failed_SE01.edi": ["SE01 declares 12 segments, found 9"],
        "850.SyntaxNotes.ERR.edi": ["position 13 breaks syntax note P0607", "C0506", "P0607"],
    }
    for name, markers in defects.items():
        report.documents.add(True)
        warnings = " | ".join(extract_all(root / name)[0].warnings)
        for marker in markers:
            report.defects.add(marker in warnings)
    report.documents.add(True)
    try:
        extract_all(root / "NonEdi.edi")
        report.defects.add(False)
    except ExtractionError:
        report.defects.add(True)
    report.documents.add(True)
    multiple = extract_all(root / "MultipleInterchangesAndGroups.edi")
    report.defects.add(len(multiple) == 6)
    return report


# --- node-x12 and Stedi -------------------------------------------------------------------


def eval_node_x12(root: Path) -> Report:
    """node-x12: 850_map_result.json, and the 855/856 facts its tests assert."""
    report = Report("x12-node-x12 (850 map result, 855/856 facts)")
    result = json.loads((root / "850_map_result.json").read_text(encoding="utf-8"))
    for name in ("850.edi", "850_2.edi", "850_fat.edi"):
        report.documents.add(True)
        output = extract_all(root / name)[0]
        expected = {
            "fields": {
                "po_number": result["OrderNumber"],
                "ship_to_name": result["ShipTo"]["Name"],
            },
            "lines": [{"qty": float(line["Quantity"])} for line in result["OrderLines"]],
        }
        score(report, output, expected)
    report.documents.add(True)
    ack = extract_all(root / "855.edi")[0]
    statuses = {s.line_no: s.status for s in ack.fields.extra.line_statuses or []}
    for line_no, status in ((1, "IA"), (2, "IR"), (3, "IR"), (4, "IA")):
        report.line_fields["ack_line_status"].add(statuses.get(line_no) == status)
    report.documents.add(True)
    notice = extract_all(root / "856.edi")[0]
    score(
        report,
        notice,
        {
            "fields": {"bill_of_lading_number": "999999-001", "po_number": "99999817"},
            "lines": [{"qty": 24.0}, {"qty": 6.0}],
        },
    )
    return report


def eval_stedi(root: Path) -> Report:
    """Stedi bootstrap: the guide JSON of the 850 and the 855."""
    report = Report("x12-stedi-bootstrap (guide JSON)")
    for edi, guide in (
        ("850_input.edi", "850_outbound.json"),
        ("855_inbound.edi", "855_outbound.json"),
    ):
        payload = json.loads((root / guide).read_text(encoding="utf-8"))["payload"]
        heading = payload["heading"]
        beginning = next(v for k, v in heading.items() if k.startswith("beginning_segment"))
        lines = []
        for loop in payload["detail"]["baseline_item_data_PO1_loop"]:
            po1 = loop["baseline_item_data_PO1"]
            description = loop["product_item_description_PID_loop"][0][
                "product_item_description_PID"
            ]
            lines.append(
                {
                    "qty": float(po1["quantity_02"]),
                    "unit_price": Decimal(str(po1["unit_price_04"])),
                    "sku": po1["product_service_id_07"],
                    "buyer_sku": po1["product_service_id_09"],
                    "description": description["description_05"],
                    "uom": po1["unit_or_basis_for_measurement_code_03"],
                }
            )
        fields: dict[str, Any] = {"po_number": beginning["purchase_order_number_03"]}
        if "date_05" in beginning:
            fields["document_date"] = date.fromisoformat(beginning["date_05"])
        report.documents.add(True)
        score(report, extract_all(root / edi)[0], {"fields": fields, "lines": lines})
    return report


# --- invoice2data ---------------------------------------------------------------------------

_NOISY = {("Orlen", "invoice_number")}
"""Template output SOURCE.md calls noisy (``"F"`` for ``F 1234K20/1234/12``)."""


def _invoice_expectation(data: dict[str, Any], stem: str) -> Expected:
    fields: dict[str, Any] = {
        "invoice_number": str(data["invoice_number"]).lstrip("#")
        if "invoice_number" in data
        else None,
        "document_date": date.fromisoformat(data["date"]) if "date" in data else None,
        "total_amount": Decimal(str(data["amount"])).quantize(Decimal("0.01"))
        if "amount" in data
        else None,
        "currency": data.get("currency"),
    }
    for key in list(fields):
        if (stem, key) in _NOISY:
            fields[key] = None
    expected: Expected = {"fields": fields}
    items = [line for line in data.get("lines", []) if "qty" in line]
    if items:
        expected["lines"] = [
            {
                "qty": float(line["qty"]),
                "unit_price": _decimal(_price(line)),
                "amount": _decimal(_price(line, "price_subtotal")),
            }
            for line in items
        ]
    return expected


def _price(line: dict[str, Any], key: str = "price_unit") -> str | None:
    value = line.get(key, line.get("price") if key == "price_unit" else None)
    return None if value is None else str(value)


def eval_invoice2data(root: Path) -> Report:
    """invoice2data: the text invoices."""
    report = Report("invoice2data text (expected JSON)")
    paths = sorted([*(root / "custom").glob("*.txt"), *(root / "compare").glob("*.txt")])
    for path in paths:
        _score_invoice(report, path, "text", path.read_text(encoding="utf-8"))
    return report


def eval_invoice2data_pdf(root: Path) -> Report:
    """invoice2data: the PDF invoices, read by the extractor itself (their text layer)."""
    report = Report("invoice2data PDF (expected JSON)")
    for path in sorted((root / "compare").glob("*.pdf")):
        content = base64.b64encode(path.read_bytes()).decode("ascii")
        _score_invoice(report, path, "pdf", content)
    return report


def _score_invoice(report: Report, path: Path, kind: str, content: str) -> None:
    data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))[0]
    report.documents.add(True)
    try:
        output = extract_all(path, kind, content)[0]
    except ExtractionError as error:
        report.documents.correct -= 1
        report.notes.append(f"{path.name}: {error.message}")
        return
    report.fields["doc_type=invoice"].add(output.doc_type == "invoice")
    if output.warnings:
        report.notes.append(f"{path.name}: {'; '.join(output.warnings)[:160]}")
    score(report, output, _invoice_expectation(data, path.stem))


# --- EDIFACT (Bots) -----------------------------------------------------------------------

_EDIFACT = "EDIFACT fixtures (Bots)"


def _compact_date(value: str | None) -> date | None:
    if not value or len(value) < 8 or not value[:8].isdigit():
        return None
    return date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def _bots_json_invoice(path: Path) -> Expected:
    heading = json.loads(path.read_text(encoding="utf-8"))["HEA"]
    lines = sorted(heading["LIN"], key=lambda line: int(line["REGEL"]))
    return {
        "fields": {
            "doc_type": "invoice",
            "invoice_number": heading["FACTUURNUMMER"],
            "po_number": heading["ORDERNUMMERAFNEMER"],
            "document_date": _compact_date(heading["FACTUURDATUM"]),
            "currency": heading["VALUTA"],
            "total_amount": Decimal(heading["TOT"][0]["TOTAALFACTUUR"]),
        },
        "lines": [
            {
                "gtin": line["ARTIKEL"],
                "qty": float(line["GEFACTAANTAL"]),
                "unit_price": Decimal(line["PRIJS"]),
                "amount": Decimal(line["NETTOREGELBEDRAG"]),
            }
            for line in lines
        ],
    }


def _bots_xml_message(path: Path) -> Expected:
    """An ORDERS, DESADV or INVOIC message as the Bots XML holds it."""
    root = ElementTree.parse(path).getroot()
    name = path.name
    doc_type, number_field, quantity = (
        ("purchase_order", "po_number", "ordqua")
        if name.startswith("orders")
        else ("ship_notice", "shipment_id", "delqua")
        if name.startswith("desadv")
        else ("invoice", "invoice_number", "invqua")
    )
    fields: dict[str, Any] = {
        "doc_type": doc_type,
        number_field: _text(root, "docnum"),
        "document_date": _compact_date(_text(root, "docdtm")),
        "currency": _text(root, "currency"),
    }
    if doc_type != "purchase_order":
        fields["po_number"] = _text(root, "byordnum")
    lines = []
    for line in root.iter("line"):
        if line.find("gtin") is None:
            continue
        qty = _text(line, quantity)
        lines.append(
            {
                "gtin": _text(line, "gtin"),
                "qty": float(qty) if qty else None,
                "sku": _text(line, "suart"),
                "buyer_sku": _text(line, "byart"),
                "amount": _decimal(_text(line, "netmon")) if doc_type == "invoice" else None,
            }
        )
    return {"fields": fields, "lines": lines}


def eval_edifact_bots(root: Path) -> Report:
    """Bots' EANCOM files: INVOIC against the JSON translation; ORDERS, DESADV and INVOIC
    against the XML translated from them or generated into them; the APERAK's reference."""
    report = Report("edifact-bots (Bots JSON / XML)", group=_EDIFACT)
    candidates: dict[str, list[Expected]] = defaultdict(list)
    base = root / "orders_desadv_invoic_xml"
    for xml in [
        *(base / "outfile/edifact_xml/xml").glob("*.xml"),
        *(base / "edifact_xml/xml").glob("*.xml"),
    ]:
        expected = _bots_xml_message(xml)
        fields = expected["fields"]
        number = (
            fields.get("po_number")
            if fields["doc_type"] == "purchase_order"
            else (fields.get("shipment_id") or fields.get("invoice_number"))
        )
        candidates[f"{fields['doc_type']}:{number}"].append(expected)
    json_folder = root / "invoic_to_json/outfile/edifactinvoic2json/json"
    translated = {
        expected["fields"]["invoice_number"]: expected
        for expected in map(_bots_json_invoice, sorted(json_folder.glob("*.json")))
    }
    source = root / "invoic_to_json/edifactinvoic2json/edifact/invoic01.edi"
    files = [
        source,
        *sorted((base / "edifact_xml/edifact").glob("*.edi")),
        *sorted((base / "outfile/edifact_xml/edifact").glob("*.edi")),
    ]
    for path in files:
        report.documents.add(True)
        try:
            outputs = extract_all(path, "edifact")
        except ExtractionError as error:
            report.documents.correct -= 1
            report.notes.append(f"{path.name}: {error.message}")
            continue
        for output in outputs:
            fields = output.fields
            if path == source and fields.invoice_number in translated:
                score(report, output, translated[fields.invoice_number])
                continue
            number = (
                fields.po_number
                if output.doc_type == "purchase_order"
                else (fields.shipment_id or fields.invoice_number)
            )
            best_score(report, output, candidates.get(f"{output.doc_type}:{number}", []))
    aperak = root / "aperak_demo_outputs/dutchic/dutchic_aperak1.edi"
    report.documents.add(True)
    (acknowledgment,) = extract_all(aperak, "edifact")
    score(
        report,
        acknowledgment,
        {
            "fields": {
                "doc_type": "functional_ack",
                "po_number": "T0000000015",
                "ack_status": "accepted",
            }
        },
    )
    return report


# --- labelled JSONL sets ------------------------------------------------------------------

LABELLED_SETS = REPO_ROOT / "evals" / "datasets" / "extractor"
"""One folder per set, each with JSONL samples and a PROVENANCE.md."""


def eval_labelled_set(folder: Path) -> Report:
    """Every sample of a labelled set (documents that are absent are listed, not scored)."""
    report = Report(f"{folder.name} set ({folder.relative_to(REPO_ROOT)})", group=folder.name)
    shared = shared_datasets_dir()
    for dataset in sorted(folder.glob("*.jsonl")):
        for sample in load_samples(dataset):
            document = sample_document(sample, dataset, shared)
            if document is None:
                report.notes.append(f"{sample.id}: document absent ({sample.document.path})")
                continue
            report.documents.add(True)
            request = ExtractionRequest(document=document, order=sample.order)
            try:
                output: DocumentExtraction | None = EXTRACTOR.extract(request).output
            except ExtractionError as error:
                report.documents.correct -= 1
                report.notes.append(f"{sample.id}: {error.message}")
                output = None
            score_sample(report.f1, output, sample.expected)
    return report


# --- runner ---------------------------------------------------------------------------------

EVALUATIONS = (
    ("x12-bots", eval_bots),
    ("x12-ediengine", eval_ediengine),
    ("x12-node-x12", eval_node_x12),
    ("x12-stedi-bootstrap", eval_stedi),
    ("invoice2data", eval_invoice2data),
    ("invoice2data", eval_invoice2data_pdf),
    ("edifact-bots", eval_edifact_bots),
)


def run_all() -> list[Report]:
    """Every evaluation whose dataset is present."""
    reports = []
    for name, evaluate in EVALUATIONS:
        folder = shared_dataset(name)
        if folder is not None:
            reports.append(evaluate(folder))
    labelled_sets = (
        sorted(p for p in LABELLED_SETS.iterdir() if p.is_dir()) if LABELLED_SETS.is_dir() else []
    )
    for labelled in labelled_sets:
        reports.append(eval_labelled_set(labelled))
    return reports


def print_report(reports: list[Report]) -> None:
    """The figures, one block per dataset, then the totals."""
    overall_fields: Tally = Tally()
    overall_lines: Tally = Tally()
    for report in reports:
        print(f"\n== {report.name}")
        print(f"  documents parsed      {report.documents}")
        for name, tally in sorted(report.fields.items()):
            print(f"  field {name:<22} {tally}")
            overall_fields.correct += tally.correct
            overall_fields.total += tally.total
        if report.lines_found.total:
            print(f"  lines found           {report.lines_found}")
        for name, tally in sorted(report.line_fields.items()):
            print(f"  line.{name:<22} {tally}")
            overall_lines.correct += tally.correct
            overall_lines.total += tally.total
        if report.defects.total:
            print(f"  envelope checks       {report.defects}")
        for note in report.notes:
            print(f"  note: {note}")
    print(f"\n== overall: fields {overall_fields}, line values {overall_lines}")
    print_side_by_side(reports)


def print_side_by_side(reports: list[Report]) -> None:
    """Precision / recall / F1 per field for each group of datasets, in columns."""
    groups: dict[str, SetScore] = {}
    for report in reports:
        total = groups.setdefault(report.group, SetScore())
        total.documents += report.f1.documents
        total.confident_errors += report.f1.confident_errors
        total.line_items.add(report.f1.line_items)
        for name, tally in report.f1.fields.items():
            total.fields[name].add(tally)
    names = list(groups)
    width = 30
    print("\n== precision / recall / F1, side by side")
    print(" " * 24 + "".join(f"{name[:width]:>{width + 2}}" for name in names))
    print(f"  {'documents':<22}" + "".join(f"{g.documents:>{width + 2}}" for g in groups.values()))
    rows = sorted({name for g in groups.values() for name in g.fields})
    for row in ["micro-average", *rows, "line items (matched)"]:
        cells = []
        for g in groups.values():
            counts: Counts | None = (
                g.micro()
                if row == "micro-average"
                else g.line_items
                if row.startswith("line items")
                else g.fields.get(row)
            )
            if counts is None or counts.tp + counts.fp + counts.fn == 0:  # not labelled
                cells.append(f"{'-':>{width + 2}}")
            else:
                text = f"{counts.precision:.2f}/{counts.recall:.2f}/{counts.f1:.3f}"
                cells.append(f"{text:>{width + 2}}")
        print(f"  {row:<22}" + "".join(cells))
    print(
        f"  {'wrong key value >= 0.80':<22}"
        + "".join(f"{g.confident_errors:>{width + 2}}" for g in groups.values())
    )
    print("  (each cell: precision/recall/F1; line values are scored after matching lines;")
    print("   last row: a wrong po_number, or lines with a wrong item, at or above the review bar)")


def main() -> int:
    """Entry point of ``python -m exdesk.evals.extraction_eval``."""
    if shared_datasets_dir() is None:
        print("shared datasets not found (set EXDESK_SHARED_DATASETS or add ../shared/datasets);")
        print("nothing to evaluate.")
        return 0
    reports = run_all()
    if not reports:
        print("none of the extraction datasets is present; nothing to evaluate.")
        return 0
    print_report(reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
