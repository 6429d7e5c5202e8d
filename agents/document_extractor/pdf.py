"""PDF documents: the text layer through ``pypdf``, laid out as on the page, then the text
reader. A PDF without a text layer (a scan) is flagged for a person, never guessed."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.text import read_text
from exdesk.domain import ExtractedFields
from exdesk.errors import ExtractionError

MIN_TEXT_CHARACTERS_PER_PAGE = 20
"""Fewer visible characters than this on average and the PDF is taken for a scan."""
SCAN_WARNING = (
    "the PDF has no text layer (a scanned image?): nothing was extracted; a person must read it"
)
_SCAN_CONFIDENCE = 0.05
_PAGE_LIMIT = 200


def pdf_text(data: bytes) -> tuple[str, int]:
    """The text of every page, laid out in columns as printed, and the number of pages."""
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("not a PDF file: the content does not start with %PDF")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("the PDF is encrypted with a password: it cannot be read")
        pages = reader.pages[:_PAGE_LIMIT]
        texts = [
            page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False)
            for page in pages
        ]
        return "\n\f".join(texts), len(reader.pages)
    except PdfReadError as error:
        raise ExtractionError(f"the PDF file is damaged: {error}") from error


def read_pdf(data: bytes) -> Interpretation:
    """Read a PDF's text layer as a text document; a scan yields a flagged empty reading."""
    text, pages = pdf_text(data)
    visible = sum(1 for char in text if not char.isspace())
    if visible < MIN_TEXT_CHARACTERS_PER_PAGE * max(pages, 1):
        reading = Interpretation(doc_type="unknown", format="pdf", fields=ExtractedFields())
        reading.warnings.append(SCAN_WARNING)
        reading.confidence = dict.fromkeys(("doc_type", "po_number", "lines"), _SCAN_CONFIDENCE)
    else:
        reading = read_text(text)
        reading.format = "pdf"
    reading.fields.extra.pdf_pages = pages
    return reading
