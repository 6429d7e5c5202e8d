"""What a text document is: invoice, packing slip, ship notice, bill of lading…"""

from __future__ import annotations

import re

from exdesk.domain import DocType

_TITLE_TEXT: tuple[tuple[DocType, str], ...] = (
    ("bill_of_lading", r"bill\s+of\s+lading|straight\s+bill|\bb/l\b|\bbol\b|frachtbrief"),
    (
        "packing_slip",
        r"packing\s+(?:slip|list)|pack\s*list|pick(?:ing)?\s+(?:slip|list)|delivery\s+note"
        r"|lieferschein|pakbon|bon\s+de\s+livraison",
    ),
    (
        "ship_notice",
        r"advance[d]?\s+ship(?:ping|ment)?\s+notice|\basn\b|ship(?:ping|ment)?\s+notice"
        r"|dispatch\s+(?:advice|notice|notification)|shipment\s+notification"
        r"|despatch\s+advice|versandavis",
    ),
    (
        "po_acknowledgment",
        r"(?:purchase\s+)?order\s+acknowledge?ment|order\s+confirmation|po\s+acknowledge?ment"
        r"|auftragsbest[äa]tigung|orderbevestiging",
    ),
    (
        "invoice",
        r"\binvoice\b|\bfaktura\b|\brechnung\b|\bfactuur\b|\bfacture\b|\bfattura\b"
        r"|\bfactura\b|amount\s+due|balance\s+due|\bbill\s+to\b|\b[a-zäöü]*rechnung\b"
        r"|\bavoir\b|\bgutschrift\b|credit\s+note|nota\s+de\s+cr[ée]dito",
    ),
    ("purchase_order", r"\bpurchase\s+order\b|\bbestellung\b|\bbon\s+de\s+commande\b"),
)
_TITLES = tuple((doc_type, re.compile(text, re.IGNORECASE)) for doc_type, text in _TITLE_TEXT)
_EVIDENCE_TEXT: tuple[tuple[DocType, str], ...] = (
    ("bill_of_lading", r"\bshipper\b|\bconsignee\b|freight\s+class|\bnmfc\b|\bpro\s+(?:no|#)"),
    ("packing_slip", r"qty\.?\s+shipped|qty\.?\s+ordered|back\s*ordered|\bb/o\b|packed\s+by"),
    ("ship_notice", r"\bcarton\b|\bsscc\b|\bpallet\b|\btracking\b|expected\s+delivery"),
    ("invoice", r"\bsubtotal\b|\btax\b|\bvat\b|\bbtw\b|payment\s+terms|\bdue\s+date\b"),
    ("invoice", r"\binvoice\s*(?:no\.?|number|#|date)"),
    (
        "invoice",
        r"rechnungs(?:nummer|nr|datum|betrag|summe)|\bmwst\b|\bust\.|umsatzsteuer|nettobetrag"
        r"|gesamtbetrag|bruttosumme|\btva\b|total\s+ttc|total\s+ht|\biban\b|\biva\b"
        r"|base\s+imponible|zahlbar|net\s+[àa]\s+payer",
    ),
)
_EVIDENCE = tuple((doc_type, re.compile(text, re.IGNORECASE)) for doc_type, text in _EVIDENCE_TEXT)
_LABEL_USE = re.compile(
    r"^\s*+-?\s*+(?:no\.?|number|nummer|nr\.?|#|date|datum|ref|:|total|id)", re.IGNORECASE
)
_SPACED = re.compile(r"\b(?:[A-Za-zÄÖÜäöü] ){3,}[A-Za-zÄÖÜäöü]\b")
_PRIORITY: tuple[DocType, ...] = (
    "bill_of_lading",
    "packing_slip",
    "ship_notice",
    "po_acknowledgment",
    "invoice",
    "purchase_order",
)


def classify_text(lines: list[str]) -> tuple[DocType, float]:
    """The document type and a confidence, from titles (weighted by position) and evidence."""
    scores: dict[DocType, float] = dict.fromkeys(_PRIORITY, 0.0)
    non_blank = [
        _SPACED.sub(lambda m: m.group().replace(" ", ""), line) for line in lines if line.strip()
    ]
    for position, line in enumerate(non_blank):
        short = len(line.split()) <= 6
        for doc_type, pattern in _TITLES:
            for match in pattern.finditer(line):
                used_as_label = bool(_LABEL_USE.match(line[match.end() :]))
                if used_as_label:
                    weight = 0.5
                elif position < 6 or short:
                    weight = 4.0 if position < 6 else 2.0
                else:
                    weight = 1.0
                scores[doc_type] += weight
        for doc_type, pattern in _EVIDENCE:
            if pattern.search(line):
                scores[doc_type] += 0.5
    ranked = sorted(_PRIORITY, key=lambda t: (-scores[t], _PRIORITY.index(t)))
    best, runner_up = scores[ranked[0]], scores[ranked[1]]
    if best < 1.0:
        return "unknown", 0.3
    confidence = 0.55 + 0.4 * (best - runner_up) / best
    return ranked[0], round(min(confidence, 0.95), 3)
