"""The draft guard: deterministic content checks on any engine's customer draft, before a rep
sees it.

Whether what a draft *states* is true — its quantities, dates, amounts, identifiers,
carriers, what it says of the delivery — is the claim checker's job
(``exdesk.policies.claims``). The guard judges what a draft must never contain, whoever
wrote it — a template today, a language model tomorrow. Each check has one code:

``internal_system`` / ``internal_location`` / ``internal_cost``
    Internal system names (WMS, ERP, SAP, Manhattan, "allocation", ATP…), internal warehouse
    codes (``DC-ATL``, ``WH-12``, a bare "DC") and internal cost wording (margin, landed cost…).
``email_address`` / ``phone_number``
    Contact details that no fact holds.
``forbidden_identifier``
    One of the caller's ``forbidden_identifiers`` (other customers, warehouse ids…) appears,
    even inside a fact.
``prompt_injection``
    Instruction-like text ("ignore previous instructions", "system prompt"), even inside a fact.
``approval_language``
    "approve", "approved", "aprobado", "genehmigt"…: approvals belong to the workflow, and a
    draft must neither claim one nor ask for one.
``template_residue``
    Unfilled placeholders or stand-ins: ``{order_id}``, ``None``, ``[Customer Name]``, ``TBD``.
``own_company_as_team``
    The customer's own company named as the account team ("Your Acme account team"): the
    account team is ours, not theirs.

Text that is the value of a fact (or the recipient's or customer's name) is exempt from the
contact, internal-name, approval and residue checks: the workflow approved it for the
customer's eyes. Which customers exist is unknown here; pass their names and order numbers
as ``forbidden_identifiers`` to catch them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from exdesk.domain import CustomerDraft, DraftRequest

__all__ = ["DraftViolation", "check_draft"]

_MASK: Final = "\x00"


@dataclass(frozen=True)
class DraftViolation:
    """One reason a draft must not go to the customer as written."""

    code: str
    """Which check failed (see the module docstring)."""
    message: str
    """What was found, quoting the offending text."""


def _either(*alternatives: str) -> str:
    return "|".join(alternatives)


# --- words ------------------------------------------------------------------------------

_PROMPT_INJECTION: Final = re.compile(
    _either(
        r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}?"
        r"\b(?:instructions?|rules|prompts?|guidelines|directions)\b",
        r"\b(?:ignor[ae]|olvid[ae])\b[^.\n]{0,40}?\binstrucciones\b",
        r"\b(?:ignorier\w*|vergiss|vergessen Sie)\b[^.\n]{0,40}?\b(?:Anweisungen|Instruktionen)\b",
        r"\bsystem prompt\b|\bdeveloper (?:mode|message)\b|\byou are now\b|\bnew instructions\b",
        r"<\|?(?:system|im_start|im_end)\|?>|\[/?INST\]|###\s*instruction",
    ),
    re.IGNORECASE,
)
_APPROVAL: Final = re.compile(
    _either(
        r"\b(?:auto-?)?approv(?:e|ed|es|al|als|ing)\b",
        r"\bapr(?:ob|ueb)\w*",
        r"\bgenehmig\w*|\bfreigegeben\b|\bFreigabe\b",
    ),
    re.IGNORECASE,
)
_INTERNAL_SYSTEM: Final = re.compile(
    _either(
        r"(?-i:\b(?:WMS|TMS|ERP|SAP|ATP|OMS|WCS|YMS|MRP)\b)",
        r"\b(?:oracle|manhattan(?: associates)?|netsuite|blue ?yonder|jda|infor|kinaxis)\b",
        r"\b(?:dynamics ?365|e2open|(?:warehouse|transportation|order) management system)\b",
        r"\b(?:available[- ]to[- ]promise|allocat(?:e|ed|es|ing|ion|ions)|allokation\w*)\b",
        r"\basignaci[oó]n de (?:stock|inventario|existencias)\b",
        r"\bsistema de gesti[oó]n de almacenes\b|\blagerverwaltungssystem\b",
    ),
    re.IGNORECASE,
)
_INTERNAL_LOCATION: Final = re.compile(
    _either(
        r"\b(?:DC|WH|WHS|WHSE|FC|RDC|NDC|CDC)(?:[-_ ]?\d{1,4}|[-_][A-Z0-9]{2,8})\b", r"\bDCs?\b"
    )
)
_INTERNAL_COST: Final = re.compile(
    _either(
        r"\b(?:internal|landed|unit|our|freight|carrier|handling|expedit(?:e|ing)|fulfil+ment)"
        r"\s+costs?\b",
        r"\bcosts?\s+(?:to|for)\s+us\b|\bcost(?:s|ed)?\s+us\b|\bcost[_ ]per[_ ](?:unit|shipment)\b",
        r"\b(?:gross |profit )?margins?\b|\bCOGS\b|\bwrite[- ]?offs?\b|\bchargebacks?\b",
        r"\brevenue at risk\b",
        r"\bcost[eo]s?\s+(?:internos?|de flete|unitarios?|log[ií]sticos?)\b",
        r"\bnuestros?\s+cost[eo]s\b|\bmargen(?:es)?\b",
        r"\b(?:interne[nr]?|unsere[nr]?)\s+Kosten\b|\b(?:Fracht|Selbst|Stück)kosten\b|\bMarge\b",
    ),
    re.IGNORECASE,
)
_RESIDUE: Final = re.compile(
    _either(
        r"\{[^{}\n]{0,60}\}|\{\{|\}\}",
        r"(?-i:\bNone\b(?! of\b)|\b(?:null|undefined|NaN)\b)",
        r"\[[A-Z][A-Za-z_]*(?: [A-Za-z_]+)*\]|<[a-z_ ]{2,30}>",
        r"\b(?:TBD|TODO|XXX+)\b|lorem ipsum|\bplaceholder\b",
    ),
    re.IGNORECASE,
)
_EMAIL: Final = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}"
)
_PHONE: Final = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:1[ .-])?(?:\(\d{1,4}\)[ .-]?)?"
    r"\d{2,5}(?:[ .-]\d{2,5}){1,4}(?!\w)"
)


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def _mask_values(text: str, values: Iterable[str]) -> str:
    for value in sorted({" ".join(v.split()) for v in values if v.strip()}, key=len, reverse=True):
        words = r"\s+".join(map(re.escape, value.split()))
        pattern = re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)
        text = _mask(text, (m.span() for m in pattern.finditer(text)))
    return text


def _word_checks(masked: str) -> Iterator[DraftViolation]:
    checks = (
        ("internal_system", _INTERNAL_SYSTEM, "internal system name"),
        ("internal_location", _INTERNAL_LOCATION, "internal warehouse code"),
        ("internal_cost", _INTERNAL_COST, "internal cost wording"),
        ("approval_language", _APPROVAL, "approval is the workflow's decision"),
        ("template_residue", _RESIDUE, "unfilled placeholder or stand-in"),
    )
    for code, pattern, why in checks:
        for match in pattern.finditer(masked):
            yield DraftViolation(code, f"{match.group(0)!r}: {why}")


def _contact_checks(masked: str) -> Iterator[DraftViolation]:
    for code, pattern in (("email_address", _EMAIL), ("phone_number", _PHONE)):
        spans = []
        for match in pattern.finditer(masked):
            if code == "email_address" or sum(c.isdigit() for c in match.group(0)) >= 7:
                spans.append(match.span())
                yield DraftViolation(code, f"{match.group(0)!r} is not in the facts")
        masked = _mask(masked, spans)


_ACCOUNT_TEAM: Final = r"account team|equipo de cuenta|Betreuungsteam|équipe de compte"


def _own_company_checks(text: str, customer_name: str | None) -> Iterator[DraftViolation]:
    if not customer_name or not customer_name.strip():
        return
    name = r"\s+".join(map(re.escape, customer_name.split()))
    pattern = re.compile(
        rf"{name}\s+(?:{_ACCOUNT_TEAM})|(?:{_ACCOUNT_TEAM})\s+(?:de|für|von|of|at)\s+{name}",
        re.IGNORECASE,
    )
    for match in pattern.finditer(text):
        yield DraftViolation(
            "own_company_as_team",
            f"{match.group(0)!r} names the customer's own company as the account team",
        )


# --- the guard ------------------------------------------------------------------------------


def check_draft(
    draft: CustomerDraft, request: DraftRequest, *, forbidden_identifiers: Collection[str] = ()
) -> list[DraftViolation]:
    """Every reason ``draft`` must not be sent as written; an empty list means it passes.

    Pure: reads only its arguments. ``forbidden_identifiers`` are strings that must never
    appear (other customers' names or order numbers, warehouse ids…), matched whole and
    case-insensitively, even inside a fact.
    """
    text = f"{draft.subject}\n\n{draft.body}"
    violations: list[DraftViolation] = []

    for identifier in {i.strip() for i in forbidden_identifiers if i.strip()}:
        words = r"\s+".join(map(re.escape, identifier.split()))
        if re.search(rf"(?<![A-Za-z0-9]){words}(?![A-Za-z0-9])", text, re.IGNORECASE):
            violations.append(
                DraftViolation("forbidden_identifier", f"{identifier!r} must not appear")
            )

    violations += [
        DraftViolation("prompt_injection", f"{m.group(0)!r} reads as an instruction")
        for m in _PROMPT_INJECTION.finditer(text)
    ]
    violations += _own_company_checks(text, request.customer_name)

    approved = [fact.value for fact in request.facts]
    approved += [request.recipient_name or "", request.customer_name or ""]
    masked = _mask_values(text, approved)
    violations += _word_checks(masked)
    violations += _contact_checks(masked)
    return list(dict.fromkeys(violations))
