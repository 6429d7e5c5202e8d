"""The drafter's template files, locale resolution and date formats."""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Any, get_args

import pytest
import yaml
from pydantic import ValidationError

from exdesk.agents.customer_drafter._locale import (
    LANGUAGES,
    Language,
    format_date,
    format_quantity,
    resolve_locale,
)
from exdesk.agents.customer_drafter._templates import LanguageTemplates, load_templates
from exdesk.domain import CreditAction, FulfillmentAction, MessagePurpose

WORKFLOW_NEXT_STEPS = {
    *get_args(FulfillmentAction),
    "request_corrected_document",
    "resubmit_transmission",
    "accept_document",
    "record_only",
    *get_args(CreditAction),
    "refund",
    "replacement",
}


def _raw(language: str) -> dict[str, Any]:
    path = resources.files("exdesk.agents.customer_drafter").joinpath(
        "templates", f"{language}.yaml"
    )
    loaded: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return loaded


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_covers_every_purpose_tier_and_next_step(language: Language) -> None:
    templates = load_templates(language)
    assert set(templates.messages) == set(get_args(MessagePurpose))
    assert set(templates.tiers) == {"strategic", "key", "standard"}
    assert set(templates.next_steps) == WORKFLOW_NEXT_STEPS


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda t: t["messages"].pop("general"), "lack"),
        (
            lambda t: t["messages"]["general"]["body"].append([["See {@nowhere}."]]),
            "unknown phrase",
        ),
        (
            lambda t: t["messages"]["return"]["body"].append([["It covers {*nothing}."]]),
            "unknown list",
        ),
        (lambda t: t["tiers"]["key"]["greeting"].insert(0, "Dear {$nickname},"), "request field"),
        (lambda t: t["messages"]["general"]["subject"].append("About {order_id}"), "last variant"),
        (
            lambda t: t["messages"]["general"]["subject"].append(
                {"when": ["delivery_outlook=late"], "text": "Late"}
            ),
            "conditions",
        ),
        (lambda t: t["tiers"]["key"]["opening"].pop("reply"), "moods"),
        (lambda t: t["lists"]["short_lines"].update(of="shipment"), "of"),
    ],
)
def test_broken_templates_are_refused_on_load(change: Any, complaint: str) -> None:
    raw = _raw("en")
    change(raw)
    with pytest.raises(ValidationError, match=complaint):
        LanguageTemplates.model_validate(raw)


@pytest.mark.parametrize(
    ("requested", "locale", "language"),
    [
        ("en-US", "en-US", "en"),
        ("en-GB", "en-GB", "en"),
        ("EN_gb", "en-GB", "en"),
        ("en-NZ", "en-GB", "en"),
        ("en-CA", "en-US", "en"),
        ("es-ES", "es-ES", "es"),
        ("es-MX", "es-MX", "es"),
        ("es-CO", "es-MX", "es"),
        ("de-DE", "de-DE", "de"),
        ("de-CH", "de-DE", "de"),
        ("de", "de-DE", "de"),
        ("fr-FR", "fr-FR", "fr"),
        ("fr-CA", "fr-CA", "fr"),
        ("fr-CH", "fr-FR", "fr"),
        ("pt-BR", "en-US", "en"),
        ("zz", "en-US", "en"),
    ],
)
def test_locales_resolve_exactly_then_by_region_then_language_then_default(
    requested: str, locale: str, language: str
) -> None:
    resolved = resolve_locale(requested)
    assert (resolved.locale, resolved.language) == (locale, language)
    assert resolved.requested == requested


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        ("en-US", "December 3, 2025"),
        ("en-GB", "3 December 2025"),
        ("es-ES", "3 de diciembre de 2025"),
        ("es-MX", "3 de diciembre de 2025"),
        ("de-DE", "3. Dezember 2025"),
        ("fr-FR", "3 décembre 2025"),
    ],
)
def test_dates_are_written_the_locale_way_with_the_month_spelt_out(locale: str, shown: str) -> None:
    assert format_date(date(2025, 12, 3), locale) == shown


def test_the_first_of_a_month_is_premier_in_french() -> None:
    assert format_date(date(2026, 11, 1), "fr-FR") == "1er novembre 2026"


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("en-US", "12,500"), ("es-ES", "12.500"), ("de-DE", "12.500"), ("fr-FR", "12\u202f500")],
)
def test_quantities_group_thousands_the_locale_way(locale: str, shown: str) -> None:
    assert format_quantity(12500, locale) == shown
    assert format_quantity(35, locale) == "35"
