"""Document kinds and encodings: base64 PDFs (limits, bad base64), EDIFACT sent as X12 and
the reverse, byte-order marks, Latin-1 / Windows-1252 bytes and mixed line ends."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from exdesk.agents.document_extractor.decoding import decode_bytes, normalize_text
from exdesk.domain import Document, ExceptionEvent
from exdesk.domain.events import MAX_DOCUMENT_BYTES, event_text
from exdesk.errors import ExtractionError
from tests.agents.document_extractor.helpers import extract, fixture_text, interchange
from tests.agents.document_extractor.pdf_maker import as_base64, text_pdf


def test_a_pdf_document_must_carry_base64() -> None:
    with pytest.raises(ValidationError, match="must be base64 of the file's bytes"):
        Document(kind="pdf", name="invoice.pdf", content="%PDF-1.4 not encoded")


def test_a_pdf_over_the_size_limit_is_refused_by_its_decoded_size() -> None:
    too_big = base64.b64encode(b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES).decode()
    with pytest.raises(ValidationError, match=f"at most {MAX_DOCUMENT_BYTES}"):
        Document.model_validate({"kind": "pdf", "name": "big.pdf", "content": too_big})


def test_pdf_base64_may_be_wrapped_or_a_data_url() -> None:
    data = text_pdf(["INVOICE", "Invoice No: 77-1"])
    encoded = as_base64(data)
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    for content in (wrapped, f"data:application/pdf;base64,{encoded}"):
        document = Document(kind="pdf", name="x.pdf", content=content)
        assert document.file_bytes() == data


def test_bytes_that_are_not_a_pdf_are_an_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="not a PDF file"):
        extract(as_base64(b"hello, not a pdf"), kind="pdf")


def test_an_event_with_a_pdf_gives_the_classifier_its_name_not_base64() -> None:
    event = ExceptionEvent(
        source="email",
        source_event_id="m-1",
        occurred_at=datetime(2026, 3, 12, tzinfo=UTC),
        summary="Invoice attached",
        document=Document(kind="pdf", name="INV-77.pdf", content=as_base64(text_pdf(["x"]))),
    )
    assert event_text(event) == "Invoice attached\nINV-77.pdf"


EDIFACT_ORDER = (
    "UNB+UNOC:3+SENDER:14+RECEIVER:14+260312:1015+42'UNH+1+ORDERS:D:96A:UN:EAN008'"
    "BGM+220+PO-1+9'DTM+137:20260312:102'LIN+1++4006381333931:EN'QTY+21:5'UNS+S'"
    "UNT+6+1'UNZ+1+42'"
)


def test_edifact_sent_as_x12_is_read_as_edifact_with_a_warning() -> None:
    extraction = extract(EDIFACT_ORDER, kind="x12")
    assert (extraction.format, extraction.fields.po_number) == ("edifact", "PO-1")
    assert "the document was sent as x12 but is edifact" in extraction.warnings


def test_x12_sent_as_edifact_is_read_as_x12_with_a_warning() -> None:
    content = interchange(["BEG*00*SA*PO-9**20260310", "PO1*1*2*EA*5**VP*A-1", "CTT*1"])
    extraction = extract(content, kind="edifact")
    assert (extraction.format, extraction.fields.po_number) == ("x12", "PO-9")
    assert "the document was sent as edifact but is x12" in extraction.warnings


def test_a_document_marked_edifact_that_is_not_says_so() -> None:
    with pytest.raises(ExtractionError, match="not an EDIFACT interchange"):
        extract("Dear supplier, please ship", kind="edifact")


@pytest.mark.parametrize("kind", ["x12", "text"])
def test_an_x12_file_with_a_byte_order_mark_is_read_however_it_was_decoded(kind: str) -> None:
    data = b"\xef\xbb\xbf" + interchange(["BEG*00*SA*PO-9**20260310", "CTT*0"]).encode()
    for content in (data.decode("latin-1"), data.decode("utf-8")):
        assert extract(content, kind=kind).fields.po_number == "PO-9"


def test_a_windows_1252_invoice_is_read_like_its_utf8_original() -> None:
    original = fixture_text("invoice_eu.txt")
    cp1252 = decode_bytes(original.encode("cp1252"))
    utf8_read_as_latin1 = original.encode("utf-8").decode("latin-1")
    assert cp1252 == original
    assert normalize_text(utf8_read_as_latin1) == original
    expected = extract(original, kind="text").fields
    for content in (cp1252, utf8_read_as_latin1, original.replace("\n", "\r\n", 5)):
        fields = extract(content, kind="text").fields
        assert fields.lines == expected.lines
        assert fields.invoice_number == expected.invoice_number == "RE-2026-00731"


def test_genuine_latin1_text_is_not_altered() -> None:
    assert normalize_text("Ã la carte, 3 × Gehäuse") == "Ã la carte, 3 × Gehäuse"
