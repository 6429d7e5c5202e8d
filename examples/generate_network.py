"""Write examples/network.json: the demo network of a fictional industrial/MRO distributor.

Deterministic (one seeded RNG, no network, no clock): running it twice writes the same file.
The demo date is 2026-11-20; every date and carrier scan is placed around it. Usage::

    .venv/bin/python examples/generate_network.py          # rewrite network.json
    .venv/bin/python examples/generate_network.py --check  # exit 1 when the file is stale
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from exdesk.domain.snapshot import NetworkSnapshot

Json = dict[str, Any]
K = TypeVar("K")

SEED = 20261120
DEMO_DATE = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
"""The instant the snapshot is taken (09:00 in Philadelphia): no scan or order is later."""
OUTPUT = Path(__file__).with_name("network.json")


class City(NamedTuple):
    """A place goods ship from, through or to, with its November UTC offset in hours."""

    name: str
    state: str
    postal_code: str
    utc_offset: int


def _cities(table: str) -> dict[str, list[City]]:
    """Parse ``key: City/ST/ZIP/offset, …`` rows (a key may take several rows)."""
    cities: dict[str, list[City]] = {}
    for row in table.strip().splitlines():
        key, places = row.split(":", 1)
        for place in places.split(","):
            name, state, postal_code, offset = place.strip().split("/")
            cities.setdefault(key, []).append(City(name, state, postal_code, int(offset)))
    return cities


REGIONS = ("us-west", "us-southwest", "us-central", "us-southeast", "us-northeast")
CITIES = _cities("""
us-west: Sacramento/CA/95815/-8, Fresno/CA/93725/-8, Portland/OR/97217/-8, Kent/WA/98032/-8
us-west: Boise/ID/83716/-7, Salt Lake City/UT/84104/-7, Ontario/CA/91761/-8, Las Vegas/NV/89118/-8
us-southwest: Houston/TX/77041/-6, San Antonio/TX/78218/-6, Phoenix/AZ/85043/-7
us-southwest: Albuquerque/NM/87107/-7, Oklahoma City/OK/73129/-6, Denver/CO/80216/-7
us-southwest: El Paso/TX/79927/-7, Tulsa/OK/74116/-6
us-central: Indianapolis/IN/46241/-5, Chicago/IL/60638/-6, Detroit/MI/48211/-5
us-central: Milwaukee/WI/53218/-6, Louisville/KY/40213/-5, St. Louis/MO/63132/-6
us-central: Minneapolis/MN/55413/-6, Cleveland/OH/44135/-5
us-southeast: Charlotte/NC/28206/-5, Nashville/TN/37210/-6, Birmingham/AL/35217/-6
us-southeast: Jacksonville/FL/32254/-5, Greenville/SC/29605/-5, Memphis/TN/38118/-6
us-southeast: Orlando/FL/32824/-5, Savannah/GA/31408/-5
us-northeast: Newark/NJ/07105/-5, Allentown/PA/18109/-5, Worcester/MA/01606/-5
us-northeast: Hartford/CT/06114/-5, Baltimore/MD/21224/-5, Albany/NY/12205/-5
us-northeast: Pittsburgh/PA/15205/-5, Syracuse/NY/13206/-5
""")
# Ground freight is sorted at the hub of the destination region; air goes through Louisville.
HUBS = {
    key: places[0]
    for key, places in _cities("""
us-west: Ontario/CA/91761/-8
us-southwest: Dallas/TX/75261/-6
us-central: Hodgkins/IL/60525/-6
us-southeast: Atlanta/GA/30349/-5
us-northeast: Parsippany/NJ/07054/-5
air: Louisville/KY/40209/-5
""").items()
}
DC_CITIES = _cities("""
DC-RNO: McCarran/NV/89437/-8
DC-DFW: Fort Worth/TX/76177/-6
DC-CMH: Columbus/OH/43217/-5
DC-ATL: Atlanta/GA/30336/-5
DC-PHL: Philadelphia/PA/19153/-5
""")
WAREHOUSES = {
    "DC-RNO": ("Reno DC (Tahoe-Reno Industrial Center)", "us-west"),
    "DC-DFW": ("Dallas-Fort Worth DC (Alliance)", "us-southwest"),
    "DC-CMH": ("Columbus DC (Rickenbacker)", "us-central"),
    "DC-ATL": ("Atlanta DC (South Fulton)", "us-southeast"),
    "DC-PHL": ("Philadelphia DC (Southwest)", "us-northeast"),
}
# Lane zone between regions: 0 same region, 1 neighbours, 2 mid-distance, 3 coast to coast.
ZONES = {
    frozenset(("us-west", "us-southwest")): 2,
    frozenset(("us-southwest", "us-southeast")): 1,
    frozenset(("us-southwest", "us-central")): 2,
    frozenset(("us-central", "us-southeast")): 1,
    frozenset(("us-central", "us-northeast")): 1,
    frozenset(("us-southeast", "us-northeast")): 2,
}

# A family row: SKU prefix, usual max qty per order line, description template; its indented
# rows list the variants (``text = price``). A SKU is the prefix plus the variant's number.
CATALOGUE = """
FST-101 40 Hex Cap Screw, Grade 5, Zinc Plated, {}, 50/Box
  1/4-20 x 1 in = 7.95 | 5/16-18 x 1-1/4 in = 10.60 | 3/8-16 x 1-1/2 in = 14.85
  1/2-13 x 2 in = 26.30
FST-102 30 Hex Cap Screw, Grade 8, Yellow Zinc, {}, 50/Box
  1/4-20 x 1 in = 12.40 | 5/16-18 x 1-1/4 in = 16.90 | 3/8-16 x 1-1/2 in = 23.75
  1/2-13 x 2 in = 41.20
FST-103 40 Nylon Insert Lock Nut, Zinc Plated, {}, 100/Box
  1/4-20 = 6.85 | 5/16-18 = 9.20 | 3/8-16 = 12.75 | 1/2-13 = 24.10
FST-104 40 Flat Washer, SAE, Zinc Plated, {}, 100/Box
  1/4 in = 3.95 | 5/16 in = 4.80 | 3/8 in = 6.10 | 1/2 in = 9.85
FST-105 20 Self-Drilling Screw, Hex Washer Head, Zinc, {}, 500/Box
  #8 x 1/2 in = 18.40 | #10 x 3/4 in = 22.95 | #12 x 1 in = 31.60 | #12 x 1-1/2 in = 38.75
FST-106 15 Wedge Anchor, Zinc Plated Steel, {}
  3/8 x 3 in, 50/Box = 36.50 | 1/2 x 4-1/4 in, 25/Box = 42.80
FST-107 15 Hex Cap Screw, 18-8 Stainless Steel, {}
  1/4-20 x 1 in, 50/Box = 21.40 | 3/8-16 x 1-1/2 in, 25/Box = 28.90
PPE-201 60 Nitrile Exam Gloves, 4 mil, Powder-Free, Blue, {}, 100/Box
  Size S = 8.95 | Size M = 8.95 | Size L = 8.95 | Size XL = 9.45
PPE-202 40 Nitrile Industrial Gloves, 6 mil, Black, Textured, {}, 100/Box
  Size S = 14.75 | Size M = 14.75 | Size L = 14.75 | Size XL = 15.50
PPE-203 20 Cut-Resistant Gloves, ANSI A4, HPPE Shell, PU Palm, {}, 12 Pairs
  Size M = 68.40 | Size L = 68.40 | Size XL = 71.20
PPE-204 25 Safety Glasses, ANSI Z87.1+, Anti-Fog, {} Lens, 12/Box
  Clear = 38.60 | Smoke = 40.20 | Indoor/Outdoor Mirror = 44.10
PPE-205 30 Foam Ear Plugs, NRR 32 dB, {}
  Uncorded, 200 Pairs/Box = 31.25 | Corded, 100 Pairs/Box = 34.90
PPE-206 40 N95 Particulate Respirator, NIOSH Approved, {}
  No Valve, 20/Box = 24.80 | Exhalation Valve, 10/Box = 29.50
PPE-207 50 Hi-Visibility Safety Vest, ANSI Class 2, Mesh, Lime, {}
  Size M/L = 9.40 | Size XL/2XL = 9.90
PPE-208 24 Hard Hat, Type I Class E, 4-Point Ratchet Suspension, {}
  White = 14.85 | Yellow = 14.85
PKG-301 30 Stretch Film, {}, 4 Rolls/Case
  Hand, 18 in x 1500 ft, 80 Gauge = 62.40 | Cast, Pre-Stretched, 18 in x 1500 ft, 47 Gauge = 54.90
  Machine, 20 in x 5000 ft, 80 Gauge = 84.50
PKG-302 40 Corrugated Box, 32 ECT, Single Wall, {}, Bundle of 25
  12 x 12 x 12 in = 24.75 | 16 x 12 x 10 in = 27.30 | 18 x 18 x 16 in = 41.60
  24 x 18 x 18 in = 54.20 | 12 x 9 x 6 in = 15.60
PKG-303 30 Carton Sealing Tape, Clear, {}
  Hot Melt, 2 in x 110 yd, 1.9 mil, 36 Rolls/Case = 71.40
  Acrylic, 2 in x 110 yd, 1.6 mil, 36 Rolls/Case = 58.90
  Hot Melt, 3 in x 110 yd, 1.9 mil, 24 Rolls/Case = 79.80
PKG-304 20 Bubble Cushioning Roll, Perforated, {}
  3/16 in Bubble, 12 in x 175 ft = 22.50 | 1/2 in Bubble, 24 in x 125 ft = 38.90
PKG-305 12 Strapping, 1/2 in, {}
  Polypropylene, 9,900 ft Coil, Black = 48.70 | Polyester, 6,500 ft Coil, Green = 92.30
PKG-306 20 {}
  Packing List Envelope, 7-1/2 x 5-1/2 in, 1000/Case = 36.80
  Direct Thermal Shipping Label, 4 x 6 in, 4 Rolls of 500 = 27.90
ELC-401 10 THHN Building Wire, 12 AWG Solid Copper, 600V, {}, 500 ft Spool
  Black = 112.50 | White = 112.50 | Green = 112.50 | Red = 114.20
ELC-402 40 {}
  Twist-On Wire Connector, Yellow, 100/Bag = 9.85 | Twist-On Wire Connector, Orange, 100/Bag = 7.40
  Twist-On Wire Connector, Red, 100/Bag = 12.60
  Lever-Nut Splicing Connector, 3-Port, 50/Box = 34.90
ELC-403 20 Extension Cord, SJTW, Lighted End, {}
  14/3, 50 ft = 46.50 | 12/3, 50 ft = 64.90
ELC-404 12 LED High Bay Fixture, 5000K, 120-277V, {}
  150W, 21,000 lm = 129.00 | 200W, 28,000 lm = 169.00
ELC-405 60 Cable Tie, Nylon 6/6, 50 lb, {}, 100/Bag
  8 in, Natural = 4.60 | 8 in, Black UV-Resistant = 5.40 | 14 in, Black UV-Resistant = 8.90
ELC-406 30 Vinyl Electrical Tape, 3/4 in x 66 ft, Black, {}, 10 Rolls
  7 mil General Purpose = 18.90 | 7 mil Premium All-Weather = 39.60
ELC-407 30 {}, White
  GFCI Receptacle, 20A 125V, Tamper-Resistant = 21.40 | Duplex Receptacle, 15A 125V, 10/Pack = 12.50
SAF-501 10 Fire Extinguisher, ABC Dry Chemical, {}, with Wall Hook
  5 lb, 3-A:40-B:C = 54.80 | 10 lb, 4-A:80-B:C = 89.90
SAF-502 8 First Aid Kit, ANSI/ISEA Z308.1-2021, {}, Metal Case
  Class A, 25 Person = 64.50 | Class B, 50 Person = 118.00
SAF-503 20 {}
  Safety Lockout Padlock, Nylon Body, Keyed Different, Red = 14.20
  Group Lockout Box, Steel, 12 Padlock Capacity = 78.40
SAF-504 10 {}
  Universal Spill Kit, 20 gal Wheeled Overpack = 142.00
  Universal Absorbent Pad, 15 x 19 in, Medium Weight, 100/Bale = 49.80
  Oil-Only Absorbent Pad, 15 x 19 in, Medium Weight, 100/Bale = 52.40
SAF-505 30 Floor Marking Tape, Vinyl, 2 in x 108 ft, {}
  Yellow = 16.80 | Yellow/Black Hazard Stripe = 19.90
SAF-506 4 {}
  Portable Eyewash Station, Gravity-Fed, 16 gal = 389.00 | Eyewash Solution, 32 oz, 2/Pack = 18.60
"""
# ``A < B``: B may stand in for A (an upgrade); ``A = B``: either for the other (alternate
# brands/specs). A family prefix links its variants one by one (size L for size L).
SUBSTITUTES = """
FST-101 < FST-102  PPE-201 < PPE-202  PKG-30101 = PKG-30102  PKG-30301 = PKG-30302
PPE-20501 = PPE-20502  PPE-20601 = PPE-20602  PKG-30501 < PKG-30502  ELC-40301 < ELC-40302
ELC-40201 < ELC-40204  ELC-40501 = ELC-40502  ELC-40601 < ELC-40602  SAF-50201 < SAF-50202
SAF-50403 < SAF-50402  SAF-50101 < SAF-50102  PKG-30205 < PKG-30201
"""

PLACES = (  # noqa: SIM905 - data tables read better as text blocks
    "Ridgeline, Harbor Point, Cascade, Great Lakes, Blue Mesa, Ironwood, Prairie, Summit, "
    "Tri-County, Keystone, Lone Star, Piedmont, Sierra, Bayou, Granite, Copperline, Northgate, "
    "Riverbend, Magnolia, Pioneer, Red Rock, Allegheny, Gulfstream, Cumberland, Evergreen, "
    "Badger, Bluegrass, Chesapeake, Mohawk, Sawtooth, Palmetto, Canyon, Heartland, Lakeshore"
).split(", ")
TRADES = (  # noqa: SIM905
    "Fabrication, Machine Works, Mechanical, Food Processing, Cold Storage, Plastics, "
    "Metal Stamping, Packaging, Electric, Facilities Services, Builders, Millwork, Logistics, "
    "Aerostructures, Marine Services, Printing, Tool & Die, HVAC, Manufacturing, Castings, "
    "Paper Converting, Auto Parts, Beverage, Cabinetry"
).split(", ")
FOREIGN = {  # locale: (name pattern, trades)
    "de-DE": ("{surname} {trade} USA Inc.", "Antriebstechnik Maschinenbau Verpackungstechnik"),
    "es-MX": ("{trade} {surname} USA LLC", "Manufacturas Industrias Ensambles Maquinados"),
    "es-ES": ("{trade} {surname} US Corp.", "Componentes Envases Herrajes Suministros"),
    "en-GB": ("{surname} {trade} (US) Inc.", "Controls Engineering Hydraulics Instruments"),
}
PEOPLE = {  # locale: (first names, surnames)
    "en-US": (
        "Dana Marcus Priya Kevin Tanya Brian Alicia Jerome Megan Luis Heather Darnell Katie "
        "Samir Rachel Tom Angela Wei Jordan Nicole Raymond Crystal Eric Monica Trevor",
        "Whitaker Okafor Nguyen Kowalski Brennan Patel Hollis Dunbar Castillo Ferraro Lindqvist "
        "Mercer Yoder Abernathy Tran Gallagher Pruitt Haddad Sorensen Bishop Delgado Kimura Vance",
    ),
    "es-MX": ("Alejandro Guadalupe Rodrigo Ximena Jorge Paola Héctor",
              "Treviño Garza Villarreal Cárdenas Ochoa Salinas Ibarra"),
    "es-ES": ("Lucía Fernando Iñaki Montserrat Álvaro", "Echeverría Muñoz Zubiri Ortega Bermúdez"),
    "de-DE": ("Jürgen Katrin Matthias Sabine Tobias Anja", "Brandt Köhler Hartmann Vogel Schäfer"),
    "en-GB": ("Nigel Fiona Gareth Imogen Rhys Harriet", "Pemberton Ashworth Carmichael Fairbairn"),
}  # fmt: skip
LOCALES = {"en-US": 80, "es-MX": 7, "en-GB": 5, "de-DE": 5, "es-ES": 3}
STREETS = "Industrial Commerce Distribution Enterprise Airport Railroad Gateway Mill".split()  # noqa: SIM905
STREET_KINDS = "Pkwy Dr Blvd Way Rd Ave Ct".split()  # noqa: SIM905
LINE2 = [None, None, None, None, "Dock 3", "Suite 120", "Bldg B", "Attn: Receiving", "Door 14"]

# tier: (customers, price factor, credit limit range, how often it orders)
TIERS = {
    "strategic": (42, "0.82", (250_000, 1_500_000), 3),
    "key": (44, "0.90", (50_000, 250_000), 2),
    "standard": (46, "1.00", (5_000, 50_000), 1),
}
CHANNELS = {
    "strategic": {"edi": 45, "field_sales": 25, "b2b_portal": 25, "ecommerce": 5},
    "key": {"b2b_portal": 40, "edi": 20, "field_sales": 20, "ecommerce": 15, "marketplace": 5},
    "standard": {"ecommerce": 45, "marketplace": 25, "b2b_portal": 20, "field_sales": 10},
}
SERVICES = {"standard": 65, "expedited": 25, "next_day": 10}
LINE_COUNTS = {1: 14, 2: 14, 3: 13, 4: 11, 5: 10, 6: 8, 7: 7, 8: 6, 9: 5, 10: 4, 11: 4, 12: 4}
STATUSES = {"open": 20, "allocated": 15, "picking": 12, "shipped": 28, "delivered": 25}
# status: days before the demo date an order was created (from, to), and its promise (from, to)
DATES = {
    "delivered": ((-19, -8), (-11, -1)),
    "shipped": ((-14, -3), (-2, 5)),
    "picking": ((-4, -1), (0, 5)),
    "allocated": ((-5, -1), (0, 6)),
    "open": ((-4, 0), (1, 14)),
}

# UPSN is UPS parcel; FXFE FedEx Freight and XPOL XPO are LTL; CRLX is Crossroads Regional
# Lines, a fictional regional LTL carrier east of the Rockies that only runs short hauls.
# Columns: carrier, service, transit days by zone (a missing zone is not served),
# cost per shipment, its step per zone, cost per unit, its step per zone.
LANES = """
UPSN standard  1,2,3,5  12.50   4.75 0.95 0.35
UPSN expedited 1,2,2,2  28.00   9.50 1.90 0.60
UPSN next_day  1,1,1,1  46.00  14.00 3.10 0.90
FXFE standard  1,2,4,5  185.00 95.00 0.22 0.06
FXFE expedited 1,2,3,4  245.00 120.00 0.30 0.08
XPOL standard  2,3,4,6  168.00 88.00 0.20 0.05
XPOL expedited 1,3,4,5  260.00 130.00 0.28 0.07
CRLX standard  1,2      95.00  55.00 0.25 0.05
CRLX expedited 1,1      135.00 60.00 0.32 0.06
CRLX next_day  1        140.00 0.00  0.35 0.00
"""
REGIONAL_REACH = ("us-southwest", "us-central", "us-southeast", "us-northeast")


def money(value: Decimal | str) -> str:
    """A decimal string with two places, as the contract puts money on the wire."""
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def zone(a: str, b: str) -> int:
    """The lane zone between two regions."""
    return 0 if a == b else ZONES.get(frozenset((a, b)), 3)


def pick(rng: random.Random, weights: dict[K, int]) -> K:
    """One key of ``weights``, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits, for e-mail addresses."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = ("".join(ch for ch in word.lower() if ch.isalnum()) for word in folded.split())
    return sep.join(word for word in words if word)


def at_local(day: date, hour: float, city: City) -> datetime:
    """The instant of a local wall-clock hour in ``city`` on ``day``."""
    return datetime.combine(day, time(), UTC) + timedelta(hours=hour - city.utc_offset)


def stamp(at: datetime, city: City) -> str:
    """RFC 3339 in the local offset of the place a scan happened, to the minute."""
    local = at.astimezone(timezone(timedelta(hours=city.utc_offset)))
    return local.replace(second=0, microsecond=0).isoformat()


@cache
def families() -> list[tuple[str, int, str, list[tuple[str, str]]]]:
    """The catalogue rows: (prefix, max qty per line, template, [(variant, price), …])."""
    rows: list[tuple[str, int, str, list[tuple[str, str]]]] = []
    for row in CATALOGUE.strip().splitlines():
        if row.startswith(" "):
            for variant in row.strip().split(" | "):
                text, price = variant.rsplit(" = ", 1)
                rows[-1][3].append((text, price))
        else:
            prefix, qty, template = row.split(" ", 2)
            rows.append((prefix, int(qty), template, []))
    return rows


def build_skus() -> list[Json]:
    """The catalogue with its substitutes resolved."""
    skus: dict[str, Json] = {}
    for prefix, _, template, variants in families():
        for i, (variant, price) in enumerate(variants, start=1):
            sku_id = f"{prefix}{i:02d}"
            text, unit_price = template.format(variant), money(price)
            skus[sku_id] = {"sku": sku_id, "description": text, "unit_price": unit_price}
            skus[sku_id]["substitutes"] = []
    words = SUBSTITUTES.split()
    for left, link, right in zip(words[::3], words[1::3], words[2::3], strict=True):
        for sku_id in [s for s in skus if s.startswith(left)]:
            other = right + sku_id[len(left) :]
            skus[sku_id]["substitutes"].append(other)
            if link == "=":
                skus[other]["substitutes"].append(sku_id)
    return list(skus.values())


def max_qty(sku_id: str) -> int:
    """How many units one order line of this SKU usually asks for at most."""
    return next(qty for prefix, qty, _, _ in families() if sku_id.startswith(prefix))


def build_inventory(rng: random.Random, skus: list[Json]) -> dict[tuple[str, str], Json]:
    """One position per DC × SKU: mostly healthy, some stocked out, some fully allocated."""
    positions: dict[tuple[str, str], Json] = {}
    for warehouse in WAREHOUSES:
        for sku in skus:
            depth = max_qty(sku["sku"]) * rng.choice([4, 6, 8, 12, 20])
            on_hand = rng.randint(depth // 3, depth)
            allocated = rng.randint(0, on_hand // 2)
            roll = rng.random()
            if roll < 0.06:
                on_hand = allocated = 0
            elif roll < 0.10:
                allocated = on_hand
            inbound = []
            if on_hand - allocated < depth // 3 or rng.random() < 0.15:
                eta = DEMO_DATE + timedelta(days=rng.randint(1, 24))
                inbound.append({"qty": max(depth - depth % 10, 10), "eta": eta.isoformat()})
            positions[warehouse, sku["sku"]] = {
                "warehouse_id": warehouse,
                "sku": sku["sku"],
                "on_hand": on_hand,
                "allocated": allocated,
                "inbound": inbound,
            }
    return positions


def company_name(rng: random.Random, locale: str, taken: set[str]) -> str:
    """A fictional, unique customer name; foreign-owned ones sound like their parent."""
    while True:
        if locale in FOREIGN:
            pattern, trades = FOREIGN[locale]
            surname, trade = rng.choice(PEOPLE[locale][1].split()), rng.choice(trades.split())
            base, name = f"{surname} {trade}", pattern.format(surname=surname, trade=trade)
        else:
            base = f"{rng.choice(PLACES)} {rng.choice(TRADES)}"
            name = base + rng.choice([" Inc.", " LLC", " Co.", " Corp.", ""])
        if base not in taken:  # "Cascade Electric" and "Cascade Electric Co." would be one firm
            taken.add(base)
            return name


def contact(rng: random.Random, locale: str, company: str) -> Json:
    """A buyer at the customer, with an example.com/example.org address."""
    first = rng.choice(PEOPLE[locale][0].split())
    last = rng.choice(PEOPLE[locale][1].split())
    skip = ("Inc.", "LLC", "Co.", "Corp.", "USA", "US", "(US)")
    domain = ascii_slug(" ".join([w for w in company.split() if w not in skip][:3]), "-")
    domain += ".example.org" if rng.random() < 0.15 else ".example.com"
    mailbox = f"{ascii_slug(first)}.{ascii_slug(last)}"
    mailbox = rng.choice([mailbox, mailbox, mailbox, mailbox, "purchasing", "ap"])
    return {"email": f"{mailbox}@{domain}", "name": f"{first} {last}", "locale": locale}


def ship_to(rng: random.Random, name: str, region: str) -> Json:
    """A delivery site of a customer in a region."""
    city = rng.choice(CITIES[region])
    street = f"{rng.randint(100, 9899)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
    return {
        "name": name,
        "line1": street,
        "line2": rng.choice(LINE2),
        "city": city.name,
        "state": city.state,
        "postal_code": city.postal_code,
        "country": "US",
        "region": region,
    }


def build_customers(rng: random.Random) -> tuple[list[Json], dict[str, list[Json]]]:
    """Customers of every tier, and the delivery sites each one orders to."""
    customers: list[Json] = []
    sites: dict[str, list[Json]] = {}
    taken: set[str] = set()
    number = 100_200
    for tier, (count, _, (low, high), _) in TIERS.items():
        for _ in range(count):
            number += rng.randint(3, 40)
            customer_id, locale = f"C-{number}", pick(rng, LOCALES)
            name = company_name(rng, locale, taken)
            limit = Decimal(rng.randrange(low, high, 5_000))
            customers.append(
                {
                    "customer_id": customer_id,
                    "name": name,
                    "tier": tier,
                    "credit_limit": money(limit),
                    "balance": money(limit * rng.randint(5, 85) / 100),
                    "allows_partial_shipment": rng.random() < 0.65,
                    "allows_substitution": rng.random() < 0.45,
                    "contact": contact(rng, locale, name),
                }
            )
            extra = {"strategic": rng.randint(1, 3), "key": rng.randint(0, 2)}.get(tier, 0)
            regions = [rng.choice(REGIONS) for _ in range(1 + extra)]
            sites[customer_id] = [ship_to(rng, name, region) for region in regions]
    return customers, sites


def build_orders(
    rng: random.Random, customers: list[Json], sites: dict[str, list[Json]], skus: list[Json]
) -> list[Json]:
    """Orders of every channel, service level and status around the demo date."""
    orders: list[Json] = []
    price = {s["sku"]: Decimal(s["unit_price"]) for s in skus}
    weights = {c["customer_id"]: TIERS[c["tier"]][3] for c in customers}
    by_id = {c["customer_id"]: c for c in customers}
    home_dc = {region: wh for wh, (_, region) in WAREHOUSES.items()}
    number = 104_100
    for _ in range(262):
        number += rng.randint(1, 9)
        customer = by_id[pick(rng, weights)]
        tier, status = customer["tier"], pick(rng, STATUSES)
        address = dict(rng.choice(sites[customer["customer_id"]]))
        warehouse = home_dc[address["region"]]
        if rng.random() < 0.15:
            warehouse = rng.choice(list(WAREHOUSES))
        (created_from, created_to), (promise_from, promise_to) = DATES[status]
        created = datetime.combine(DEMO_DATE, time(), UTC) + timedelta(
            days=rng.randint(created_from, created_to), minutes=rng.randint(12 * 60, 22 * 60)
        )
        created = min(created, NOW - timedelta(minutes=rng.randint(5, 600)))
        promised = DEMO_DATE + timedelta(days=rng.randint(promise_from, promise_to))
        promised = max(promised, created.date() + timedelta(days=2))
        factor = Decimal(TIERS[tier][1])
        lines = [
            {"line_no": i, "sku": sku["sku"], "qty": rng.randint(1, max_qty(sku["sku"]))}
            | {"unit_price": money(price[sku["sku"]] * factor)}
            for i, sku in enumerate(rng.sample(skus, pick(rng, LINE_COUNTS)), start=1)
        ]
        orders.append(
            {
                "order_id": f"SO-{number}",
                "customer_id": customer["customer_id"],
                "channel": pick(rng, CHANNELS[tier]),
                "lines": lines,
                "ship_to": address,
                "promised_date": promised.isoformat(),
                "service_level": pick(rng, SERVICES),
                "warehouse_id": warehouse,
                "status": status,
                "created_at": created.isoformat(),
            }
        )
    return orders


def add_duplicates(rng: random.Random, orders: list[Json]) -> None:
    """Submit a few open orders twice: an 850 resent, a double-clicked web order, a re-key."""
    candidates = [
        o for o in orders if o["status"] in ("open", "allocated") and o["channel"] != "marketplace"
    ]
    number = int(orders[-1]["order_id"][3:])
    for original in rng.sample(candidates, 6):
        number += rng.randint(1, 4)
        delay = {"edi": 26 * 60, "ecommerce": 40, "b2b_portal": 9 * 60}.get(original["channel"])
        created = datetime.fromisoformat(original["created_at"])
        created += timedelta(seconds=delay or 3 * 3600)
        duplicate = copy.deepcopy(original)
        duplicate.update(order_id=f"SO-{number}", status="open")
        duplicate["created_at"] = min(created, NOW).isoformat()
        orders.append(duplicate)


def force_shortages(
    rng: random.Random, orders: list[Json], positions: dict[tuple[str, str], Json]
) -> None:
    """Make some unshipped lines short at their DC, so shortage events have stock behind them."""
    pending = [o for o in orders if o["status"] in ("open", "allocated", "picking")]
    for i, order in enumerate(rng.sample(pending, 16)):
        line = rng.choice(order["lines"])
        position = positions[order["warehouse_id"], line["sku"]]
        short = min(position["on_hand"], line["qty"] - 1) if i % 2 == 0 else 0
        position["on_hand"] = position["allocated"] = short
        if not position["inbound"] and i % 3 != 0:
            eta = DEMO_DATE + timedelta(days=rng.randint(2, 12))
            position["inbound"].append({"qty": max_qty(line["sku"]) * 5, "eta": eta.isoformat()})


def set_credit_exposure(rng: random.Random, customers: list[Json], orders: list[Json]) -> None:
    """Push six customers with open orders over their limit; give two a credit balance."""
    with_open = sorted({o["customer_id"] for o in orders if o["status"] == "open"})
    by_id = {c["customer_id"]: c for c in customers}
    for customer_id in rng.sample(with_open, 6):
        limit = Decimal(by_id[customer_id]["credit_limit"])
        by_id[customer_id]["balance"] = money(limit * rng.randint(102, 125) / 100)
    for customer in rng.sample([c for c in customers if c["customer_id"] not in with_open], 2):
        customer["balance"] = money(-Decimal(rng.randint(150, 4_000)))


def build_lanes() -> list[Json]:
    """Every lane of every carrier between the regions it serves."""
    lanes = []
    for row in LANES.strip().splitlines():
        carrier, service, transit, base, base_step, unit, unit_step = row.split()
        days = [int(d) for d in transit.split(",")]
        for origin in REGIONS:
            for dest in REGIONS:
                z = zone(origin, dest)
                regional_only = carrier == "CRLX" and not {origin, dest} <= set(REGIONAL_REACH)
                if z >= len(days) or regional_only:
                    continue
                lane = {"carrier": carrier, "service": service, "origin_region": origin}
                lanes.append(
                    lane
                    | {"dest_region": dest, "transit_days": days[z]}
                    | {"cost_per_shipment": money(Decimal(base) + z * Decimal(base_step))}
                    | {"cost_per_unit": money(Decimal(unit) + z * Decimal(unit_step))}
                )
    return lanes


def tracking_number(rng: random.Random, carrier: str, service: str) -> str:
    """A tracking or PRO number in the carrier's format (UPS 1Z with its check digit)."""
    if carrier == "UPSN":
        body = "8V4E27" + {"standard": "03", "expedited": "02", "next_day": "01"}[service]
        body += f"{rng.randint(0, 9_999_999):07d}"
        values = [int(c) if c.isdigit() else (ord(c) - ord("A") + 2) % 10 for c in body]
        total = sum(values[0::2]) + 2 * sum(values[1::2])
        return f"1Z{body}{(10 - total % 10) % 10}"
    if carrier == "FXFE":
        return str(rng.randint(1_100_000_000, 1_999_999_999))
    if carrier == "XPOL":
        return str(rng.randint(100_000_000, 999_999_999))
    return f"CRX{rng.randint(10_000_000, 99_999_999)}"


def ship_day(rng: random.Random, order: Json, fate: str, transit: int) -> date:
    """When a shipment left the DC, given how its journey turns out."""
    if fate == "delivered":
        latest = date.fromisoformat(order["promised_date"]) - timedelta(days=transit)
        day = min(latest - timedelta(days=rng.randint(0, 1)), DEMO_DATE - timedelta(transit + 1))
    elif fate == "stalled":
        day = DEMO_DATE - timedelta(days=rng.randint(6, 10))
    else:
        day = min(DEMO_DATE + timedelta(rng.randint(0, 2) - transit), DEMO_DATE - timedelta(1))
    return max(day, datetime.fromisoformat(order["created_at"]).date() + timedelta(days=1))


def scans(
    rng: random.Random, order: Json, service: str, day: date, transit: int, fate: str
) -> tuple[list[tuple[str, datetime, City]], date]:
    """The carrier's milestones for one shipment (before any cut-off) and its ETA."""
    origin = DC_CITIES[order["warehouse_id"]][0]
    region = order["ship_to"]["region"]
    dest = next(c for c in CITIES[region] if c.name == order["ship_to"]["city"])
    hub = HUBS["air"] if service != "standard" else HUBS[region]
    pickup = at_local(day, 16 + rng.randint(0, 150) / 60, origin)
    arrive = at_local(day + timedelta(days=transit), 7 + rng.randint(0, 50) / 60, dest)
    span = arrive - pickup
    events = [("PU", pickup, origin), ("DP", pickup + timedelta(hours=2), origin)]
    if (hub != dest and transit > 1) or service != "standard":
        events += [("AR", pickup + span * 0.45, hub), ("DP", pickup + span * 0.55, hub)]
    events += [("AR", arrive - timedelta(hours=2), dest), ("OD", arrive, dest)]
    events.append(("D1", arrive + timedelta(hours=rng.randint(2, 7)), dest))
    eta = arrive.date()
    if fate == "delayed":
        events = [*events[:2], ("X1", pickup + span * 0.3, hub)]
        eta += timedelta(days=rng.randint(1, 3))
    elif fate == "stalled":
        events = events[:3] if len(events) > 5 else events[:2]
    return events, eta


def build_shipments(rng: random.Random, orders: list[Json], lanes: list[Json]) -> list[Json]:
    """Shipments with carrier scans for shipped and delivered orders, cut off at NOW."""
    shipments: list[Json] = []
    by_lane = {tuple(lane[k] for k in SORT_KEYS["lanes"]): lane for lane in lanes}
    number = 88_200
    for order in orders:
        if order["status"] not in ("shipped", "delivered"):
            continue
        service, dest_region = order["service_level"], order["ship_to"]["region"]
        origin_region = WAREHOUSES[order["warehouse_id"]][1]
        units = sum(line["qty"] for line in order["lines"])
        freight = service == "standard" and (units > 90 or rng.random() < 0.12)
        options = ["FXFE", "XPOL", "CRLX", "CRLX"] if freight else ["UPSN"]
        served = [c for c in options if (c, service, origin_region, dest_region) in by_lane]
        carrier = rng.choice(served)
        transit = by_lane[carrier, service, origin_region, dest_region]["transit_days"]
        for _ in range(2 if len(order["lines"]) >= 3 and rng.random() < 0.18 else 1):
            number += rng.randint(1, 7)
            fate = "delivered"
            if order["status"] == "shipped":
                fate = pick(rng, {"on_track": 72, "delayed": 16, "stalled": 12})
            day = ship_day(rng, order, fate, transit)
            events, eta = scans(rng, order, service, day, transit, fate)
            seen = [(code, at, city) for code, at, city in events if at <= NOW]
            last = seen[-1][0] if seen else "PU"
            status = {"D1": "delivered", "OD": "out_for_delivery", "X1": "exception"}.get(last)
            shipments.append(
                {
                    "shipment_id": f"SH-{number}",
                    "order_id": order["order_id"],
                    "carrier": carrier,
                    "service": service,
                    "tracking_number": tracking_number(rng, carrier, service),
                    "status": status or "in_transit",
                    "eta": eta.isoformat(),
                    "milestones": [
                        {
                            "code": code,
                            "at": stamp(at, city),
                            "location": f"{city.name}, {city.state}".upper(),
                        }
                        for code, at, city in seen
                    ],
                }
            )
        if all(s["status"] == "delivered" for s in shipments if s["order_id"] == order["order_id"]):
            order["status"] = "delivered"  # the ERP closes an order on proof of delivery
    return shipments


def build_returns(rng: random.Random, orders: list[Json]) -> list[Json]:
    """A few RMAs on delivered orders, in different states."""
    reasons = {
        "Wrong item shipped": "authorized",
        "Defective on arrival": "received",
        "Ordered in error": "requested",
        "Wrong size received": "awaiting_receipt",
        "No longer needed - project cancelled": "closed",
        "Duplicate shipment received": "authorized",
        "Not as described": "authorized",
    }
    delivered = [o for o in orders if o["status"] == "delivered"]
    returns = []
    number = 30_021
    chosen = rng.sample(delivered, len(reasons))
    for (reason, status), order in zip(reasons.items(), chosen, strict=True):
        number += rng.randint(3, 11)
        line = rng.choice(order["lines"])
        created = datetime.fromisoformat(order["created_at"]) + timedelta(days=rng.randint(8, 14))
        qty = rng.randint(1, line["qty"])
        returned = {"line_no": line["line_no"], "sku": line["sku"], "qty": qty}
        returns.append(
            {"rma_id": f"RMA-{number}", "order_id": order["order_id"], "lines": [returned]}
            | {"reason": reason, "status": status, "window_days": rng.choice([30, 30, 60, 90])}
            | {"created_at": min(created, NOW).isoformat()}
        )
    return returns


def build_network(seed: int = SEED) -> Json:
    """The whole snapshot as plain JSON, checked by the canonical model before it is returned."""
    rng = random.Random(seed)
    skus = build_skus()
    positions = build_inventory(rng, skus)
    customers, sites = build_customers(rng)
    orders = build_orders(rng, customers, sites, skus)
    add_duplicates(rng, orders)
    force_shortages(rng, orders, positions)
    set_credit_exposure(rng, customers, orders)
    lanes = build_lanes()
    warehouses = [
        {"warehouse_id": wh, "name": name, "region": region}
        | {"postal_code": DC_CITIES[wh][0].postal_code}
        for wh, (name, region) in WAREHOUSES.items()
    ]
    network: Json = {"warehouses": warehouses, "skus": skus, "customers": customers}
    network |= {"inventory": list(positions.values()), "orders": orders, "lanes": lanes}
    network["shipments"] = build_shipments(rng, orders, lanes)
    network["returns"] = build_returns(rng, orders)
    NetworkSnapshot.model_validate(network)
    return network


SORT_KEYS = {
    "warehouses": ("warehouse_id",),
    "skus": ("sku",),
    "inventory": ("warehouse_id", "sku"),
    "customers": ("customer_id",),
    "orders": ("order_id",),
    "shipments": ("shipment_id",),
    "lanes": ("carrier", "service", "origin_region", "dest_region"),
    "returns": ("rma_id",),
}


def render(network: Json) -> str:
    """Stable, reviewable JSON: keys and arrays sorted, one-space indent, final newline."""
    ordered = {}
    for name, items in network.items():
        keys = SORT_KEYS[name]
        ordered[name] = sorted(items, key=lambda item: [item[k] for k in keys])
    return json.dumps(ordered, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write network.json, or with ``--check`` report whether the file on disk is stale."""
    parser = argparse.ArgumentParser(description="Write the demo network snapshot.")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(build_network())
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        print("up to date" if current == text else f"{args.output} is stale: regenerate it")
        return 0 if current == text else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
