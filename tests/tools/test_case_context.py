"""The context enrich puts in a case's state: its JSON is the context's dump exactly (the
same keys, in the same order, the same values) though each network document's part is made
once and shared."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import NetworkSnapshot
from exdesk.examples import example_events
from exdesk.store.database import CONNECTION_KWARGS
from exdesk.store.network import NetworkReader, replace_network
from exdesk.tools.case_context import context_json, look_up_context


@pytest.fixture
def conn(database_url: str) -> Iterator[Connection[DictRow]]:
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as connection:
        yield connection


def test_every_example_events_context_json_is_its_dump(
    conn: Connection[DictRow], example_network: NetworkSnapshot
) -> None:
    replace_network(conn, "acme", example_network)
    reader = NetworkReader(conn, "acme")
    contexts = [look_up_context(reader, event) for event in example_events()]
    assert sum(c.order is not None for c in contexts) > len(contexts) // 2
    for context in contexts:
        for _ in range(2):  # as made, then as shared
            assert json.dumps(context_json(context)) == json.dumps(context.model_dump(mode="json"))
    shared = [c for c in contexts if c.order is not None]
    first, second = context_json(shared[0]), context_json(shared[0])
    assert first["order"] is second["order"]  # the document's dump, made once
    assert first["missing"] is not second["missing"]  # the case's own lists are its own
