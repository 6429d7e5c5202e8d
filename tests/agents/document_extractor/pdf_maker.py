"""Small PDF files written for the tests: text in a monospaced font, one line per row (so a
table keeps its columns), or a page with no text at all, as a scanner makes."""

from __future__ import annotations

import base64


def _pdf(page_content: bytes, with_font: bool = True) -> bytes:
    font = b"/Resources << /Font << /F1 5 0 R >> >>" if with_font else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " + font + b" >>",
        b"<< /Length %d >>\nstream\n" % len(page_content) + page_content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds the lines, in Courier 9 pt."""
    stream = [b"BT", b"/F1 9 Tf", b"11 TL", b"36 760 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
    stream.append(b"ET")
    return _pdf(b"\n".join(stream))


def scanned_pdf() -> bytes:
    """A one-page PDF with a filled rectangle and no text layer."""
    return _pdf(b"0.5 g 36 36 540 720 re f", with_font=False)


def as_base64(data: bytes) -> str:
    """The bytes as a document's ``content``."""
    return base64.b64encode(data).decode("ascii")
