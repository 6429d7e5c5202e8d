"""Checking a draft's claims against the facts of its case — pluggable.

A :class:`ClaimChecker` says how many claims a draft makes, how many are backed by a fact
of the request, and which content rules it breaks. The default, :class:`TextClaimChecker`,
reads the claims in the text itself with the workflow's claim checker
(``exdesk.policies.claims``: quantities, dates, money, identifiers, carriers) and asks the
draft guard for content-rule violations.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from exdesk.domain import CustomerDraft, DraftRequest
from exdesk.policies.claims import check_claims, read_claims
from exdesk.policies.draft_guard import check_draft


@dataclass(frozen=True)
class ClaimCheck:
    """What a checker found in one draft."""

    claims: int
    backed: int
    unbacked: list[str] = field(default_factory=list)
    """The facts named by claims that no fact of the request backs."""
    violations: list[str] = field(default_factory=list)
    """Content rules broken, as ``code: message``."""


class ClaimChecker(Protocol):
    """Finds a draft's claims and checks each against the request's facts."""

    @property
    def name(self) -> str:
        """How the report names this checker."""
        ...

    def check(
        self, draft: CustomerDraft, request: DraftRequest, forbidden: Collection[str]
    ) -> ClaimCheck:
        """Claims, backed claims, and content-rule violations."""
        ...


class TextClaimChecker:
    """Claims are what the text states (read by the policy's claim checker); a claim is
    backed when no violation of the claim checker names it. Content rules come from the
    draft guard."""

    name = "claims-in-text+draft_guard"

    def check(
        self, draft: CustomerDraft, request: DraftRequest, forbidden: Collection[str]
    ) -> ClaimCheck:
        """See the class docstring."""
        claims = read_claims(draft, request)
        contradicted = sum(1 for claim in claims if claim.violation is not None)
        guard = check_draft(draft, request, forbidden_identifiers=forbidden)
        return ClaimCheck(
            claims=len(claims),
            backed=len(claims) - contradicted,
            unbacked=[f"{v.code}: {v.message}" for v in check_claims(draft, request)],
            violations=[f"{v.code}: {v.message}" for v in guard],
        )
