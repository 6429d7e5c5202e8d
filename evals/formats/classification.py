"""Classification samples: the classifier corpus's ``LabelledExample``, one per line.

``informational`` (bool) and ``metadata`` (``language``, ``origin``, ``provenance``,
``licence``…) are read whether or not the corpus model has those fields yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from exdesk.agents.classifier.corpus import LabelledExample
from exdesk.errors import InputError
from exdesk.evals.formats._jsonl import display_path, read_jsonl
from exdesk.validation import describe

_EXTENSIONS = ("informational", "metadata")


@dataclass(frozen=True)
class ClassificationSample:
    """One labelled event and where it came from."""

    example: LabelledExample
    ref: str
    informational: bool = False
    metadata: dict[str, str] = field(default_factory=dict)


def _split(obj: dict[str, Any]) -> tuple[dict[str, Any], bool, dict[str, str]]:
    known = LabelledExample.model_fields
    informational = bool(obj.get("informational", False))
    raw_metadata = obj.get("metadata") or {}
    if not isinstance(raw_metadata, dict):
        raise ValueError("metadata must be an object")
    metadata = {str(k): str(v) for k, v in raw_metadata.items() if v is not None}
    body = {k: v for k, v in obj.items() if k not in _EXTENSIONS or k in known}
    return body, informational, metadata


def load_classification(path: Path) -> list[ClassificationSample]:
    """Every sample of a JSONL file or a folder of them; InputError names a bad line."""
    samples = []
    for file, number, obj in read_jsonl(path):
        try:
            body, informational, metadata = _split(obj)
            example = LabelledExample.model_validate(body)
        except ValidationError as error:
            raise InputError(f"{file}:{number}: {describe(error)}") from error
        except ValueError as error:
            raise InputError(f"{file}:{number}: {error}") from error
        samples.append(
            ClassificationSample(
                example, f"{display_path(file)}#{example.id}", informational, metadata
            )
        )
    return samples
