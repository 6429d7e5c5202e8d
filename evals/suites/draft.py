"""The draft suite: the customer drafter on labelled cases.

Per draft: claim precision (claims backed by a fact of the case, through a pluggable
:class:`~exdesk.evals.claims.ClaimChecker`), required-fact recall (labelled required facts
the draft states in ``facts_used``), content-rule violations (must be zero), and whether the
customer's question is answered (one of the labelled ``answers`` facts is stated; not scored
where nothing was asked). A judge score needs a configured model; none is, so none is
reported — when one is, it is reported apart from these figures and never alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from exdesk.domain import CustomerDraft
from exdesk.errors import AgentError
from exdesk.evals.claims import ClaimChecker, TextClaimChecker
from exdesk.evals.engine_trace import Scored, shadow_answer, trace
from exdesk.evals.engines import build_engine
from exdesk.evals.formats._jsonl import display_path
from exdesk.evals.formats.drafting import DraftCase, load_draft_cases
from exdesk.evals.metric import Estimate, Evaluated, Metric, ratio
from exdesk.evals.records import SampleRecord, SuiteName
from exdesk.evals.suite import RunOptions

DRAFTER_DATA = Path(str(resources.files("exdesk.evals").joinpath("datasets", "drafter")))
JUDGE_NOTE = (
    "judge score: not run (no model is configured); when one is, it is reported apart from "
    "these figures and never alone"
)

Items = Sequence[Evaluated[dict[str, Any]]]


def _pooled(numerator: str, denominator: str, note: str) -> Any:
    def compute(items: Items) -> Estimate:
        top = sum(i.obs[numerator] for i in items)
        bottom = sum(i.obs[denominator] for i in items)
        return ratio(top, bottom, note=note)

    return compute


METRICS: list[Metric[dict[str, Any]]] = [
    Metric(
        "claim_precision",
        "claims backed by a fact of the case (pooled)",
        aggregate=_pooled("backed", "claims", "no claim made"),
        gate=True,
    ),
    Metric(
        "required_fact_recall",
        "required facts the draft states (pooled)",
        aggregate=_pooled("required_stated", "required", "no required fact labelled"),
        gate=True,
    ),
    Metric(
        "content_violations",
        "content-rule violations per draft (must be 0)",
        higher_is_better=False,
        must_be_zero=True,
    ),
    Metric("request_answered", "the customer's question is answered (where one was asked)"),
    Metric("draft_clean", "draft with every claim backed and no violation"),
]


class _Session:
    def __init__(
        self,
        cases: list[tuple[DraftCase, Path]],
        dataset: str,
        options: RunOptions,
        checker: ClaimChecker,
    ):
        self.cases = cases
        self.dataset = dataset
        self.checker = checker
        self.notes = [f"claim checker: {checker.name}", JUDGE_NOTE]
        self.engine = options.engine
        self.drafter = build_engine(options, "drafter")

    @property
    def size(self) -> int:
        return len(self.cases)

    def _scored(self, case: DraftCase, draft: CustomerDraft | None) -> Scored:
        """The observation and scores of one draft (None: the engine failed)."""
        if draft is None:
            output: dict[str, Any] = {
                "claims": 0,
                "backed": 0,
                "required": len(case.required_facts),
                "required_stated": 0,
            }
            return output, {
                "content_violations": None,
                "request_answered": 0.0 if case.answers else None,
                "draft_clean": 0.0,
            }
        found = self.checker.check(draft, case.request, case.forbidden_identifiers)
        stated = {fact.name for fact in draft.facts_used} - set(found.unbacked)
        required_stated = sum(name in stated for name in case.required_facts)
        answered = None if not case.answers else float(any(a in stated for a in case.answers))
        output = {
            "subject": draft.subject,
            "body": draft.body,
            "facts_used": [f.name for f in draft.facts_used],
            "claims": found.claims,
            "backed": found.backed,
            "unbacked": found.unbacked,
            "violations": found.violations,
            "required": len(case.required_facts),
            "required_stated": required_stated,
            "missing_required": [n for n in case.required_facts if n not in stated],
        }
        return output, {
            "content_violations": float(len(found.violations)),
            "request_answered": answered,
            "draft_clean": float(not found.violations and found.backed == found.claims),
        }

    def evaluate(self, index: int, epoch: int) -> SampleRecord:
        case, file = self.cases[index]
        started = time.perf_counter()
        error, outcome = None, None
        try:
            outcome = self.drafter.draft(case.request)
        except AgentError as failure:
            error = failure.message
        seconds = time.perf_counter() - started
        output, scores = self._scored(case, outcome.output if outcome else None)
        return SampleRecord(
            id=case.id,
            epoch=epoch,
            input_ref=f"{display_path(file)}#{case.id}",
            metadata=dict(case.metadata),
            target={"required_facts": case.required_facts, "answers": case.answers},
            output=output,
            scores=scores,
            error=error,
            seconds=seconds,
            engine=None if outcome is None else trace(outcome, self.engine),
            shadow=None
            if outcome is None
            else shadow_answer(
                outcome.model, CustomerDraft, lambda answer: self._scored(case, answer)
            ),
        )


class DraftSuite:
    """The customer drafter on labelled cases."""

    name: SuiteName = "draft"
    metrics = METRICS
    engine_metric = "claim_precision"
    group_keys: Sequence[str] = ("category", "tier", "language")

    def __init__(self, checker: ClaimChecker | None = None) -> None:
        self.checker = checker or TextClaimChecker()

    def observe(self, record: SampleRecord) -> dict[str, Any]:
        return record.output

    @contextmanager
    def open(self, options: RunOptions) -> Iterator[_Session]:
        path = options.dataset or DRAFTER_DATA
        cases = load_draft_cases(path)
        yield _Session(cases, f"{display_path(path)} ({len(cases)} cases)", options, self.checker)

    def tables(self, items: Items, options: RunOptions) -> dict[str, Any]:
        rows = [
            [
                i.record.id,
                i.record.metadata.get("locale", ""),
                f"{i.obs['backed']}/{i.obs['claims']}",
                ", ".join(i.obs.get("missing_required", [])) or "—",
                "; ".join(i.obs.get("violations", [])) or "—",
                i.obs.get("subject", ""),
            ]
            for i in items
        ]
        names = [i.record.id for i in items]
        return {
            "rows": {
                "title": "Drafts",
                "header": [
                    "case",
                    "locale",
                    "backed claims",
                    "missing required",
                    "violations",
                    "subject",
                ],
                "rows": rows,
            },
            "bars": {
                "title": "Claims and required facts per draft",
                "ylabel": "count",
                "names": names,
                "series": {
                    "claims": [i.obs["claims"] for i in items],
                    "backed": [i.obs["backed"] for i in items],
                    "required facts": [i.obs["required"] for i in items],
                    "required stated": [i.obs["required_stated"] for i in items],
                },
            },
        }
