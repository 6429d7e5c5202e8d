"""Shared helpers for the document extractor tests: fixtures, orders, one-call extraction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from exdesk.agents.document_extractor import ExtractionRequest, LocalDocumentExtractor
from exdesk.domain import Address, Document, DocumentExtraction, Order, OrderLine, Sku

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "documents"


def fixture_text(name: str) -> str:
    """A fixture document's content."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def extract(
    content: str,
    kind: str = "x12",
    order: Order | None = None,
    skus: Sequence[Sku] = (),
    name: str = "document",
) -> DocumentExtraction:
    """Run the local engine on a document and return its extraction."""
    document = Document.model_validate({"kind": kind, "name": name, "content": content})
    request = ExtractionRequest(document=document, order=order, skus=list(skus))
    return LocalDocumentExtractor().extract(request).output


def make_order(
    lines: Sequence[tuple[str, int, str]] = (
        ("WID-100", 10, "3.50"),
        ("WID-200", 4, "12.25"),
        ("GAD-310", 2, "150.00"),
    ),
    order_id: str = "PO-778812",
) -> Order:
    """The order the fixture documents were written against (SKU, qty, unit price)."""
    return Order(
        order_id=order_id,
        customer_id="CUST-NW",
        channel="edi",
        lines=[
            OrderLine(line_no=number, sku=sku, qty=qty, unit_price=Decimal(price))
            for number, (sku, qty, price) in enumerate(lines, start=1)
        ],
        ship_to=Address(
            name="Northwind Retail DC 4",
            line1="455 Harbor Blvd",
            city="Long Beach",
            state="CA",
            postal_code="90802",
            country="US",
            region="us-west",
        ),
        promised_date=date(2026, 3, 16),
        service_level="standard",
        warehouse_id="DC-EAST",
        status="released",
    )


def isa(
    element: str = "*",
    repetition: str = "U",
    component: str = ">",
    terminator: str = "~",
    version: str = "00401",
    control: str = "000000905",
) -> str:
    """A standard 106-character ISA segment (with its terminator)."""
    parts = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SENDER".ljust(15), "ZZ"]
    parts += ["RECEIVER".ljust(15), "260312", "1015", repetition, version, control, "0", "P"]
    return element.join(parts) + element + component + terminator


def interchange(
    body: list[str],
    functional_id: str = "PO",
    control: str = "000000905",
    version: str = "004010",
    set_control: str = "0001",
) -> str:
    """One interchange, one group, one transaction set around ``body`` (star/tilde)."""
    set_id = {"PO": "850", "PR": "855", "SH": "856", "IN": "810", "FA": "997"}[functional_id]
    segments = [f"ST*{set_id}*{set_control}", *body]
    segments.append(f"SE*{len(segments) + 1}*{set_control}")
    lines = [
        isa(control=control),
        f"GS*{functional_id}*SENDER*RECEIVER*20260312*1015*77*X*{version}",
    ]
    lines += [*[s + "~" for s in segments], "GE*1*77~", f"IEA*1*{control}~"]
    return lines[0] + "\n" + lines[1] + "~\n" + "\n".join(lines[2:]) + "\n"
