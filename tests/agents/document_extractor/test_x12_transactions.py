"""The X12 interpreters: 850, 855, 856, 810, 997, 999 and TA1 read into business fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.agents.document_extractor.helpers import extract, fixture_text, interchange, isa


def test_purchase_order_header_parties_and_lines() -> None:
    content = interchange(
        [
            "BEG*00*SA*4500012345**20260310",
            "CUR*BY*USD",
            "DTM*010*20260314",
            "TD5*O*2*ODFL**OLD DOMINION",
            "N1*ST*Northwind DC 4*92*DC4",
            "N3*455 Harbor Blvd",
            "N4*Long Beach*CA*90802",
            "PO1*1*10*EA*3.50**BP*NW-1001*VP*WID-100*UP*012345678905",
            "PID*F*75***BLUE",
            "PID*F*08***Blue widget, 10 mm",
            "PO1*2*4*CA*12.25**IN*NW-1002*SK*WID-200",
            "PO1*3*1*EA*7**UP*098765432109",
            "CTT*3*15",
            "AMT*TT*91",
        ]
    )
    extraction = extract(content)
    fields = extraction.fields
    assert extraction.doc_type == "purchase_order"
    assert extraction.x12_transaction_set == "850"
    assert fields.po_number == "4500012345"
    assert fields.document_date == date(2026, 3, 10)
    assert fields.ship_date == date(2026, 3, 14)
    assert fields.carrier == "ODFL"
    assert fields.currency == "USD"
    assert fields.ship_to_name == "Northwind DC 4"
    assert fields.total_amount == Decimal("91")
    assert fields.total_qty == 15
    first, second, third = fields.lines
    assert (first.sku, first.buyer_sku, first.description) == (
        "WID-100",
        "NW-1001",
        "Blue widget, 10 mm",
    )
    assert (first.qty, first.uom, first.unit_price, first.amount) == (
        10,
        "EA",
        Decimal("3.50"),
        Decimal("35"),
    )
    assert (second.sku, second.buyer_sku, second.uom) == ("WID-200", "NW-1002", "CA")
    assert third.sku == "098765432109"
    assert extraction.warnings == []
    assert extraction.confidence["po_number"] > 0.9


def test_purchase_order_totals_that_disagree_are_warned() -> None:
    content = interchange(
        ["BEG*00*SA*PO-1**20260310", "PO1*1*2*EA*5**VP*A-1", "CTT*2*3", "AMT*TT*99"]
    )
    warnings = " | ".join(extract(content).warnings)
    assert "CTT01 declares 2 line items" in warnings
    assert "CTT02 hash total 3" in warnings
    assert "AMT02 99 does not equal the sum of the PO1 lines 10" in warnings


def test_po_acknowledgment_line_statuses_become_discrepancies() -> None:
    extraction = extract(fixture_text("po_ack_changes.x12"))
    fields = extraction.fields
    assert extraction.doc_type == "po_acknowledgment"
    assert fields.po_number == "PO-778812"
    assert fields.ack_status == "partially_accepted"
    assert [line.qty for line in fields.lines] == [10, 3, 0, 0, 6, 8]
    statuses = {s.line_no: s.status for s in fields.extra.line_statuses or []}
    assert statuses == {1: "IA", 2: "IQ", 3: "IR", 4: "R2", 5: "IP", 6: "IB"}
    found = {(d.line_no, d.kind, d.expected, d.actual) for d in extraction.discrepancies}
    assert (2, "qty", "4", "3") in found
    assert (3, "qty", "2", "0") in found
    assert (4, "sku", "OLD-999", None) in found
    assert (5, "unit_price", None, "4.75") in found
    assert (6, "other", "8", "8") in found
    assert all(line_no != 1 for line_no, *_ in found)


def test_fully_accepted_acknowledgment_has_no_discrepancy() -> None:
    content = interchange(
        ["BAK*00*AD*PO-9*20260310", "PO1*1*5*EA*2**VP*A-1", "ACK*IA*5*EA", "CTT*1"],
        functional_id="PR",
    )
    extraction = extract(content)
    assert extraction.fields.ack_status == "accepted"
    assert extraction.discrepancies == []


def test_ship_notice_hierarchy_carrier_tracking_and_short_shipment() -> None:
    extraction = extract(fixture_text("ship_notice.x12"))
    fields = extraction.fields
    assert extraction.doc_type == "ship_notice"
    assert fields.shipment_id == "ASN-2026-03-0091"
    assert fields.po_number == "PO-778812"
    assert fields.carrier == "XPOL"
    assert fields.tracking_number == "445566778"
    assert fields.bill_of_lading_number == "90210-4477"
    assert fields.ship_date == date(2026, 3, 12)
    assert fields.extra.estimated_delivery_date == date(2026, 3, 15)
    assert [(line.sku, line.qty) for line in fields.lines] == [
        ("WID-100", 10),
        ("WID-200", 2),
        ("GAD-310", 2),
    ]
    assert (fields.extra.line_packs or [])[2] == "00012345678900000028"
    (short,) = extraction.discrepancies
    assert (short.kind, short.sku, short.expected, short.actual) == ("qty", "WID-200", "4", "2")


def test_ship_notice_with_a_broken_parent_link_is_warned() -> None:
    content = interchange(
        [
            "BSN*00*SHP-1*20260312*1015",
            "HL*1**S",
            "HL*2*1*O",
            "PRF*PO-1",
            "HL*3*9*I",
            "LIN*1*VP*A-1",
            "SN1**5*EA",
        ],
        functional_id="SH",
    )
    extraction = extract(content)
    assert "HL 3 names parent 9, which does not precede it" in extraction.warnings
    assert extraction.fields.lines[0].qty == 5


def test_invoice_total_is_checked_against_lines_charges_and_taxes() -> None:
    extraction = extract(fixture_text("invoice_total_mismatch.x12"))
    fields = extraction.fields
    assert extraction.doc_type == "invoice"
    assert fields.invoice_number == "INV-2026-0412"
    assert fields.po_number == "PO-778812"
    assert fields.total_amount == Decimal("450.00")
    assert fields.carrier == "UPSN"
    assert fields.tracking_number == "1Z999AA10123456784"
    (total,) = extraction.discrepancies
    assert (total.kind, total.expected, total.actual) == ("total", "426.72", "450.00")
    assert extraction.confidence["total_amount"] < 0.9


def test_invoice_whose_tds_adds_up_has_no_discrepancy() -> None:
    content = interchange(
        [
            "BIG*20260312*INV-7*20260301*PO-7",
            "IT1*1*16*CA*52.56**UA*001055503223",
            "SAC*C*D360***5887",
            "TDS*89983",
            "CTT*1",
        ],
        functional_id="IN",
    )
    extraction = extract(content)
    assert extraction.fields.total_amount == Decimal("899.83")
    assert extraction.discrepancies == []


def test_997_rejection_codes_are_described() -> None:
    content = interchange(
        [
            "AK1*PO*1421",
            "AK2*850*0001",
            "AK3*PO1*13**8",
            "AK4*2:1*234*7*XYZ",
            "AK5*R*5",
            "AK9*R*1*1*0",
        ],
        functional_id="FA",
    )
    extraction = extract(content)
    fields = extraction.fields
    assert extraction.doc_type == "functional_ack"
    assert fields.ack_status == "rejected"
    assert fields.acknowledged_group_control_number == "1421"
    assert fields.acknowledged_functional_id == "PO"
    segment, element, transaction = fields.ack_errors
    assert (segment.level, segment.segment_id, segment.segment_position) == ("segment", "PO1", 13)
    assert segment.description == "Segment has data element errors"
    assert (element.level, element.element_position, element.code) == ("element", 2, "7")
    assert element.description.startswith("Invalid code value")
    assert "XYZ" in element.description
    assert (transaction.level, transaction.code) == ("transaction", "5")
    assert transaction.description == "One or more segments in error"
    assert transaction.transaction_control_number == "0001"


def test_999_implementation_errors_and_partial_acceptance() -> None:
    extraction = extract(fixture_text("ack_999_partial.x12"))
    fields = extraction.fields
    assert extraction.x12_transaction_set == "999"
    assert fields.ack_status == "partially_accepted"
    codes = [(e.level, e.code) for e in fields.ack_errors]
    assert codes == [("segment", "8"), ("element", "1"), ("element", "7"), ("transaction", "I5")]
    assert fields.ack_errors[-1].description == "Implementation one or more segments in error"
    statuses = [t.status for t in fields.extra.acknowledged_transactions or []]
    assert statuses == ["R", "A"]


def test_ta1_interchange_rejection() -> None:
    content = isa() + "TA1*000484889*040709*1339*R*015~IEA*0*000000905~"
    extraction = extract(content)
    assert extraction.x12_transaction_set == "TA1"
    assert extraction.fields.ack_status == "rejected"
    (error,) = extraction.fields.ack_errors
    assert error.code == "015"
    assert "Invalid interchange time value" in error.description


def test_transaction_sets_not_interpreted_are_reported_as_unknown() -> None:
    content = interchange(["BEG*00*SA*X**20260312"]).replace("ST*850", "ST*940")
    extraction = extract(content)
    assert extraction.doc_type == "unknown"
    assert any(
        "X12 940 (Warehouse Shipping Order) is not interpreted" in w for w in extraction.warnings
    )


def test_paired_qualifier_without_id_breaks_a_syntax_note() -> None:
    content = interchange(["BEG*00*SA*PO-1**20260310", "PO1*1*2*EA*5**CB**VP*A-1", "CTT*1"])
    warnings = extract(content).warnings
    assert (
        "segment PO1 at position 3 breaks syntax note P0607: PO106 and PO107 must be used together"
        in warnings
    )


def test_purchase_order_price_from_ctp_when_po1_has_none() -> None:
    content = interchange(
        [
            "BEG*00*SA*PO-CTP**20260310",
            "PO1*1*6*EA***UP*058824014093*IT*1409",
            "CTP**UCP*34.98",
            "CTP**RES*69.95",
            "PO1*2*2*EA***UP*058824014109",
            "CTP**RES*74.95",
            "PO1*3*1*EA*5.00**UP*058824014110",
            "CTP**UCP*4.00",
            "CTT*3",
        ]
    )
    lines = extract(content).fields.lines
    # the buyer's unit cost, never the retail (shelf) price; PO104 wins when it is given
    assert [line.unit_price for line in lines] == [Decimal("34.98"), None, Decimal("5.00")]
    assert lines[0].amount == Decimal("209.88")
