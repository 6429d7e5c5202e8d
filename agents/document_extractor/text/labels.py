"""The labels that announce a field in a semi-structured document, strongest first.

Each entry names the field it fills, the kind of value that follows (an ID, a date, an
amount, free text, a quantity) and the confidence a value found right after it deserves.
Multilingual variants cover the invoices real suppliers send (DE, NL, FR, PL, IT, ES).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ValueKind = Literal["id", "date", "amount", "text", "qty", "currency"]


@dataclass(frozen=True)
class FieldLabel:
    """One way a document labels a field."""

    field: str
    pattern: re.Pattern[str]
    kind: ValueKind
    strength: float
    rank: int
    """Lower wins when several labels of the same field are found."""


_NO = r"(?:\s*(?:no\.?|nr\.?|n[°ºo]\.?|num(?:ber|\.)?|#|id|ref(?:erence)?\.?))"

_TABLE: tuple[tuple[str, ValueKind, float, tuple[str, ...]], ...] = (
    (
        "invoice_number",
        "id",
        0.92,
        (
            rf"invoice{_NO}",
            rf"inv\.?{_NO}",
            r"tax\s+invoice\s*(?:no\.?|number|#)",
            r"faktura\s+(?:vat\s+)?(?:nr|numer)",
            r"rechnungs?\s*(?:-?nr\.?|nummer)",
            r"(?:handels|waren|teil|schluss)?rechnung\s*(?:\(\d+\)\s*)?(?:nr\.?|nummer|no\.?|#)",
            r"factuur\s*(?:nummer|nr\.?)|factuurnummer",
            r"n[°o]\s*(?:de\s+)?facture|num[ée]ro\s+de\s+facture|facture\s*n[°o]\.?",
            r"numero\s+fattura|fattura\s+n[.°o]?",
            r"factura\s+n[.°ºo]?|n[úu]mero\s+de\s+factura|n[.°ºo]\s*(?:de\s+)?factura",
            r"avoir\s*n[°o]\.?|gutschrift(?:s-?nr\.?|\s*nr\.?|snummer)|credit\s+note\s*(?:no\.?|#)",
            r"bill\s*(?:no\.?|number|#)",
        ),
    ),
    (
        "invoice_number",
        "id",
        0.8,
        (
            r"invoice|factuur|(?:handels|waren|teil|schluss)?rechnung|facture|fattura|factura",
            r"avoir|gutschrift|credit\s+note|beleg-?\s*(?:nr\.?|nummer)|belegnummer",
        ),
    ),
    (
        "po_number",
        "id",
        0.92,
        (
            rf"(?:customer\s+|cust\.?\s+|your\s+)?p\.?\s?o\.?{_NO}",
            r"p\.\s?o\.(?!\s*box)|po(?=\s*:)",
            rf"purchase\s+order{_NO}?",
            r"(?:customer|cust\.?|your|buyer'?s?)\s+(?:po|order)(?:\s*(?:no\.?|number|#|ref))?",
            r"bestell(?:nummer|-?nr\.?)|ihre\s+bestellung|bestellung(?:\s+nr\.?)?(?:\s+kunde)?",
            r"ihre\s+(?:auftragsnummer|auftrags-?nr\.?|bestellnummer|referenz)|ihr\s+auftrag",
            r"votre\s+(?:r[ée]f[ée]rence|commande)|n[°ºo]\s*(?:de\s+)?commande"
            r"|num[ée]ro\s+de\s+(?:commande|bon\s+de\s+commande)",
            r"(?:n[úu]mero\s+de\s+)?pedido(?:\s+n[.°o])?|su\s+(?:pedido|referencia)",
            r"your\s+(?:order|reference|ref\.?)",
            r"inkoopordernummer|uw\s+(?:order|referentie)",
            r"bon\s+de\s+commande|commande\s+n[°o]",
            r"numer\s+zam[óo]wienia",
        ),
    ),
    ("po_number", "id", 0.75, (rf"order{_NO}", r"ordernummer", r"order\s+ref(?:erence)?")),
    (
        "bill_of_lading_number",
        "id",
        0.92,
        (
            rf"bill\s+of\s+lading{_NO}?",
            rf"b/l{_NO}?",
            rf"bol{_NO}?",
            r"pro\s*/\s*bol",
        ),
    ),
    (
        "tracking_number",
        "id",
        0.92,
        (
            rf"tracking{_NO}?",
            r"tracking\s+code",
            r"track\s*(?:&|and)\s*trace",
            rf"pro{_NO}",
            r"(?:air\s*)?waybill(?:\s*(?:no\.?|number|#))?|awb(?:\s*(?:no\.?|#))?",
            r"consignment\s+(?:no\.?|number|note)",
            r"sendungsnummer|zendingnummer",
        ),
    ),
    (
        "shipment_id",
        "id",
        0.9,
        (
            rf"shipment{_NO}",
            rf"asn{_NO}",
            rf"packing\s+(?:slip|list){_NO}",
            rf"delivery(?:\s+note)?{_NO}",
            rf"despatch{_NO}|dispatch{_NO}",
            r"lieferschein(?:nummer|-?nr\.?)?|pakbonnummer",
        ),
    ),
    (
        "ship_date",
        "date",
        0.92,
        (
            r"ship(?:ping|ped|ment)?\s+date",
            r"date\s+shipped|shipped\s+(?:on|date)",
            r"ship\s+dt",
            r"dispatch(?:ed)?\s+(?:date|on)|despatch\s+date",
            r"pick[\s-]?up\s+date",
            r"lieferdatum|verzenddatum|date\s+d'exp[ée]dition",
        ),
    ),
    (
        "document_date",
        "date",
        0.9,
        (
            r"invoice\s+date|date\s+of\s+invoice",
            r"(?:issue|document|bill|billing|asn|notice|slip)\s+date|date\s+of\s+issue"
            r"|issued(?:\s+(?:on|at))?",
            r"factuurdatum|factuur\s+datum|rechnungsdatum|beleg-?\s*datum|lieferscheindatum",
            r"date\s+(?:de\s+(?:la\s+)?)?(?:facture|l'avoir)(?!\s+associ)|date\s+d'[ée]mission",
            r"data\s+(?:wystawienia|fattura)|fecha\s+(?:de\s+)?(?:factura|emisi[óo]n|albar[áa]n)",
        ),
    ),
    (
        "due_date",
        "date",
        0.9,
        (
            r"due\s+date|payment\s+due(?:\s+date)?|date\s+limite(?:\s+de\s+paiement)?"
            r"|vervaldatum|f[äa]llig(?:keitsdatum|\s+am)?|termin\s+p[łl]atno[śs]ci",
        ),
    ),
    (
        "document_date",
        "date",
        0.75,
        (
            r"(?<![A-Za-z]\s)(?<![A-Za-z])(?:date|datum|fecha)(?!\s+(?:de\s+)?(?:d[ée]but|fin|"
            r"livraison|prestation|d'[ée]ch[ée]ance|facture\s+associ))|(?<![A-Za-z]\s)data(?=\s*:)",
            r"(?<=,)\s*den(?=\s+\d)",
        ),
    ),
    (
        "carrier",
        "text",
        0.9,
        (
            r"carrier(?:\s+name)?",
            r"ship(?:ped)?\s+via|via(?=\s*:)",
            r"shipping\s+(?:method|carrier)|freight\s+carrier",
            r"scac(?:\s+code)?",
            r"forwarder|spediteur|vervoerder|transporteur",
        ),
    ),
    ("ship_to_name", "text", 0.85, (r"ship[\s-]?to(?:\s+name)?|consignee(?:\s+name)?",)),
    (
        "ship_to_name",
        "text",
        0.85,
        (
            r"deliver(?:y)?\s+to",
            r"shipping\s+address|delivery\s+address",
            r"afleveradres|lieferadresse|adresse\s+de\s+livraison|livr[ée]\s+[àa]",
            r"(?:abweichender\s+)?warenempf[äa]nger|lieferanschrift|destinataire",
            r"direcci[óo]n\s+de\s+entrega|entregar\s+a|consignatario",
        ),
    ),
    (
        "total_amount",
        "amount",
        0.92,
        (
            r"grand\s+total|invoice\s+total|gross\s+total|total\s+amount|total\s+invoice(?:\s+amount)?",
            r"total\s+(?:\S{1,3}\s+)?\(?(?:incl\.?|including)[^:]{0,20}\)?",
            r"nale[żz]no[śs][ćc](?:\s+og[óo][łl]em)?",
            r"gesamtbetrag|rechnungsbetrag|endbetrag|endsumme|bruttosumme|bruttobetrag"
            r"|rechnungssumme\s+brutto|summe\s+gesamt|gesamtsumme|brutto\s+gesamt",
            r"factuur\s+totaal|totaalbedrag",
            r"total\s+ttc|montant\s+total(?:\s+ttc)?|montant\s+ttc",
            r"totale\s+(?:documento|fattura)|importe\s+total|total\s+factura",
        ),
    ),
    (
        "total_amount",
        "amount",
        0.9,
        (
            r"amount\s+due|balance\s+due|total\s+due|amount\s+payable|total\s+to\s+pay"
            r"|amount\s+to\s+pay|due\s+payable",
            r"do\s+zap[łl]aty|te\s+betalen|zahlbetrag|zu\s+zahlen(?:der\s+betrag)?",
            r"net\s+[àa]\s+payer|somme\s+[àa]\s+payer|reste\s+[àa]\s+payer|total\s+a\s+pagar",
        ),
    ),
    (
        "total_amount",
        "amount",
        0.82,
        (
            r"(?<![A-Za-z])(?<!sub[\s-])total(?!\s*(?:qty|quantity|units|pieces|pcs|items|weight"
            r"|tax|vat|cartons|boxes|pallets|excl|net|lines|discount))|totaal|summe|razem",
        ),
    ),
    (
        "subtotal",
        "amount",
        0.9,
        (
            r"sub[\s-]?total|subtotaal|zwischensumme|merchandise\s+total|net\s+amount"
            r"|total\s+net|net\s+total|total\s+h\.?t\.?|exclusief\s+btw|nettobetrag|summe\s+netto"
            r"|rechnungssumme\s+(?:netto|ohne\s+ust\.?)|positionen\s+netto|positionssumme"
            r"|sous[\s-]total|montant\s+h\.?t\.?|base\s+imponible",
        ),
    ),
    (
        "tax",
        "amount",
        0.85,
        (
            r"(?:sales\s+)?tax(?:\s+amount)?|vat(?:\s+amount)?|gst|hst|btw|mwst|tva|kwota\s+vat"
            r"|total\s+tva|steuerbetrag|ust\.?\s+gesamt|umsatzsteuer|cuota\s+iva|iva",
        ),
    ),
    (
        "shipping",
        "amount",
        0.85,
        (
            r"shipping(?:\s+(?:&|and)\s+handling)?|delivery\s+fee|versandkosten(?:\s+netto)?"
            r"|frais\s+de\s+port|portes|freight(?!\s+(?:class|charge|terms|bill|payment|carrier))",
        ),
    ),
    ("discount", "amount", 0.85, (r"discount|rebate|allowance",)),
    (
        "total_qty",
        "qty",
        0.85,
        (r"total\s+(?:qty|quantity|units|pieces|pcs|items|cartons)|(?:units|pieces)\s+shipped",),
    ),
    (
        "currency",
        "currency",
        0.9,
        (
            r"currency|(?:rechnungs)?w[äa]hrung|valuta|devise|waluta|moneda|beträge\s+in|amounts\s+in",
        ),
    ),
)


def _compile(label: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9])(?:{label})(?![A-Za-z])", re.IGNORECASE)


LABELS: tuple[FieldLabel, ...] = tuple(
    FieldLabel(field=name, pattern=_compile(label), kind=kind, strength=strength, rank=rank)
    for rank, (name, kind, strength, labels) in enumerate(_TABLE)
    for label in labels
)
"""Every label, in the order of :data:`_TABLE` (the rank breaks ties between fields)."""
