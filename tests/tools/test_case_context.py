"""The JSON enrich puts in a case's state and the recommender's step hashes: each is its
model's dump exactly (the same keys, in the same order, the same values) though each network
document's part is made once and shared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import Connection
from psycopg.rows import DictRow
from pydantic import BaseModel

from exdesk.domain import CaseClassification, NetworkSnapshot
from exdesk.examples import example_events
from exdesk.store.database import CONNECTION_KWARGS
from exdesk.store.network import NetworkReader, replace_network
from exdesk.store.validated_documents import DOCUMENTS
from exdesk.tools.case_context import look_up_context
from exdesk.workflows.nodes.proposals import recommendation_request
from exdesk.workflows.state import PARTS, StateView


@pytest.fixture
def conn(database_url: str) -> Iterator[Connection[DictRow]]:
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as connection:
        yield connection


def _same(dumped: object, model: BaseModel) -> bool:
    return json.dumps(dumped) == json.dumps(model.model_dump(mode="json"))


def test_each_example_events_context_and_recommendation_request_dump_as_their_models(
    conn: Connection[DictRow], example_network: NetworkSnapshot
) -> None:
    replace_network(conn, "acme", example_network)
    reader = NetworkReader(conn, "acme")
    requests = 0
    for event in example_events():
        context = look_up_context(reader, event)
        for _ in range(2):  # as made, then as shared
            assert _same(DOCUMENTS.json_dump(context), context)
        raw = DOCUMENTS.json_dump(context)
        PARTS.remember(raw, context)
        classified = CaseClassification(
            category="inventory_shortage", confidence=0.9, engine="local"
        )
        state: Any = {
            "event": event.model_dump(mode="json"),
            "context": raw,
            "classification": classified.model_dump(mode="json"),
        }
        request = recommendation_request(StateView(state))
        if request is not None:
            requests += 1
            assert _same(DOCUMENTS.json_dump(request), request)
    assert requests > len(example_events()) // 2


def test_a_documents_dump_is_shared_and_the_rest_is_the_models_own(
    conn: Connection[DictRow], example_network: NetworkSnapshot
) -> None:
    replace_network(conn, "acme", example_network)
    reader = NetworkReader(conn, "acme")
    context = next(
        c for c in (look_up_context(reader, e) for e in example_events()) if c.order is not None
    )
    first, second = DOCUMENTS.json_dump(context), DOCUMENTS.json_dump(context)
    assert first["order"] is second["order"]  # the document's dump, made once
    assert first["skus"][0] is second["skus"][0]
    assert first["missing"] is not second["missing"]  # the case's own lists are its own
