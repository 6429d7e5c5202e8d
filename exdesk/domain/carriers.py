"""Carriers as customers know them: the code the network holds (a SCAC such as ``UPSN``)
and the names a message may use for the same company.

Drafts name a carrier the way a customer does ("UPS", not ``UPSN``); the claim checker reads
any of these names back to the carrier, so "FedEx" in a draft is the ``FXFE`` of a shipment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class CarrierCompany:
    """One carrier company: its codes with the name each is shown by, and other names."""

    key: str
    """A stable name for the company (what two mentions are compared by)."""
    codes: dict[str, str]
    """SCAC (or other network code) → the name a customer reads."""
    aliases: tuple[str, ...] = ()
    """Other names the company is written as."""

    def names(self) -> tuple[str, ...]:
        """Every way the company may be written: codes, display names, aliases."""
        return (*self.codes, *self.codes.values(), *self.aliases)


CARRIER_COMPANIES: Final[tuple[CarrierCompany, ...]] = (
    CarrierCompany("ups", {"UPSN": "UPS", "UPSS": "UPS"}, ("United Parcel Service",)),
    CarrierCompany(
        "fedex",
        {
            "FXFE": "FedEx Freight",
            "FXNL": "FedEx Freight",
            "FDEG": "FedEx Ground",
            "FDXE": "FedEx Express",
        },
        ("FedEx", "Fed Ex", "Federal Express", "FXF"),
    ),
    CarrierCompany("xpo", {"XPOL": "XPO"}, ("XPO Logistics",)),
    CarrierCompany(
        "crossroads", {"CRLX": "Crossroads Regional Lines"}, ("Crossroads", "Crossroads Regional")
    ),
    CarrierCompany("old_dominion", {"ODFL": "Old Dominion"}, ("Old Dominion Freight Line",)),
    CarrierCompany("saia", {"SAIA": "Saia"}),
    CarrierCompany("estes", {"EXLA": "Estes"}, ("Estes Express", "Estes Express Lines")),
    CarrierCompany("rl", {"RLCA": "R+L Carriers"}, ("R+L", "R&L Carriers")),
    CarrierCompany("abf", {"ABFS": "ABF Freight"}, ("ABF",)),
    CarrierCompany("tforce", {"TFIN": "TForce Freight"}, ("TForce", "UPS Freight")),
    CarrierCompany("southeastern", {"SEFL": "Southeastern Freight Lines"}),
    CarrierCompany("usps", {"USPS": "USPS"}, ("US Postal Service", "United States Postal Service")),
    CarrierCompany("dhl", {"DHLE": "DHL"}, ("DHL", "DHL Express")),
    CarrierCompany("ontrac", {"ONTC": "OnTrac"}, ("OnTrac",)),
    CarrierCompany("purolator", {"PURO": "Purolator"}),
    CarrierCompany("canada_post", {"CAPO": "Canada Post"}, ("Postes Canada",)),
    CarrierCompany("dpd", {"DPD": "DPD"}),
    CarrierCompany("gls", {"GLS": "GLS"}),
    CarrierCompany("hermes", {"HERM": "Hermes"}, ("Hermes", "Evri")),
    CarrierCompany("correos", {"CORR": "Correos"}, ("Correos Express",)),
    CarrierCompany("seur", {"SEUR": "SEUR"}),
    CarrierCompany("chronopost", {"CHRP": "Chronopost"}, ("Chronopost",)),
    CarrierCompany("colissimo", {"COLI": "Colissimo"}, ("Colissimo", "La Poste")),
    CarrierCompany("estafeta", {"ESTF": "Estafeta"}, ("Estafeta",)),
    CarrierCompany("dachser", {"DACH": "Dachser"}, ("Dachser",)),
    CarrierCompany("schenker", {"SCHE": "DB Schenker"}, ("DB Schenker", "Schenker")),
)
"""The carriers a draft may be checked for; a shipment's carrier not listed here is still
named by its own code."""


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9+&]", "", name.casefold())


_BY_NAME: Final[dict[str, CarrierCompany]] = {
    _normal(name): company for company in CARRIER_COMPANIES for name in company.names()
}


def carrier_company(name: str) -> CarrierCompany | None:
    """The company a code or a name (any spelling in the table) belongs to."""
    return _BY_NAME.get(_normal(name))


def carrier_display_name(code: str) -> str:
    """The name a customer reads for a carrier code (the code itself when unknown)."""
    company = carrier_company(code)
    if company is None:
        return code
    return company.codes.get(code.strip().upper(), next(iter(company.codes.values())))


def same_carrier(a: str, b: str) -> bool:
    """Whether two codes or names are the same carrier company."""
    first, second = carrier_company(a), carrier_company(b)
    if first is not None and second is not None:
        return first.key == second.key
    return _normal(a) == _normal(b)
