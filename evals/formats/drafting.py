"""Draft cases: a drafter request and what a good reply must state.

One JSON object per line::

    {"id": "...", "request": <DraftRequest JSON>,
     "required_facts": ["order_id", "new_eta", ...],   # facts a good reply states
     "answers": ["new_eta", "tracking_number"] | null,  # any one answers the customer's
                                                       # question (null: nothing asked)
     "forbidden_identifiers": ["SO-9999", ...],         # must never appear
     "reference": <CustomerDraft JSON> | null,         # a person's approved or edited draft
     "decision": "approve" | "edit" | "reject" | null,  # what a person decided (imports)
     "note": "...", "metadata": {...}}
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from exdesk.domain import ApprovalDecision, CustomerDraft, DraftRequest
from exdesk.errors import InputError
from exdesk.evals.formats._jsonl import read_jsonl
from exdesk.validation import describe


class DraftCase(BaseModel):
    """One labelled drafting case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    request: DraftRequest
    required_facts: list[str] = Field(default_factory=list)
    answers: list[str] | None = None
    forbidden_identifiers: list[str] = Field(default_factory=list)
    reference: CustomerDraft | None = None
    decision: ApprovalDecision | None = None
    note: str = ""
    metadata: dict[str, str] = Field(default_factory=dict)


def load_draft_cases(path: Path) -> list[tuple[DraftCase, Path]]:
    """Every case of a JSONL file or folder, with the file it came from."""
    cases = []
    for file, number, obj in read_jsonl(path):
        try:
            cases.append((DraftCase.model_validate(obj), file))
        except ValidationError as error:
            raise InputError(f"{file}:{number}: {describe(error)}") from error
    return cases
