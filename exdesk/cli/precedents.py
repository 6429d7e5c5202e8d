"""``exdesk cases similar CASE --k N``: precedents of a case as text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from exdesk.domain import Case
from exdesk.errors import InputError

if TYPE_CHECKING:
    from exdesk.service import ExceptionDesk
    from exdesk.tools.precedents.service import Precedent, PrecedentIndex


def _outcome(precedent: Precedent) -> str:
    resolution = precedent.resolution
    parts = [
        f"{label}: {value}"
        for label, value in (
            ("remediation", resolution.remediation_action),
            ("partner", resolution.partner_action),
            ("credit", resolution.credit_action),
        )
        if value
    ]
    if resolution.actions:
        parts.append("actions: " + ", ".join(resolution.actions))
    if resolution.rejected_kind:
        parts.append(f"rejected {resolution.rejected_kind} by {resolution.rejected_by or '?'}")
    return "; ".join(parts) or "no action recorded"


def precedents_text(case: Case, embedder: str, precedents: Sequence[Precedent]) -> str:
    """A header naming the case, then one block per precedent, most similar first."""
    from exdesk.tools.precedents.service import snippet

    category = case.classification.category if case.classification else "unclassified"
    lines = [
        f"Precedents of {case.case_id} ({category}, {case.status}) — embedder {embedder}",
        f"  {snippet(case.event.summary)}",
    ]
    if not precedents:
        lines.append("No resolved or rejected case of this tenant to compare with yet.")
        return "\n".join(lines)
    for rank, p in enumerate(precedents, start=1):
        approved = ", ".join(p.approved_by) or "nobody (no approval needed)"
        lines += [
            "",
            f"{rank:>2}. {p.case_id}  similarity {p.similarity:.3f}  {p.category or '-'}  "
            f"{p.status} {p.resolved_at:%Y-%m-%d %H:%M}",
            f"    {p.summary}",
            f"    outcome: {_outcome(p)}",
            f"    approved by: {approved}",
        ]
    return "\n".join(lines)


def similar_cases_command(
    desk: ExceptionDesk,
    tenant: str,
    case_id: str,
    k: int = 5,
    index: PrecedentIndex | None = None,
) -> str:
    """The text ``exdesk cases similar CASE --k N`` prints (NotFoundError for an unknown case).

    ``index`` defaults to the desk's own.
    """
    if not 1 <= k <= 50:
        raise InputError("--k must be between 1 and 50", location="k")
    index = index or desk.precedents
    case = desk.case(tenant, case_id)
    return precedents_text(case, index.space.embedder, index.similar(tenant, case, k))
