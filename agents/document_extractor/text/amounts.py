"""Money amounts as people write them: ``$1,234.56``, ``1.234,56 EUR``, ``USD 1234.56``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

ISO_CURRENCIES = frozenset(
    {
        "USD",
        "EUR",
        "GBP",
        "CAD",
        "AUD",
        "NZD",
        "JPY",
        "CNY",
        "INR",
        "PLN",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "CZK",
        "HUF",
        "MXN",
        "BRL",
        "ZAR",
        "SGD",
        "HKD",
        "RON",
        "TRY",
        "AED",
    }
)
_SYMBOLS = {
    "US$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "zł": "PLN",
    "Rs.": "INR",
    "Rs": "INR",
}
_ISO = "|".join(sorted(ISO_CURRENCIES))
_SYMBOL = r"US\$|CA?\$|A\$|[$€£¥₹]|Rs\.?"
_NUMBER = (
    r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+,\d{2}(?!\d)"
    r"|\d{1,3}(?:[,.'\u00a0\u202f]\d{3})+(?:[.,]\d{1,4})?(?![\d,.]\d)"
    r"|\d+(?:[.,]\d{1,4})?(?![\d])"
    r"|[.,]\d{1,4}(?!\d)"
)
AMOUNT_PATTERN = re.compile(
    rf"(?P<open>\()?(?P<minus>[-−–])?\s?"
    rf"(?:(?P<pre>{_SYMBOL})\s?|\b(?P<preiso>{_ISO})\s?)?"
    rf"(?P<minus2>[-−])?(?P<num>{_NUMBER})"
    rf"(?:\s?(?P<post>{_SYMBOL}|zł)|\s?\b(?P<postiso>{_ISO})\b)?(?P<close>\))?"
)


@dataclass(frozen=True)
class Amount:
    """One amount found in text, with the currency written next to it."""

    value: Decimal
    currency: str | None
    start: int
    end: int
    has_decimals: bool

    @property
    def looks_like_money(self) -> bool:
        """Written with decimals or a currency (not a bare count or year)."""
        return self.has_decimals or self.currency is not None


def parse_number(text: str, decimal_comma: bool | None = None) -> Decimal | None:
    """A number written with any common grouping; ``decimal_comma`` breaks ``1,234`` ties."""
    raw = re.sub(r"[ \u00a0\u202f']", "", text.strip())
    if not raw:
        return None
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        head, _, tail = raw.rpartition(",")
        thousands = raw.count(",") > 1 or (len(tail) == 3 and decimal_comma is not True)
        raw = raw.replace(",", "") if thousands else f"{head.replace(',', '')}.{tail}"
    elif raw.count(".") > 1 or (
        decimal_comma is True and "." in raw[1:] and len(raw.rpartition(".")[2]) == 3
    ):
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _currency(match: re.Match[str]) -> str | None:
    for group in ("pre", "post"):
        symbol = match.group(group)
        if symbol:
            return _SYMBOLS.get(symbol, _SYMBOLS.get(symbol.rstrip(".")))
    return match.group("preiso") or match.group("postiso")


def find_amounts(text: str, decimal_comma: bool | None = None) -> list[Amount]:
    """Every number in the text read as an amount (dates and codes are the caller's concern)."""
    found: list[Amount] = []
    for match in AMOUNT_PATTERN.finditer(text):
        number = match.group("num")
        value = parse_number(number, decimal_comma)
        if value is None:
            continue
        negative = bool(match.group("minus") or match.group("minus2"))
        negative = negative or bool(match.group("open") and match.group("close"))
        has_decimals = bool(re.search(r"[.,]\d{1,2}$", number)) or bool(
            re.search(r"[.,]\d{4}$", number)
        )
        found.append(
            Amount(
                value=-value if negative else value,
                currency=_currency(match),
                start=match.start("num"),
                end=match.end(),
                has_decimals=has_decimals,
            )
        )
    return found


def parse_amount(text: str, decimal_comma: bool | None = None) -> Amount | None:
    """The amount a short text holds: the last money-looking one, else the first number."""
    amounts = find_amounts(text, decimal_comma)
    money = [a for a in amounts if a.looks_like_money]
    if money:
        return money[-1]
    return amounts[0] if amounts else None


def currency_in(text: str) -> str | None:
    """An ISO code or currency symbol mentioned in the text."""
    match = re.search(rf"\b({_ISO})\b", text)
    if match:
        return match.group(1)
    for symbol, code in _SYMBOLS.items():
        if symbol in text and (symbol != "Rs" or re.search(r"\bRs\b", text)):
            return code
    return None
