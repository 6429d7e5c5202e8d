"""Checking a draft's claims against the facts of its case — pluggable.

A :class:`ClaimChecker` says how many claims a draft makes, how many are backed by a fact
of the request, and which content rules it breaks. The default, :class:`GuardClaimChecker`,
counts each ``facts_used`` entry as a claim (each claim of the body names the fact it rests
on) and asks today's draft guard (``exdesk.policies.draft_guard.check_draft``) which of them
are unknown or misstated; every other guard finding is a content-rule violation. A stricter
checker (one that finds claims in the text itself) plugs in by implementing the protocol and
being passed to the draft suite.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from exdesk.domain import CustomerDraft, DraftRequest
from exdesk.policies.draft_guard import check_draft

FACT_CODES = frozenset({"fact_unknown", "fact_mismatch"})
"""Guard findings about a claim's backing (not content rules)."""

_QUOTED_NAME = re.compile(r"^'([^']+)'|^(\w+) is ")


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


class GuardClaimChecker:
    """Claims are the draft's ``facts_used``; the draft guard judges them and the text."""

    name = "draft_guard+facts_used"

    def check(
        self, draft: CustomerDraft, request: DraftRequest, forbidden: Collection[str]
    ) -> ClaimCheck:
        """See the module docstring."""
        found = check_draft(draft, request, forbidden_identifiers=forbidden)
        unbacked = []
        for violation in found:
            if violation.code in FACT_CODES:
                match = _QUOTED_NAME.match(violation.message)
                unbacked.append(
                    next(g for g in match.groups() if g) if match else violation.message
                )
        claims = len(draft.facts_used)
        return ClaimCheck(
            claims=claims,
            backed=claims - len(unbacked),
            unbacked=unbacked,
            violations=[f"{v.code}: {v.message}" for v in found if v.code not in FACT_CODES],
        )
