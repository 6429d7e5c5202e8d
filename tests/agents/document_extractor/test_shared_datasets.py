"""Real public documents read in place from ../shared/datasets, checked against the
interpretations those folders ship (Bots XML, EdiEngine trees and errors, node-x12 map
result, Stedi guide JSON, invoice2data expected JSON)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from exdesk.agents.document_extractor import ExtractionRequest, LocalDocumentExtractor
from exdesk.domain import Document, DocumentExtraction
from exdesk.errors import ExtractionError
from exdesk.evals.shared_data import shared_dataset
from tests.agents.document_extractor.helpers import extract, make_order

pytestmark = pytest.mark.shared_data


def _dataset(name: str) -> Path:
    folder = shared_dataset(name)
    if folder is None:
        pytest.skip(f"shared dataset {name} is absent (../shared/datasets/{name})")
    return folder


def _extract_all(path: Path, kind: str = "x12") -> list[DocumentExtraction]:
    document = Document.model_validate(
        {"kind": kind, "name": path.name, "content": path.read_text(encoding="latin-1")}
    )
    return LocalDocumentExtractor().extract_all(ExtractionRequest(document=document))


def _xml_lines(path: Path, quantity_tag: str) -> list[dict[str, str | None]]:
    root = ElementTree.parse(path).getroot()
    return [
        {
            tag: (line.findtext(tag) or None)
            for tag in ("linenum", quantity_tag, "price", "desc", "gtin", "byart", "suart")
        }
        for line in root.iter("line")
    ]


# --- x12-bots --------------------------------------------------------------------------------


def test_bots_850_matches_the_translators_xml() -> None:
    root = _dataset("x12-bots") / "supplier_version"
    (order,) = _extract_all(root / "x12_demo/inbound/850-004010-01.x12")
    xml = root / "outfile/x12_demo/inbound_850/850_1.xml"
    message = ElementTree.parse(xml).getroot()
    assert order.fields.po_number == message.findtext("docnum") == "91393058"
    assert order.fields.document_date == date.fromisoformat(message.findtext("docdtm") or "")
    expected = _xml_lines(xml, "ordqua")
    assert len(order.fields.lines) == len(expected) == 8
    for line, wanted in zip(order.fields.lines, expected, strict=True):
        assert line.qty == float(wanted["ordqua"] or "nan")
        assert line.unit_price == Decimal(wanted["price"] or "0")
        assert line.description == wanted["desc"]


def test_bots_vics_850_gtin_and_buyer_items() -> None:
    root = _dataset("x12-bots") / "supplier_version"
    orders = _extract_all(root / "x12_demo/inbound/850-004010VICS-01.x12")
    first = next(o for o in orders if o.fields.po_number == "15918851602")
    expected = _xml_lines(root / "outfile/x12_demo/inbound_850/850_27.xml", "ordqua")
    assert len(first.fields.lines) == len(expected)
    ids = first.fields.extra.line_ids or []
    for line, line_ids, wanted in zip(first.fields.lines, ids, expected, strict=True):
        assert line.buyer_sku == wanted["byart"]
        assert line_ids["UP"] == wanted["gtin"]
        assert line.qty == float(wanted["ordqua"] or "nan")
    assert first.fields.currency == "CAD"


def test_bots_retailer_invoice_total_and_line() -> None:
    root = _dataset("x12-bots") / "retailer_version"
    (invoice,) = _extract_all(root / "x12_demo/inbound/810_1.x12")
    message = ElementTree.parse(root / "outfile/x12_demo/inbound_810/810_1.xml").getroot()
    assert invoice.fields.invoice_number == message.findtext("docnum")
    assert invoice.fields.total_amount == Decimal(message.findtext("totalinvoiceamount") or "")
    (line,) = invoice.fields.lines
    assert (line.sku, line.buyer_sku) == ("X357-W2", "525")
    assert (line.qty, line.unit_price) == (4.0, Decimal("330"))
    (total,) = [d for d in invoice.discrepancies if d.kind == "total"]
    assert (total.expected, total.actual) == ("1320.00", "12345.79")


def test_bots_ship_notice_short_shipments_and_carrier() -> None:
    root = _dataset("x12-bots") / "retailer_version"
    notice, _second = _extract_all(root / "x12_demo/inbound/856_2.x12")
    message = ElementTree.parse(root / "outfile/x12_demo/inbound_856/856_2.xml").getroot()
    assert notice.fields.carrier == message.findtext("scac")
    assert notice.fields.bill_of_lading_number == message.findtext("bol")
    assert notice.fields.tracking_number == message.findtext("carrierreferencenumber")
    assert notice.fields.extra.po_numbers == [o.text for o in message.iter("ordernumber")]
    expected = {
        int(line.findtext("linenum") or 0): (
            float(line.findtext("delqua") or 0),
            float(line.findtext("ordqua") or 0),
        )
        for line in message.iter("line")
    }
    shorts = {
        (d.line_no, float(d.expected or 0), float(d.actual or 0)) for d in notice.discrepancies
    }
    assert shorts == {
        (n, ordered, shipped) for n, (shipped, ordered) in expected.items() if shipped < ordered
    }
    assert len(shorts) == 2


def test_bots_acknowledgments() -> None:
    root = _dataset("x12-bots")
    accepted = sorted((root / "supplier_version/outfile/x12_demo/997").glob("*.x12"))
    assert accepted
    assert {a.fields.ack_status for path in accepted for a in _extract_all(path)} == {"accepted"}
    (rejected,) = _extract_all(root / "one_on_one_samples/testx12001.x12.base")
    assert rejected.fields.ack_status == "rejected"
    errors = [
        (e.level, e.segment_id, e.segment_position, e.element_position, e.code)
        for e in rejected.fields.ack_errors
    ]
    assert ("segment", "SV2", 57, None, "8") in errors
    assert ("element", "SV2", 57, 2, "7") in errors
    assert ("transaction", None, None, None, "5") in errors
    interchange_ack, _group_ack = _extract_all(root / "one_on_one_samples/testx12002.x12.base")
    assert interchange_ack.x12_transaction_set == "TA1"
    assert interchange_ack.fields.ack_status == "rejected"


def test_every_bots_x12_file_is_read_without_error() -> None:
    root = _dataset("x12-bots")
    paths = sorted(p for p in root.rglob("*") if p.suffix in (".x12", ".base"))
    assert len(paths) > 60
    for path in paths:
        assert _extract_all(path), path.name


# --- x12-ediengine ---------------------------------------------------------------------------


def test_ediengine_crossdock_856_matches_the_parse_tree() -> None:
    root = _dataset("x12-ediengine")
    tree = json.loads((root / "856.Crossdock.OK.json").read_text(encoding="utf-8"))

    def segments(node: dict[str, object]) -> list[tuple[str, list[str]]]:
        if node.get("Type") == "S":
            content = node["Content"]
            assert isinstance(content, list)
            return [(str(node["Name"]), [str(e.get("E", "")) for e in content])]
        children = node.get("Content", [])
        assert isinstance(children, list)
        return [s for child in children for s in segments(child)]

    found = segments(tree)
    (notice,) = _extract_all(root / "856.Crossdock.OK.edi")
    bsn = next(values for name, values in found if name == "BSN")
    assert notice.fields.shipment_id == bsn[1]
    refs = {values[0]: values[1] for name, values in found if name == "REF"}
    assert notice.fields.bill_of_lading_number == refs["BM"]
    assert notice.fields.tracking_number == refs["CN"]
    prfs = [values[0] for name, values in found if name == "PRF"]
    assert notice.fields.extra.po_numbers == prfs
    sn1 = [float(values[1]) for name, values in found if name == "SN1"]
    assert [line.qty for line in notice.fields.lines] == sn1
    assert notice.warnings == []


@pytest.mark.parametrize(
    ("name", "markers"),
    [
        (
            "ControlNumbersMismatch.edi",
            [
                "ISA13 000003438 vs IEA02 000003439",
                "GS06 3314 vs GE02 3315",
                "ST02 0001 vs SE02 0002",
            ],
        ),
        (
            "WrongGroupsAndTranCount.edi",
            [
                "IEA01 declares 2 functional group(s), found 1",
                "GE01 declares 2 transaction set(s), found 1",
            ],
        ),
        ("940_Failed_SE01.edi", ["SE01 declares 12 segments, found 9"]),
        (
            "850.SyntaxNotes.ERR.edi",
            [
                "PO1 at position 13 breaks syntax note P0607",
                "PO4 at position 30 breaks syntax note C0506",
                "PO4 at position 30 breaks syntax note P0607",
            ],
        ),
    ],
)
def test_ediengine_broken_envelopes_are_reported(name: str, markers: list[str]) -> None:
    (first, *_rest) = _extract_all(_dataset("x12-ediengine") / name)
    warnings = " | ".join(first.warnings)
    for marker in markers:
        assert marker in warnings


def test_ediengine_non_edi_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="not an X12 interchange"):
        _extract_all(_dataset("x12-ediengine") / "NonEdi.edi")


def test_ediengine_multiple_interchanges_and_groups() -> None:
    readings = _extract_all(_dataset("x12-ediengine") / "MultipleInterchangesAndGroups.edi")
    envelopes = [
        (envelope.interchange_control_number, envelope.group_control_number)
        for envelope in (r.fields.extra.x12_envelope for r in readings)
        if envelope is not None
    ]
    assert envelopes == [
        ("000003438", "3313"),
        ("000003438", "3313"),
        ("000003438", "3314"),
        ("000003439", "3315"),
        ("000003439", "3315"),
        ("000003439", "3316"),
    ]


# --- node-x12 and Stedi ----------------------------------------------------------------------


def test_node_x12_850_map_result() -> None:
    root = _dataset("x12-node-x12")
    result = json.loads((root / "850_map_result.json").read_text(encoding="utf-8"))
    (order,) = _extract_all(root / "850.edi")
    assert order.fields.po_number == result["OrderNumber"]
    assert order.fields.ship_to_name == result["ShipTo"]["Name"]
    ship_to = next(p for p in order.fields.extra.parties or [] if p.code == "ST")
    assert (ship_to.id, ship_to.address) == (
        result["ShipTo"]["Destination"],
        result["ShipTo"]["Address"],
    )
    assert (ship_to.city, ship_to.state, ship_to.postal_code) == (
        result["ShipTo"]["City"],
        result["ShipTo"]["State"],
        result["ShipTo"]["Zip"],
    )
    assert [f"{line.qty:g}" for line in order.fields.lines] == [
        q["Quantity"] for q in result["OrderLines"]
    ]
    assert order.fields.total_amount == Decimal("13045.94")


def test_node_x12_855_rejected_lines() -> None:
    (ack,) = _extract_all(_dataset("x12-node-x12") / "855.edi")
    statuses = {s.line_no: s.status for s in ack.fields.extra.line_statuses or []}
    assert statuses == {1: "IA", 2: "IR", 3: "IR", 4: "IA"}
    rejected = sorted(d.line_no or 0 for d in ack.discrepancies if d.actual == "0")
    assert rejected == [2, 3]
    assert ack.fields.ack_status == "partially_accepted"


def test_node_x12_856_items_and_bill_of_lading() -> None:
    (notice,) = _extract_all(_dataset("x12-node-x12") / "856.edi")
    assert notice.fields.bill_of_lading_number == "999999-001"
    assert [line.qty for line in notice.fields.lines] == [24, 6]


def test_stedi_850_matches_the_guide_json() -> None:
    root = _dataset("x12-stedi-bootstrap")
    payload = json.loads((root / "850_outbound.json").read_text(encoding="utf-8"))["payload"]
    beginning = payload["heading"]["beginning_segment_for_purchase_order_BEG"]
    (order,) = _extract_all(root / "850_input.edi")
    assert order.fields.po_number == beginning["purchase_order_number_03"]
    assert order.fields.document_date == date.fromisoformat(beginning["date_05"])
    items = [
        loop["baseline_item_data_PO1"] for loop in payload["detail"]["baseline_item_data_PO1_loop"]
    ]
    got = [(line.qty, line.unit_price, line.sku, line.buyer_sku) for line in order.fields.lines]
    want = [
        (
            float(i["quantity_02"]),
            Decimal(str(i["unit_price_04"])),
            i["product_service_id_07"],
            i["product_service_id_09"],
        )
        for i in items
    ]
    assert got == want
    assert order.fields.total_amount == Decimal("3700")


def test_stedi_855_agrees_with_its_850() -> None:
    root = _dataset("x12-stedi-bootstrap")
    (order,) = _extract_all(root / "850_input.edi")
    (ack,) = _extract_all(root / "855_inbound.edi")
    assert ack.fields.po_number == order.fields.po_number
    assert ack.fields.ack_status == "accepted"
    assert [(a.sku, a.qty, a.unit_price) for a in ack.fields.lines] == [
        (o.sku, o.qty, o.unit_price) for o in order.fields.lines
    ]
    assert ack.discrepancies == []
    as_order = make_order(
        [(line.sku or "", int(line.qty or 0), str(line.unit_price)) for line in order.fields.lines],
        order_id=order.fields.po_number or "",
    )
    compared = extract((root / "855_inbound.edi").read_text(encoding="utf-8"), order=as_order)
    assert compared.discrepancies == []


# --- invoice2data ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "custom/basic",
        "custom/lines-basic",
        "custom/lines-blocks",
        "custom/table-groups",
        "compare/Orlen",
    ],
)
def test_invoice2data_text_invoices(name: str) -> None:
    root = _dataset("invoice2data")
    expected = json.loads((root / f"{name}.json").read_text(encoding="utf-8"))[0]
    (invoice,) = _extract_all(root / f"{name}.txt", kind="text")
    assert invoice.doc_type == "invoice"
    assert invoice.fields.document_date == date.fromisoformat(expected["date"])
    assert invoice.fields.total_amount == Decimal(str(expected["amount"])).quantize(Decimal("0.01"))
    assert invoice.fields.currency == expected["currency"]
    if name != "compare/Orlen":  # its expected "F" is template noise (see SOURCE.md)
        assert invoice.fields.invoice_number == expected["invoice_number"]
    else:
        assert invoice.fields.invoice_number == "F 1234K20/1234/12"
