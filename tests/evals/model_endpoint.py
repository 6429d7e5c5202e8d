"""The OpenAI HTTP API of the evaluation tests, answered by respx.

An evaluation builds its engines from the settings, as the service does, so the SDK sends
through the settings' own ``httpx2`` transport, which the test suite otherwise refuses
(``tests/conftest.py``). :func:`answering` hands that transport's requests to a respx
router for the duration of a ``with`` block; outside it, a request fails the test again.
The stand-in classifier answers each event by its summary and keeps what it answered.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
import respx
import yaml
from pydantic import SecretStr

from exdesk.domain import CATEGORIES
from exdesk.evals.formats.classification import ClassificationSample
from exdesk.policies.config import SHIPPED_POLICIES
from exdesk.settings import Settings
from tests.llm.support import OPENAI_BASE_URL, routed
from tests.support.openai_standin import Answer, chat_completion

Handler = Callable[[httpx.Request], httpx.Response]


@contextmanager
def answering(handler: Handler) -> Iterator[respx.Router]:
    """The OpenAI API answered by ``handler`` (through respx) while the block runs."""
    with respx.mock(base_url=OPENAI_BASE_URL, assert_all_called=True) as router:
        router.post("/chat/completions").mock(side_effect=handler)

        answer = routed(router)

        def forward(self: httpx2.HTTPTransport, request: httpx2.Request) -> httpx2.Response:
            return answer(request)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(httpx2.HTTPTransport, "handle_request", forward)
            yield router


def model_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings naming the test endpoint (no retries: a failure falls back at once)."""
    return Settings(
        data_dir=data_dir,
        telemetry_exporter="none",
        openai_base_url=OPENAI_BASE_URL,
        openai_api_key=SecretStr("sk-test-eval"),
        openai_max_retries=0,
        **overrides,
    )


def policy_file(folder: Path, default: float, categories: dict[str, float]) -> Path:
    """The shipped policies with other confidence thresholds."""
    policy = yaml.safe_load(SHIPPED_POLICIES.read_text(encoding="utf-8"))
    policy["thresholds"] = {"default": default, "categories": categories}
    path = folder / "policies.yaml"
    path.write_text(yaml.safe_dump(policy), encoding="utf-8")
    return path


def framed(text: str, kind: str) -> str:
    """The text of the ``<untrusted kind=…>`` frame of a user message."""
    return text.split(f'<untrusted kind="{kind}">\n', 1)[1].split("\n</untrusted>", 1)[0]


@dataclass
class Classifying:
    """A model classifying events it recognises by their summary: the labelled category
    when ``right(id, times asked)``, else another one. Keeps every answer it gave."""

    samples: list[ClassificationSample]
    right: Callable[[str, int], bool]
    answers: list[tuple[str, str, bool]] = field(default_factory=list)
    """(sample id, category answered, whether it is the labelled one), in order."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        summary = framed(user, "event_summary")
        sample = next(s.example for s in self.samples if s.example.summary == summary)
        asked = Counter(sample_id for sample_id, _, _ in self.answers)[sample.id] + 1
        correct = self.right(sample.id, asked)
        category = sample.category if correct else _another(sample.category)
        self.answers.append((sample.id, category, correct))
        answer: Answer = lambda _: {  # noqa: E731
            "category": category,
            "confidence": 0.9,
            "rationale": "stand-in",
        }
        return httpx.Response(200, json=chat_completion(body, {"ClassifierAnswer": answer}))

    def answered(self, epoch: int = 1) -> dict[str, tuple[str, bool]]:
        """Sample id → (category, right) of the ``epoch``-th time each was asked."""
        found: dict[str, tuple[str, bool]] = {}
        seen: Counter[str] = Counter()
        for sample_id, category, correct in self.answers:
            seen[sample_id] += 1
            if seen[sample_id] == epoch:
                found[sample_id] = (category, correct)
        return found


def _another(category: str) -> str:
    return next(c for c in CATEGORIES if c not in (category, "other"))


def by_parity(sample_id: str, asked: int) -> bool:
    """Right for about half the samples (by their id), on the first time asked only."""
    return asked == 1 and sum(map(ord, sample_id)) % 2 == 0
