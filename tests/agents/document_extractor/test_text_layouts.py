"""Text documents in other layouts and languages: column order, multi-row headers, local
number and date formats, OCR noise, credit notes, bills of lading; and confidence that says
how a value was found."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from exdesk.domain import DocumentExtraction
from tests.agents.document_extractor.helpers import extract, fixture_text

REVIEW_BAR = 0.80
"""``policies/default.yaml`` ``document.min_field_confidence``."""


def _lines(extraction: DocumentExtraction) -> list[tuple[object, ...]]:
    return [(line.sku, line.qty, line.unit_price, line.amount) for line in extraction.fields.lines]


GERMAN = """\
Muster Werkzeuge GmbH · Industriestraße 5 · 70173 Stuttgart

                                   RECHNUNG
Rechnungsnummer: RE-2026-1104            Rechnungsdatum: 03.11.2026
Ihre Bestellung: PO-778812               Kundennummer: 40017

Menge   Artikel-Nr.   Bezeichnung                   Einzelpreis      Gesamt
  10    WID-100       Blaues Widget 10 mm                  3,50       35,00
   4    WID-200       Rotes Widget 20 mm                  12,25       49,00
 100    GAD-310       Gehäuse Stahl                    1.150,00  115.000,00

                                          Nettobetrag:  115.084,00 EUR
                                          MwSt. 19 %:    21.865,96 EUR
                                          Gesamtbetrag: 136.949,96 EUR
"""


def test_german_invoice_with_quantity_first_and_local_formats() -> None:
    extraction = extract(GERMAN, kind="text")
    fields = extraction.fields
    assert extraction.doc_type == "invoice"
    assert (fields.invoice_number, fields.po_number) == ("RE-2026-1104", "PO-778812")
    assert fields.document_date == date(2026, 11, 3)
    assert (fields.total_amount, fields.currency) == (Decimal("136949.96"), "EUR")
    assert _lines(extraction) == [
        ("WID-100", 10, Decimal("3.50"), Decimal("35.00")),
        ("WID-200", 4, Decimal("12.25"), Decimal("49.00")),
        ("GAD-310", 100, Decimal("1150.00"), Decimal("115000.00")),
    ]
    assert extraction.discrepancies == []


FRENCH = """\
FACTURE N° FA-2026-0312                               Lyon, le 3 novembre 2026
Votre référence : CDE-4471

Désignation                      Qté     P.U. HT      Montant HT
Nougat de l'Abbaye 250g            12      4,55 €        54,60 €
Huile d'olive 1 L                   6     19,80 €       118,80 €

                                         Total HT        173,40 €
                                         TVA 5,5 %         9,54 €
                                         Total TTC       182,94 €
"""


def test_french_invoice_with_price_before_quantity_and_a_date_in_words() -> None:
    extraction = extract(FRENCH, kind="text")
    fields = extraction.fields
    assert (fields.invoice_number, fields.po_number) == ("FA-2026-0312", "CDE-4471")
    assert fields.document_date == date(2026, 11, 3)
    assert fields.total_amount == Decimal("182.94")
    assert [(qty, price, amount) for _, qty, price, amount in _lines(extraction)] == [
        (12, Decimal("4.55"), Decimal("54.60")),
        (6, Decimal("19.80"), Decimal("118.80")),
    ]


SPANISH = """\
FACTURA Nº: F-2026/118
Fecha: 03/11/2026
Su pedido: PED-5520

Código     Descripción                 Cantidad   Precio     Importe
TOR-M8     Tornillo M8 (caja)                20     2,10       42,00
TUE-M8     Tuerca M8 (caja)                  20     1,05       21,00

Base imponible                                                63,00
IVA 21 %                                                      13,23
Total factura                                                 76,23 EUR
"""


def test_spanish_invoice() -> None:
    extraction = extract(SPANISH, kind="text")
    fields = extraction.fields
    assert (fields.invoice_number, fields.po_number) == ("F-2026/118", "PED-5520")
    assert fields.document_date == date(2026, 11, 3)
    assert (fields.total_amount, fields.currency) == (Decimal("76.23"), "EUR")
    assert [line.sku for line in fields.lines] == ["TOR-M8", "TUE-M8"]
    assert extraction.confidence["total_amount"] >= 0.9  # lines, base and IVA reconcile


OCR_NOISE = """\
INVOICE
Invoice No: 77-4410        Date: 2026-03-12
Item        Description              Price    Qty     Amount
WID-100   Blue widget 10 mm       3.5O        1O    35.00
  WID-200     Red widget 20 mm    12.25   4          49.OO
GAD-310 Gadget housing       l50.00   2    300.00
Total: 384.00
"""


def test_ocr_noise_and_broken_alignment_are_read_by_arithmetic() -> None:
    extraction = extract(OCR_NOISE, kind="text")
    assert _lines(extraction) == [
        ("WID-100", 10, Decimal("3.50"), Decimal("35.00")),
        ("WID-200", 4, Decimal("12.25"), Decimal("49.00")),
        ("GAD-310", 2, Decimal("150.00"), Decimal("300.00")),
    ]
    assert extraction.fields.total_amount == Decimal("384.00")


TWO_ROW_HEADER = """\
INVOICE 2026-55
No.      Description              Shipment    Quantity    Unit Price     Line Amount
                                  Date                    Excl. VAT      Excl. VAT
1908-S   Office chair, blue       02/17/26    3 Piece        191.00          573.00
                                                       Total EUR Incl. VAT   681.87
"""


def test_a_header_spread_over_two_rows() -> None:
    extraction = extract(TWO_ROW_HEADER, kind="text")
    assert _lines(extraction) == [("1908-S", 3, Decimal("191.00"), Decimal("573.00"))]
    assert extraction.fields.lines[0].uom == "Piece"


CREDIT_NOTE = """\
Avoir AV-2017-0005                          Date de facture  16/11/2017
Description                    Quantité    Prix unitaire    Rem.     Prix HT
Nougat de l'Abbaye 250g        5 Unit(s)     4,55 €          10%     -20,48 €
Huile d'olive à l'ancienne    10 Liter(s)   19,80 €                  -198,00 €
                                                    Total HT        -218,48 €
                                                    Total TTC       -233,47 €
"""


def test_a_credit_note_keeps_its_signs_and_reads_discounted_rows() -> None:
    extraction = extract(CREDIT_NOTE, kind="text")
    fields = extraction.fields
    assert extraction.doc_type == "invoice"
    assert fields.invoice_number == "AV-2017-0005"
    assert fields.total_amount == Decimal("-233.47")
    assert [(line.qty, line.unit_price, line.amount) for line in fields.lines] == [
        (5, Decimal("4.55"), Decimal("-20.48")),
        (10, Decimal("19.80"), Decimal("-198.00")),
    ]


def test_a_vics_bill_of_lading_by_its_standard_fields() -> None:
    extraction = extract(fixture_text("bill_of_lading_vics.txt"), kind="text")
    fields = extraction.fields
    assert extraction.doc_type == "bill_of_lading"
    assert fields.bill_of_lading_number == "0614141000012345"
    assert fields.carrier == "Estes Express Lines"
    assert fields.tracking_number == "0741-22917-3"
    assert fields.po_number == "PO-778812"
    assert fields.extra.po_numbers == ["PO-778812", "PO-778830"]
    assert fields.ship_to_name == "Contoso Hardware #112"
    parties = {party.code: party.name for party in fields.extra.parties or []}
    assert parties["SF"] == "Northwind Distribution DC-East"
    assert (fields.extra.references or {})["SCAC"] == "EXLA"
    assert fields.lines == []


def test_captions_are_never_taken_for_values() -> None:
    text = (
        "BILL OF LADING\n"
        "BOL Number: 88213\n"
        "CUSTOMER ORDER INFORMATION\n"
        "SHIP TO:                         FREIGHT CHARGE TERMS:\n"
        "Freight Charge Terms             Prepaid\n"
    )
    extraction = extract(text, kind="text")
    fields = extraction.fields
    assert fields.po_number != "INFORMATION"
    assert fields.ship_to_name is None
    for name in ("po_number", "ship_to_name"):
        assert extraction.confidence.get(name, 0.0) < REVIEW_BAR


def test_confidence_says_how_a_value_was_found() -> None:
    text = (
        "PACKING SLIP                         PKS-2025-08742\n"
        "Order Date: 2026-03-05\n"
        "P.O.: PO-778812\n"
        "SHIP TO                              BILL TO\n"
        "Marcus Thompson                      Thompson Hardware\n"
        "Your parcels travel with UPS today.\n"
    )
    extraction = extract(text, kind="text")
    fields, confidence = extraction.fields, extraction.confidence
    assert fields.po_number == "PO-778812"
    assert confidence["po_number"] >= 0.9  # labelled, on its own line
    assert fields.ship_to_name == "Marcus Thompson"
    assert confidence["ship_to_name"] < REVIEW_BAR  # under a caption, by column
    assert fields.carrier == "UPS"
    assert confidence["carrier"] < REVIEW_BAR  # a known name found by pattern
    assert fields.shipment_id == "PKS-2025-08742"
    assert confidence["shipment_id"] <= 0.5  # printed without a label: a guess


ABBREVIATED = """\
Rechnung
Belegnummer   BN-2026-77        Belegdatum   04.11.2026
Pos.  Menge   ME      Art-Nr.   Bezeichnung                 EP         GP
1     2,00    Stück   4711 - Schraubendreher Set       12,5000      25,00
2     1,00    Stück   4712      Bitsatz 32-teilig       9,9000       9,90
Notes: this order ships in one parcel; items are checked and packed by our team today.
3     4,00    Stück   4713      Kabelbinder             1,2500       5,00
Rechnungssumme                                                     39,90
"""


def test_abbreviated_columns_codes_run_into_names_and_prose_between_rows() -> None:
    extraction = extract(ABBREVIATED, kind="text")
    assert _lines(extraction) == [
        ("4711", 2, Decimal("12.50"), Decimal("25.00")),
        ("4712", 1, Decimal("9.90"), Decimal("9.90")),
        ("4713", 4, Decimal("1.25"), Decimal("5.00")),
    ]
    assert extraction.fields.invoice_number == "BN-2026-77"


LETTER = """\
Musterstadt Versicherung AG
Herrn Max Mustermann, Musterstr. 11, 12346 Bad Musterhausen

Beitragsrechnung                                          24. Januar 2014
zu Ihrer Versicherung wird der Beitrag für den Zeitraum vom 06.12.2013 bis zum 06.12.2014 fällig.
"""


def test_a_letter_invoice_and_its_unlabelled_date() -> None:
    extraction = extract(LETTER, kind="text")
    assert extraction.doc_type == "invoice"
    assert extraction.fields.document_date == date(2014, 1, 24)
    assert extraction.confidence["document_date"] <= 0.5  # no label: a guess for review


def test_a_french_order_number() -> None:
    text = "Facture\nNuméro de facture: F-9\nNuméro de commande: CDE-77\nDate: 03/11/2026\n"
    assert extract(text, kind="text").fields.po_number == "CDE-77"
