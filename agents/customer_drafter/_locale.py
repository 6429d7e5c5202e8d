"""Which template language and date style a requested locale gets, and localized dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, get_args

Language = Literal["en", "es", "de", "fr"]
"""A language the local drafter has templates for."""

LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)

DEFAULT_LOCALE: Final = "en-US"

_SUPPORTED: Final[frozenset[str]] = frozenset(
    {"en-US", "en-GB", "es-ES", "es-MX", "de-DE", "fr-FR", "fr-CA"}
)

_REGIONAL_FALLBACK: Final[dict[str, str]] = {
    # Day-first English-speaking regions read "14 March 2025", not "March 14, 2025".
    "en-AU": "en-GB",
    "en-NZ": "en-GB",
    "en-IE": "en-GB",
    "en-IN": "en-GB",
    "en-ZA": "en-GB",
    "de-AT": "de-DE",
    "de-CH": "de-DE",
    "de-LU": "de-DE",
    "fr-BE": "fr-FR",
    "fr-CH": "fr-FR",
    "fr-LU": "fr-FR",
}

_LANGUAGE_FALLBACK: Final[dict[str, str]] = {
    "en": "en-US",
    "es": "es-MX",
    "de": "de-DE",
    "fr": "fr-FR",
}

_MONTHS: Final[dict[Language, tuple[str, ...]]] = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
    "de": (
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class ResolvedLocale:
    """The locale a draft is written in, after falling back from the requested one."""

    requested: str
    """The locale the request asked for, as given."""
    locale: str
    """A supported locale (``en-US``, ``en-GB``, ``es-ES``, ``es-MX``, ``de-DE``, ``fr-FR``,
    ``fr-CA``)."""

    @property
    def language(self) -> Language:
        """The template language of :attr:`locale`."""
        prefix = self.locale.split("-", 1)[0]
        return next((language for language in LANGUAGES if language == prefix), "en")


def _normalize(locale: str) -> str:
    parts = locale.strip().replace("_", "-").split("-")
    language = parts[0].lower()
    if len(parts) > 1 and parts[1]:
        return f"{language}-{parts[1].upper()}"
    return language


def resolve_locale(requested: str) -> ResolvedLocale:
    """Map a requested locale to a supported one: exact, then region, then language, then default.

    ``it-IT`` falls back to ``en-US``; ``es-AR`` to ``es-MX``; ``en-AU`` to ``en-GB``.
    """
    normalized = _normalize(requested)
    if normalized in _SUPPORTED:
        return ResolvedLocale(requested, normalized)
    if normalized in _REGIONAL_FALLBACK:
        return ResolvedLocale(requested, _REGIONAL_FALLBACK[normalized])
    language = normalized.split("-", 1)[0]
    return ResolvedLocale(requested, _LANGUAGE_FALLBACK.get(language, DEFAULT_LOCALE))


def format_date(day: date, locale: str) -> str:
    """A date the way a reader of ``locale`` writes it, with the month spelt out.

    Spelt-out months are never ambiguous: ``March 14, 2025`` (en-US), ``14 March 2025``
    (en-GB), ``14 de marzo de 2025`` (Spanish), ``14. März 2025`` (German), ``14 mars 2025``
    (French; the first of a month is ``1er``).
    """
    resolved = resolve_locale(locale)
    month = _MONTHS[resolved.language][day.month - 1]
    if resolved.language == "es":
        return f"{day.day} de {month} de {day.year}"
    if resolved.language == "de":
        return f"{day.day}. {month} {day.year}"
    if resolved.language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    if resolved.locale == "en-US":
        return f"{month} {day.day}, {day.year}"
    return f"{day.day} {month} {day.year}"


_GROUPING: Final[dict[Language, str]] = {"en": ",", "es": ".", "de": ".", "fr": "\u202f"}


def format_quantity(value: int, locale: str) -> str:
    """A whole number with the thousands separator of ``locale``: ``1,500`` (English),
    ``1.500`` (Spanish, German), ``1 500`` (French, a narrow no-break space)."""
    grouped = f"{value:,}"
    return grouped.replace(",", _GROUPING[resolve_locale(locale).language])
