"""Comparison with the order: every discrepancy kind, with the order's and the document's value."""

from __future__ import annotations

from decimal import Decimal

from exdesk.domain import Discrepancy, Sku
from tests.agents.document_extractor.helpers import (
    extract,
    fixture_text,
    interchange,
    make_order,
)


def _by_kind(
    discrepancies: list[Discrepancy],
) -> dict[str, list[tuple[str | None, str | None, str | None]]]:
    found: dict[str, list[tuple[str | None, str | None, str | None]]] = {}
    for d in discrepancies:
        found.setdefault(d.kind, []).append((d.sku, d.expected, d.actual))
    return found


def test_a_document_that_matches_the_order_has_no_discrepancy() -> None:
    extraction = extract(fixture_text("invoice_us.txt"), kind="text", order=make_order())
    assert extraction.discrepancies == []


def test_each_kind_of_discrepancy_names_both_values() -> None:
    order = make_order(
        [
            ("WID-100", 10, "3.50"),
            ("WID-200", 5, "12.25"),
            ("GAD-310", 2, "140.00"),
            ("NUT-008", 1, "2.00"),
        ],
        order_id="PO-999999",
    )
    extraction = extract(fixture_text("invoice_us.txt"), kind="text", order=order)
    found = _by_kind(extraction.discrepancies)
    assert found["po_number"] == [(None, "PO-999999", "PO-778812")]
    assert found["qty"] == [("WID-200", "5", "4")]
    assert found["unit_price"] == [("GAD-310", "140.00", "150.00")]
    assert found["missing_line"] == [("NUT-008", "1", None)]
    assert found["total"] == [(None, "378.25", "384.00")]
    assert set(found) == {"po_number", "qty", "unit_price", "missing_line", "total"}


def test_extra_line_and_sku_substitution_on_the_same_line_number() -> None:
    order = make_order([("WID-100", 10, "3.50"), ("WID-201", 4, "12.25")])
    content = interchange(
        [
            "BIG*20260312*INV-1*20260305*PO-778812",
            "IT1*1*10*EA*3.50**VP*WID-100",
            "IT1*2*4*EA*12.25**VP*WID-200",
            "IT1*3*1*EA*5.00**VP*SRV-FEE",
            "TDS*9400",
        ],
        functional_id="IN",
    )
    extraction = extract(content, order=order)
    found = _by_kind(extraction.discrepancies)
    assert found["sku"] == [("WID-201", "WID-201", "WID-200")]
    assert found["extra_line"] == [("SRV-FEE", None, "1")]
    assert "missing_line" not in found
    assert "qty" not in found


def test_lines_are_matched_through_buyer_part_numbers_known_to_the_order() -> None:
    order = make_order([("NW-1001", 10, "3.50"), ("NW-1002", 4, "12.25"), ("NW-1003", 2, "150.00")])
    extraction = extract(fixture_text("ship_notice.x12"), order=order)
    assert [line.sku for line in extraction.fields.lines] == ["NW-1001", "NW-1002", "NW-1003"]
    found = _by_kind(extraction.discrepancies)
    assert found == {"qty": [("NW-1002", "4", "2")]}
    resolutions = extraction.fields.extra.sku_resolutions or []
    assert {r.to for r in resolutions} == {"NW-1001", "NW-1002", "NW-1003"}


def test_catalog_descriptions_resolve_lines_without_a_sku() -> None:
    catalog = [
        Sku(sku="WID-100", description="Blue widget 10 mm", unit_price=Decimal("3.50")),
        Sku(sku="WID-200", description="Red widget 20 mm", unit_price=Decimal("12.25")),
    ]
    order = make_order([("WID-100", 3, "3.50"), ("WID-200", 1, "12.25")])
    text = (
        "PACKING SLIP\nP.O.: PO-778812\n\n"
        "Description          Qty Shipped\n"
        "Blue widget, 10 mm   3\n"
        "Red widget, 20 mm    2\n"
    )
    extraction = extract(text, kind="text", order=order, skus=catalog)
    assert [line.sku for line in extraction.fields.lines] == ["WID-100", "WID-200"]
    assert _by_kind(extraction.discrepancies) == {"qty": [("WID-200", "1", "2")]}
    assert extraction.confidence["lines"] <= 0.8


def test_rejected_acknowledgment_lines_compared_with_the_order() -> None:
    order = make_order(
        [
            ("WID-100", 10, "3.50"),
            ("WID-200", 4, "12.25"),
            ("GAD-310", 2, "150.00"),
            ("OLD-999", 5, "9.99"),
            ("CLP-050", 6, "4.50"),
            ("NUT-008", 8, "2.10"),
        ]
    )
    extraction = extract(fixture_text("po_ack_changes.x12"), order=order)
    found = {(d.kind, d.sku, d.expected, d.actual) for d in extraction.discrepancies}
    assert ("qty", "WID-200", "4", "3") in found
    assert ("qty", "GAD-310", "2", "0") in found
    assert ("qty", "OLD-999", "5", "0") in found
    assert ("unit_price", "CLP-050", "4.50", "4.75") in found
    assert ("other", "NUT-008", "8", "8") in found
    rejected = next(d for d in extraction.discrepancies if d.sku == "GAD-310")
    assert "Item rejected" in rejected.message


def test_multi_order_ship_notice_is_compared_on_the_lines_of_this_order() -> None:
    content = interchange(
        [
            "BSN*00*SHP-1*20260312*1015",
            "HL*1**S",
            "HL*2*1*O",
            "PRF*PO-OTHER",
            "HL*3*2*I",
            "LIN*1*VP*ZZZ-1",
            "SN1**7*EA",
            "HL*4*1*O",
            "PRF*PO-778812",
            "HL*5*4*I",
            "LIN*1*VP*WID-100",
            "SN1**10*EA",
        ],
        functional_id="SH",
    )
    order = make_order([("WID-100", 10, "3.50")])
    extraction = extract(content, order=order)
    assert extraction.fields.extra.po_numbers == ["PO-OTHER", "PO-778812"]
    assert extraction.discrepancies == []
