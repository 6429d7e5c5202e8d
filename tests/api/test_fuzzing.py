"""Schemathesis over the published OpenAPI document, against the real app on a real
database, with a key holding every role (admin included): no answer is a 5xx, and every
answer is a status its route declares, with a body its schema describes."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from exdesk.api.app import create_app, warm_up
from exdesk.domain import ROLES
from exdesk.service import ExceptionDesk
from tests.api.support import Keys

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
"""What must hold of every answer. Not ``positive_data_acceptance``: a schema-valid body may
still be refused with 422 for what JSON Schema does not say here (NUL and lone surrogates in
text, years outside 1970–2199, unknown order references)."""

FUZZ_EXAMPLES = 25
REQUEST_TIMEOUT = 120
"""Seconds: in inline mode a list of events runs its cases inside the request."""
"""Generated requests per operation (and its negative variants): a few minutes in all."""


@pytest.fixture(scope="module")
def fuzzed_app(shared_desk: ExceptionDesk) -> FastAPI:
    """The app under fuzzing; its rate limits leave room for every generated request."""
    roomy = shared_desk.settings.model_copy(
        update={"rate_limit_burst": 1_000_000, "failed_auth_per_minute": 1_000_000}
    )
    warm_up(shared_desk)  # as `exdesk serve` does at start: no request pays for it
    return create_app(roomy, shared_desk)


@pytest.fixture(scope="module")
def fuzz_headers(shared_desk: ExceptionDesk) -> dict[str, str]:
    """An admin key that also holds every other role, so no route stops at 403."""
    return Keys(shared_desk).headers("fuzzer", *ROLES)


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> int:
    """Send generated requests of one operation and mode; answer how many were sent."""
    sent = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=REQUEST_TIMEOUT)

    try:
        run()
    except Unsatisfiable:
        return sent  # nothing of this operation can be made invalid (no parameters)
    return sent


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_5xx_or_an_undeclared_answer(
    fuzzed_app: FastAPI, fuzz_headers: dict[str, str], mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    sent = {}
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        sent[operation.label] = _fuzz(operation, mode, fuzz_headers)

    print(f"schemathesis ({mode.value}): {sum(sent.values())} requests over {len(sent)} operations")
    assert len(sent) >= 10
