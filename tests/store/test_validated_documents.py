"""Network documents are validated once per process and shared: a case reads what the
database holds now (a changed document is validated afresh, never served stale), another
tenant never gets this tenant's object, and a shared object cannot be changed in place."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest
from psycopg import Connection
from psycopg.rows import DictRow
from pydantic import ValidationError

from exdesk.domain import InventoryPosition, NetworkSnapshot, Sku, Warehouse
from exdesk.store.database import CONNECTION_KWARGS
from exdesk.store.network import NetworkReader, replace_network
from exdesk.store.validated_documents import ValidatedDocuments
from tests.support.factories import make_customer, make_order, make_sku


def test_the_same_text_gives_the_same_object_and_other_text_its_own() -> None:
    documents = ValidatedDocuments()
    text = make_sku("SKU-1").model_dump_json()
    first = documents.read(Sku, text)
    assert documents.read(Sku, text) is first
    changed = documents.read(Sku, text.replace('"10.00"', '"12.50"'))
    assert changed is not first
    assert changed.unit_price == Decimal("12.50")
    assert first.unit_price == Decimal("10.00")


def test_the_oldest_document_is_dropped_at_capacity() -> None:
    documents = ValidatedDocuments(capacity=2)
    texts = [make_sku(f"SKU-{n}").model_dump_json() for n in range(3)]
    first = documents.read(Sku, texts[0])
    documents.read(Sku, texts[1])
    documents.read(Sku, texts[2])
    assert len(documents) == 2
    assert documents.read(Sku, texts[0]) is not first  # dropped, validated again
    assert documents.read(Sku, texts[0]) == first


def test_an_invalid_document_is_refused_every_time() -> None:
    documents = ValidatedDocuments()
    text = make_sku().model_dump_json().replace('"10.00"', '"-1"')
    for _ in range(2):
        with pytest.raises(ValidationError):
            documents.read(Sku, text)
    assert len(documents) == 0


def test_a_shared_object_cannot_be_changed_in_place() -> None:
    sku = make_sku()
    with pytest.raises(ValidationError):
        sku.unit_price = Decimal("1.00")  # type: ignore[misc]
    assert sku.model_copy(update={"unit_price": Decimal("1.00")}).unit_price == Decimal("1.00")


@pytest.fixture
def conn(database_url: str) -> Iterator[Connection[DictRow]]:
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as connection:
        yield connection


def _network(on_hand: int) -> NetworkSnapshot:
    return NetworkSnapshot(
        warehouses=[
            Warehouse(warehouse_id="DC-1", name="Austin", region="south", postal_code="78701")
        ],
        skus=[make_sku("SKU-1")],
        inventory=[
            InventoryPosition(warehouse_id="DC-1", sku="SKU-1", on_hand=on_hand, allocated=0)
        ],
        customers=[make_customer("C-1")],
        orders=[make_order("SO-1001")],
    )


def test_a_case_reads_the_stock_the_database_holds_now(conn: Connection[DictRow]) -> None:
    replace_network(conn, "acme", _network(on_hand=40))
    reader = NetworkReader(conn, "acme")
    order = reader.order("SO-1001")
    assert order is not None
    before = reader.surroundings(order, ["SKU-1"], warehouses=False)
    assert [p.on_hand for p in before.inventory] == [40]
    assert (
        reader.surroundings(order, ["SKU-1"], warehouses=False).inventory[0]
        is (before.inventory[0])
    )  # unchanged: validated once

    replace_network(conn, "acme", _network(on_hand=3))
    after = reader.surroundings(order, ["SKU-1"], warehouses=False)
    assert [p.on_hand for p in after.inventory] == [3]


def test_another_tenant_gets_its_own_objects(conn: Connection[DictRow]) -> None:
    replace_network(conn, "acme", _network(on_hand=40))
    replace_network(conn, "globex", _network(on_hand=40))
    acme = NetworkReader(conn, "acme").customer("C-1")
    globex = NetworkReader(conn, "globex").customer("C-1")
    assert acme is not None
    assert globex is not None
    assert (acme.tenant_id, globex.tenant_id) == ("acme", "globex")
