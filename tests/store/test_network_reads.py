"""Reading the network: a case's surroundings hold what the recommender needs and nothing
of another region; documents are validated once per process and shared, yet a case reads
what the database holds now (a changed document is validated afresh, never served stale),
another tenant never gets this tenant's object, and a shared object cannot be changed."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest
from psycopg import Connection
from psycopg.rows import DictRow
from pydantic import ValidationError

from exdesk.domain import (
    CarrierLane,
    ExceptionEvent,
    InventoryPosition,
    NetworkSnapshot,
    Sku,
    Warehouse,
)
from exdesk.examples import example_events
from exdesk.store.database import CONNECTION_KWARGS
from exdesk.store.network import Named, NetworkReader, Surroundings, replace_network
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


def test_a_held_documents_json_dump_is_made_once_and_anything_else_is_dumped_anew() -> None:
    documents = ValidatedDocuments(capacity=1)
    texts = [make_sku(f"SKU-{n}").model_dump_json() for n in range(2)]
    held = documents.read(Sku, texts[0])
    dump = documents.json_of(held)
    assert dump == held.model_dump(mode="json")
    assert documents.json_of(held) is dump  # made once
    stranger = make_sku("SKU-0")
    assert stranger == held
    assert documents.json_of(stranger) == dump
    assert documents.json_of(stranger) is not documents.json_of(stranger)  # not held: anew
    documents.read(Sku, texts[1])  # drops the first, and its dump with it
    assert documents.json_of(held) == dump
    assert documents.json_of(held) is not dump


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


def _lane(origin: str, dest: str) -> CarrierLane:
    return CarrierLane(
        carrier="UPSN",
        service="standard",
        origin_region=origin,
        dest_region=dest,
        transit_days=2,
        cost_per_shipment=Decimal("9.00"),
        cost_per_unit=Decimal("0.10"),
    )


def test_surroundings_hold_the_order_its_skus_their_substitutes_and_their_stock(
    conn: Connection[DictRow],
) -> None:
    """What the recommender is given: the named SKUs and the substitutes not named, the
    stock of all of them in every warehouse, the lanes into the order's region only."""
    east = Warehouse(warehouse_id="DC-1", name="East", region="south", postal_code="78701")
    west = Warehouse(warehouse_id="DC-2", name="West", region="west", postal_code="90001")
    skus = [
        Sku(sku="SKU-1", description="Widget", unit_price=Decimal("10.00"), substitutes=["SKU-2"]),
        Sku(
            sku="SKU-2", description="Widget II", unit_price=Decimal("11.00"), substitutes=["SKU-3"]
        ),
        Sku(sku="SKU-3", description="Widget III", unit_price=Decimal("12.00")),
        Sku(sku="SKU-9", description="Other", unit_price=Decimal("1.00")),
    ]
    stock = [
        InventoryPosition(warehouse_id=w.warehouse_id, sku=s.sku, on_hand=5, allocated=1)
        for w in (east, west)
        for s in skus
    ]
    network = NetworkSnapshot(
        warehouses=[east, west],
        skus=skus,
        inventory=stock,
        customers=[make_customer("C-1")],
        orders=[make_order("SO-1001")],
        lanes=[_lane("south", "south"), _lane("west", "south"), _lane("south", "west")],
    )
    replace_network(conn, "acme", network)
    reader = NetworkReader(conn, "acme")
    order = reader.order("SO-1001")
    assert order is not None
    around = reader.surroundings(order, ["SKU-1"], warehouses=True)
    assert [s.sku for s in around.skus] == ["SKU-1", "SKU-2"]  # named, then substitutes
    assert [(p.sku, p.warehouse_id) for p in around.inventory] == [
        ("SKU-1", "DC-1"),
        ("SKU-1", "DC-2"),
        ("SKU-2", "DC-1"),
        ("SKU-2", "DC-2"),
    ]
    assert [w.warehouse_id for w in around.warehouses] == ["DC-1", "DC-2"]
    assert [(ln.origin_region, ln.dest_region) for ln in around.lanes] == [
        ("south", "south"),
        ("west", "south"),
    ]
    both = reader.surroundings(order, ["SKU-2", "SKU-1"], warehouses=False)
    assert [s.sku for s in both.skus] == ["SKU-1", "SKU-2", "SKU-3"]  # SKU-2 named, not again
    assert both.warehouses == []


def _named_then_around(reader: NetworkReader, event: ExceptionEvent) -> tuple[Named, Surroundings]:
    """The two look-ups one after the other, as they were made before they were one."""
    named = reader.named(
        customer_id=event.customer_id,
        sender_email=None,
        shipment_id=event.shipment_id,
        order_id=event.order_id,
    )
    order = named.order
    skus = {line.sku for line in order.lines} if order else set()
    if event.sku:
        skus.add(event.sku)
    return named, reader.surroundings(order, skus, warehouses=bool(order or event.warehouse_id))


def test_what_an_event_names_and_its_orders_surroundings_read_as_one_statement_as_two(
    conn: Connection[DictRow], example_network: NetworkSnapshot
) -> None:
    """For every example event — and for events naming an order that does not exist, another
    tenant's order, only a SKU, only a warehouse, nothing — the one statement reads what the
    named look-up and then the surroundings of the order it found read."""
    replace_network(conn, "acme", example_network)
    replace_network(conn, "other", example_network.model_copy(update={"orders": []}))
    base = example_events()[0]
    events = [
        *example_events(),
        base.model_copy(update={"order_id": "SO-NOPE"}),
        base.model_copy(update={"order_id": None, "sku": example_network.skus[0].sku}),
        base.model_copy(update={"order_id": None, "sku": None, "warehouse_id": "DC-X"}),
        base.model_copy(update={"order_id": None, "sku": None, "warehouse_id": None}),
    ]
    for tenant in ("acme", "other"):
        reader = NetworkReader(conn, tenant)
        for event in events:
            together = reader.named_and_around(
                customer_id=event.customer_id,
                sender_email=None,
                shipment_id=event.shipment_id,
                order_id=event.order_id,
                sku=event.sku,
                warehouse_named=bool(event.warehouse_id),
            )
            assert together == _named_then_around(reader, event), (tenant, event.source_event_id)
