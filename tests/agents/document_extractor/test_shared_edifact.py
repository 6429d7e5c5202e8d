"""Public EANCOM files read in place from ../shared/datasets/edifact-bots, checked against
the Bots translator's JSON and XML of the same messages; the code titles the reader uses
checked against the UN/EDIFACT D.24A code lists in ../shared/datasets/edifact-status-codes."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ElementTree
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from exdesk.agents.document_extractor import ExtractionRequest, LocalDocumentExtractor
from exdesk.agents.document_extractor.edifact.codes import (
    LINE_ACTIONS,
    MESSAGE_FUNCTIONS,
    RESPONSE_TYPES,
)
from exdesk.domain import Document, DocumentExtraction
from exdesk.evals.shared_data import shared_dataset

pytestmark = pytest.mark.shared_data


def _dataset(name: str) -> Path:
    folder = shared_dataset(name)
    if folder is None:
        pytest.skip(f"shared dataset {name} is absent (../shared/datasets/{name})")
    return folder


def _extract_all(path: Path) -> list[DocumentExtraction]:
    document = Document(kind="edifact", name=path.name, content=path.read_text(encoding="latin-1"))
    return LocalDocumentExtractor().extract_all(ExtractionRequest(document=document))


def test_invoic_matches_the_bots_json_translation() -> None:
    root = _dataset("edifact-bots") / "invoic_to_json"
    invoices = _extract_all(root / "edifactinvoic2json/edifact/invoic01.edi")
    assert len(invoices) == 2
    for invoice, name in zip(invoices, ("1.json", "2.json"), strict=True):
        reference = json.loads((root / "outfile/edifactinvoic2json/json" / name).read_text())
        heading = reference["HEA"]
        fields = invoice.fields
        assert invoice.doc_type == "invoice"
        assert fields.invoice_number == heading["FACTUURNUMMER"]
        assert fields.po_number == heading["ORDERNUMMERAFNEMER"]
        assert fields.document_date == date.fromisoformat(
            f"{heading['FACTUURDATUM'][:4]}-{heading['FACTUURDATUM'][4:6]}-"
            f"{heading['FACTUURDATUM'][6:]}"
        )
        assert fields.currency == heading["VALUTA"]
        assert fields.total_amount == Decimal(heading["TOT"][0]["TOTAALFACTUUR"])
        expected = sorted(heading["LIN"], key=lambda line: int(line["REGEL"]))
        assert [
            (line.line_no, line.sku, line.qty, line.unit_price, line.amount)
            for line in fields.lines
        ] == [
            (
                int(line["REGEL"]),
                line["ARTIKEL"],
                float(line["GEFACTAANTAL"]),
                Decimal(line["PRIJS"]),
                Decimal(line["NETTOREGELBEDRAG"]),
            )
            for line in expected
        ]
        assert invoice.discrepancies == []


def test_orders_match_the_bots_xml_translation() -> None:
    root = _dataset("edifact-bots") / "orders_desadv_invoic_xml"
    translations = {}
    for xml in sorted((root / "outfile/edifact_xml/xml").glob("orders_*.xml")):
        message = ElementTree.parse(xml).getroot()
        translations[message.findtext("docnum")] = message
    compared = 0
    for edi in sorted((root / "edifact_xml/edifact").glob("*.edi")):
        for order in _extract_all(edi):
            message = translations[order.fields.po_number]
            assert order.doc_type == "purchase_order"
            assert order.fields.document_date == date(2005, 8, 19)
            assert message.findtext("docdtm") == "20050819"
            expected = [
                (line.findtext("gtin"), float(line.findtext("ordqua") or "nan"))
                for line in message.iter("line")
            ]
            assert [(line.sku, line.qty) for line in order.fields.lines] == expected
            compared += 1
    assert compared == len(translations) == 6


def test_desadv_matches_the_xml_bots_generated_it_from() -> None:
    root = _dataset("edifact-bots") / "orders_desadv_invoic_xml"
    source = ElementTree.parse(root / "edifact_xml/xml/desadv1923.xml").getroot()
    notices = _extract_all(root / "outfile/edifact_xml/edifact/desadv1.edi")
    notice = next(n for n in notices if n.fields.shipment_id == source.findtext("docnum"))
    assert notice.doc_type == "ship_notice"
    assert notice.fields.po_number == source.findtext("byordnum")
    assert notice.fields.document_date == date(2008, 9, 13)
    assert [(line.sku, line.qty) for line in notice.fields.lines] == [
        (line.findtext("gtin"), float(line.findtext("delqua") or "nan"))
        for line in source.iter("line")
        if line.findtext("gtin")
    ]


def test_aperak_references_the_order_it_acknowledges() -> None:
    root = _dataset("edifact-bots") / "aperak_demo_outputs/dutchic"
    (report,) = _extract_all(root / "dutchic_aperak1.edi")
    assert report.doc_type == "functional_ack"
    assert report.fields.po_number == "T0000000015"
    assert report.fields.ack_status == "accepted"
    assert report.fields.ack_errors == []


def test_every_bots_edifact_file_is_read_without_an_envelope_warning() -> None:
    root = _dataset("edifact-bots")
    files = sorted(root.rglob("*.edi"))
    assert len(files) == 23
    for path in files:
        for extraction in _extract_all(path):
            envelope = [w for w in extraction.warnings if "declares" in w or "mismatch" in w]
            assert envelope == [], path.name


def test_code_titles_are_those_of_the_un_edifact_code_lists() -> None:
    root = _dataset("edifact-status-codes")
    titles: dict[tuple[str, str], str] = {}
    with (root / "selected_code_lists_D24A.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            titles[(row["data_element_id"], row["code"])] = row["title"]
    for element, table in (
        ("1225", MESSAGE_FUNCTIONS),
        ("1229", LINE_ACTIONS),
        ("4343", RESPONSE_TYPES),
    ):
        for code, title in table.items():
            assert titles[(element, code)] == title, (element, code)
