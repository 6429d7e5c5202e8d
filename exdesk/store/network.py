"""Network reference data: replace a tenant's snapshot as a whole; read objects back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb
from pydantic import BaseModel

from exdesk.domain import (
    CarrierLane,
    CustomerAccount,
    InventoryPosition,
    NetworkSnapshot,
    Order,
    ReturnAuthorization,
    Shipment,
    Sku,
    Warehouse,
)
from exdesk.domain.email_domains import domain_of, lookalike_key
from exdesk.store.validated_documents import DOCUMENTS

ModelT = TypeVar("ModelT", bound=BaseModel)

_TABLES = (
    "warehouses",
    "skus",
    "inventory_positions",
    "customers",
    "orders",
    "shipments",
    "carrier_lanes",
    "return_authorizations",
)


def _doc(model: BaseModel) -> Jsonb:
    return Jsonb(model.model_dump(mode="json", exclude={"tenant_id"}))


_KEYS: dict[str, tuple[str, str]] = {
    "warehouses": ("warehouses", "warehouse_id"),
    "skus": ("skus", "sku"),
    "inventory": ("inventory_positions", "warehouse_id || '/' || sku"),
    "customers": ("customers", "customer_id"),
    "orders": ("orders", "order_id"),
    "shipments": ("shipments", "shipment_id"),
    "lanes": (
        "carrier_lanes",
        "carrier || '/' || service || '/' || origin_region || '>' || dest_region",
    ),
    "returns": ("return_authorizations", "rma_id"),
}
"""Per snapshot array: its table and the key that names one of its objects."""


def snapshot_keys(snapshot: NetworkSnapshot) -> dict[str, set[str]]:
    """The key of every object in a snapshot, per array (as ``_KEYS`` spells them)."""
    return {
        "warehouses": {w.warehouse_id for w in snapshot.warehouses},
        "skus": {s.sku for s in snapshot.skus},
        "inventory": {f"{p.warehouse_id}/{p.sku}" for p in snapshot.inventory},
        "customers": {c.customer_id for c in snapshot.customers},
        "orders": {o.order_id for o in snapshot.orders},
        "shipments": {s.shipment_id for s in snapshot.shipments},
        "lanes": {
            f"{ln.carrier}/{ln.service}/{ln.origin_region}>{ln.dest_region}"
            for ln in snapshot.lanes
        },
        "returns": {r.rma_id for r in snapshot.returns},
    }


def deletions(
    conn: Connection[DictRow], tenant_id: str, snapshot: NetworkSnapshot
) -> dict[str, list[str]]:
    """What replacing the tenant's network with ``snapshot`` would delete: per array, the keys
    of the stored objects the snapshot lacks (sorted); arrays that lose nothing are absent."""
    keep = snapshot_keys(snapshot)
    lost: dict[str, list[str]] = {}
    for name, (table, key) in _KEYS.items():
        rows = conn.execute(
            f"SELECT {key} AS key FROM {table} WHERE tenant_id = %s ORDER BY 1", (tenant_id,)
        ).fetchall()
        gone = [row["key"] for row in rows if row["key"] not in keep[name]]
        if gone:
            lost[name] = gone
    return lost


def replace_network(
    conn: Connection[DictRow], tenant_id: str, snapshot: NetworkSnapshot
) -> dict[str, int]:
    """Replace the tenant's reference data with ``snapshot`` in one transaction.

    Returns the number of objects of each kind now stored. Either all of it is written or,
    on any error, nothing changes.
    """
    t = tenant_id
    with conn.transaction(), conn.cursor() as cur:
        for table in _TABLES:
            cur.execute(f"DELETE FROM {table} WHERE tenant_id = %s", (t,))
        cur.executemany(
            "INSERT INTO warehouses VALUES (%s, %s, %s, %s)",
            [(t, w.warehouse_id, w.region, _doc(w)) for w in snapshot.warehouses],
        )
        cur.executemany(
            "INSERT INTO skus VALUES (%s, %s, %s)", [(t, s.sku, _doc(s)) for s in snapshot.skus]
        )
        cur.executemany(
            "INSERT INTO inventory_positions VALUES (%s, %s, %s, %s)",
            [(t, p.warehouse_id, p.sku, _doc(p)) for p in snapshot.inventory],
        )
        cur.executemany(
            "INSERT INTO customers (tenant_id, customer_id, contact_email, doc,"
            " contact_lookalike_key) VALUES (%s, %s, %s, %s, %s)",
            [
                (t, c.customer_id, c.contact.email.lower(), _doc(c), lookalike_key(c.contact.email))
                for c in snapshot.customers
            ],
        )
        cur.executemany(
            "INSERT INTO orders VALUES (%s, %s, %s, %s)",
            [(t, o.order_id, o.customer_id, _doc(o)) for o in snapshot.orders],
        )
        cur.executemany(
            "INSERT INTO shipments VALUES (%s, %s, %s, %s, %s)",
            [
                (t, s.shipment_id, s.order_id, s.tracking_number, _doc(s))
                for s in snapshot.shipments
            ],
        )
        cur.executemany(
            "INSERT INTO carrier_lanes VALUES (%s, %s, %s, %s, %s, %s)",
            [
                (t, ln.carrier, ln.service, ln.origin_region, ln.dest_region, _doc(ln))
                for ln in snapshot.lanes
            ],
        )
        cur.executemany(
            "INSERT INTO return_authorizations VALUES (%s, %s, %s, %s)",
            [(t, r.rma_id, r.order_id, _doc(r)) for r in snapshot.returns],
        )
        counts = {name: len(getattr(snapshot, name)) for name in NetworkSnapshot.model_fields}
        digest = hashlib.sha256(snapshot.model_dump_json().encode()).hexdigest()
        cur.execute(
            "INSERT INTO network_loads (tenant_id, digest, counts) VALUES (%s, %s, %s)",
            (t, digest, Jsonb(counts)),
        )
    return counts


@dataclass(frozen=True)
class Surroundings:
    """What the network holds around a case's order and SKUs, read in one statement."""

    shipments: list[Shipment]
    returns: list[ReturnAuthorization]
    skus: list[Sku]
    """The named SKUs found (by SKU), then their substitutes not named (by SKU)."""
    inventory: list[InventoryPosition]
    """The positions of all of ``skus`` in every warehouse (by SKU, then warehouse)."""
    warehouses: list[Warehouse]
    lanes: list[CarrierLane]


_DOC_TEXT = "(doc || jsonb_build_object('tenant_id', tenant_id))::text"
"""A stored object's JSON with its tenant, as text: validated straight from JSON."""

_DOC = f"{_DOC_TEXT} AS doc"

_NAMED_COLUMNS = f"""
    (SELECT {_DOC_TEXT} FROM customers
      WHERE tenant_id = %(t)s AND customer_id = %(customer)s::text) AS customer,
    (SELECT {_DOC_TEXT} FROM customers
      WHERE tenant_id = %(t)s AND lower(contact_email) = lower(%(email)s::text)
      ORDER BY customer_id LIMIT 1) AS sender,
    (SELECT {_DOC_TEXT} FROM shipments
      WHERE tenant_id = %(t)s
        AND (shipment_id = %(shipment)s::text OR tracking_number = %(shipment)s::text)
      ORDER BY shipment_id = %(shipment)s::text DESC LIMIT 1) AS shipment,
    (SELECT {_DOC_TEXT} FROM orders
      WHERE tenant_id = %(t)s AND order_id = %(order)s::text) AS order,
    (SELECT json_agg(json_build_array(customer_id, contact_email) ORDER BY customer_id)
       FROM customers WHERE tenant_id = %(t)s
        AND length(contact_lookalike_key) BETWEEN length(%(key)s::text) - 2
                                              AND length(%(key)s::text) + 2
        AND split_part(contact_email, '@', -1) <> %(domain)s::text
        AND CASE WHEN length(contact_lookalike_key) <= %(longest)s
                 THEN levenshtein_less_equal(contact_lookalike_key, %(key)s::text, 2) <= 2
            END) AS contacts
"""

_NAMED = f"SELECT {_NAMED_COLUMNS}"
"""The customer, the sender's customer, the shipment and the order an event names, and for
a sender the contacts whose look-alike key is within two edits of the sender's (a domain
the sender's may imitate) — not the sender's own domain."""

_MAX_LOOKALIKE_KEY = 255
"""The longest key ``levenshtein_less_equal`` compares, the sender's or a contact's; a
longer one is no look-alike (a DNS name has at most 253 characters)."""


@dataclass(frozen=True)
class Named:
    """The objects an event names, each None when not named or not found."""

    customer: CustomerAccount | None
    sender: CustomerAccount | None
    """The customer whose contact has the sender's e-mail address (case-insensitive)."""
    shipment: Shipment | None
    """The shipment by id, or by tracking number."""
    order: Order | None
    contacts: list[tuple[str, str]]
    """For an event with a sender, (id, contact e-mail address) by id of the customers
    whose domain the sender's may imitate: at least each one ``imitates`` flags; else
    empty."""


_SURROUNDINGS_OF = """
WITH {prelude}own AS (
    SELECT sku, doc FROM skus WHERE tenant_id = %(t)s AND sku = ANY({skus})
), substitutes AS (
    SELECT sku, doc FROM skus WHERE tenant_id = %(t)s
       AND sku = ANY(ARRAY(SELECT jsonb_array_elements_text(doc -> 'substitutes') FROM own))
       AND NOT sku = ANY({skus})
)
SELECT {named}
    ARRAY(SELECT (doc || %(tag)s)::text FROM shipments
      WHERE tenant_id = %(t)s AND order_id = {order} ORDER BY shipment_id) AS shipments,
    ARRAY(SELECT (doc || %(tag)s)::text FROM return_authorizations
      WHERE tenant_id = %(t)s AND order_id = {order} ORDER BY rma_id) AS returns,
    ARRAY(SELECT (doc || %(tag)s)::text FROM own ORDER BY sku) AS own_skus,
    ARRAY(SELECT (doc || %(tag)s)::text FROM substitutes ORDER BY sku) AS substitute_skus,
    ARRAY(SELECT (doc || %(tag)s)::text FROM inventory_positions
      WHERE tenant_id = %(t)s
        AND sku = ANY(ARRAY(SELECT sku FROM own UNION ALL SELECT sku FROM substitutes))
      ORDER BY sku, warehouse_id) AS inventory,
    ARRAY(SELECT (doc || %(tag)s)::text FROM warehouses
      WHERE tenant_id = %(t)s AND {warehouses} ORDER BY warehouse_id) AS warehouses,
    ARRAY(SELECT (doc || %(tag)s)::text FROM carrier_lanes
      WHERE tenant_id = %(t)s AND dest_region = {region}
      ORDER BY origin_region, carrier, service) AS lanes
"""
"""The surroundings of an order, its SKUs and whether warehouses are read, each an SQL
expression (``named``: columns read before them)."""

_SURROUNDINGS = _SURROUNDINGS_OF.format(
    prelude="",
    named="",
    skus="%(skus)s",
    order="%(order)s",
    warehouses="%(warehouses)s",
    region="%(region)s",
)
"""The surroundings of an order, SKUs and a choice of warehouses given as parameters."""

_NAMED_AND_AROUND = _SURROUNDINGS_OF.format(
    prelude="named_order AS (SELECT doc FROM orders"
    " WHERE tenant_id = %(t)s AND order_id = %(order)s::text), ",
    named=_NAMED_COLUMNS + ",",
    skus="ARRAY(SELECT line ->> 'sku' FROM named_order, jsonb_array_elements(doc -> 'lines')"
    " AS line UNION SELECT %(sku)s::text WHERE %(sku)s::text IS NOT NULL)",
    order="(SELECT doc ->> 'order_id' FROM named_order)",
    warehouses="(EXISTS (SELECT FROM named_order) OR %(warehouse_named)s)",
    region="(SELECT doc -> 'ship_to' ->> 'region' FROM named_order)",
)
""":data:`_NAMED`, and the surroundings of the order it names by id (none when it names none,
or no such order) with its lines' SKUs and the event's, and warehouses when there is that
order or the event names a warehouse — what :meth:`NetworkReader.surroundings` reads when
the order named is the case's: one statement for both."""


def _read_all(model: type[ModelT], texts: Iterable[str]) -> list[ModelT]:
    """Stored documents as ``model`` objects, each validated once per process."""
    return [DOCUMENTS.read(model, text) for text in texts]


def _named_of(row: dict[str, Any] | None) -> Named:
    assert row is not None  # a SELECT of scalar subqueries returns one row

    def read(model: type[ModelT], column: str) -> ModelT | None:
        return None if row[column] is None else DOCUMENTS.read(model, row[column])

    return Named(
        customer=read(CustomerAccount, "customer"),
        sender=read(CustomerAccount, "sender"),
        shipment=read(Shipment, "shipment"),
        order=read(Order, "order"),
        contacts=[(customer, email) for customer, email in row["contacts"] or []],
    )


def _surroundings_of(row: dict[str, Any] | None) -> Surroundings:
    assert row is not None  # a SELECT of scalar subqueries returns one row
    return Surroundings(
        shipments=_read_all(Shipment, row["shipments"]),
        returns=_read_all(ReturnAuthorization, row["returns"]),
        skus=_read_all(Sku, row["own_skus"] + row["substitute_skus"]),
        inventory=_read_all(InventoryPosition, row["inventory"]),
        warehouses=_read_all(Warehouse, row["warehouses"]),
        lanes=_read_all(CarrierLane, row["lanes"]),
    )


class NetworkReader:
    """Read-only lookups of one tenant's network objects over one connection."""

    def __init__(self, conn: Connection[DictRow], tenant_id: str) -> None:
        self._conn = conn
        self.tenant_id = tenant_id

    def _one(self, model: type[ModelT], sql: str, *params: Any) -> ModelT | None:
        row = self._conn.execute(sql, (self.tenant_id, *params)).fetchone()
        return None if row is None else DOCUMENTS.read(model, row["doc"])

    def _many(self, model: type[ModelT], sql: str, *params: Any) -> list[ModelT]:
        rows = self._conn.execute(sql, (self.tenant_id, *params)).fetchall()
        return _read_all(model, [row["doc"] for row in rows])

    def order(self, order_id: str) -> Order | None:
        """One order by id."""
        return self._one(
            Order, f"SELECT {_DOC} FROM orders WHERE tenant_id=%s AND order_id=%s", order_id
        )

    def orders_named(self, tokens: Sequence[str]) -> list[Order]:
        """Orders whose id is one of the tokens (case-insensitive)."""
        return self._many(
            Order,
            f"SELECT {_DOC} FROM orders WHERE tenant_id=%s AND upper(order_id) = ANY(%s)"
            " ORDER BY order_id",
            [t.upper() for t in tokens],
        )

    def shipments_named(self, tokens: Sequence[str]) -> list[Shipment]:
        """Shipments whose id or tracking number is one of the tokens (case-insensitive)."""
        upper = [t.upper() for t in tokens]
        return self._many(
            Shipment,
            f"SELECT {_DOC} FROM shipments WHERE tenant_id=%s"
            " AND (upper(shipment_id) = ANY(%s) OR upper(tracking_number) = ANY(%s))"
            " ORDER BY shipment_id",
            upper,
            upper,
        )

    def customer(self, customer_id: str) -> CustomerAccount | None:
        """One customer account by id."""
        return self._one(
            CustomerAccount,
            f"SELECT {_DOC} FROM customers WHERE tenant_id=%s AND customer_id=%s",
            customer_id,
        )

    def named(
        self,
        *,
        customer_id: str | None,
        sender_email: str | None,
        shipment_id: str | None,
        order_id: str | None,
    ) -> Named:
        """In one statement: the customer, the sender's customer, the shipment (by id or
        tracking number) and the order an event names — and, for a sender, the contacts
        whose domain the sender's may imitate."""
        params = self._named_params(customer_id, sender_email, shipment_id, order_id)
        return _named_of(self._conn.execute(_NAMED, params).fetchone())

    def named_and_around(
        self,
        *,
        customer_id: str | None,
        sender_email: str | None,
        shipment_id: str | None,
        order_id: str | None,
        sku: str | None,
        warehouse_named: bool,
    ) -> tuple[Named, Surroundings]:
        """In one statement: :meth:`named`, and the surroundings of the order named by id —
        what :meth:`surroundings` returns for ``Named.order`` with the SKUs of its lines and
        ``sku``, and warehouses when there is that order or ``warehouse_named``. A caller
        who settles on another order (or on none where one was named) reads that one's
        with :meth:`surroundings`."""
        params = {
            **self._named_params(customer_id, sender_email, shipment_id, order_id),
            "tag": Jsonb({"tenant_id": self.tenant_id}),
            "sku": sku or None,
            "warehouse_named": warehouse_named,
        }
        # binary: a text array's literal escapes every quote of every document in it
        with self._conn.cursor(binary=True) as cursor:
            row = cursor.execute(_NAMED_AND_AROUND, params).fetchone()
        return _named_of(row), _surroundings_of(row)

    def _named_params(
        self,
        customer_id: str | None,
        sender_email: str | None,
        shipment_id: str | None,
        order_id: str | None,
    ) -> dict[str, Any]:
        key = lookalike_key(sender_email) if sender_email is not None else None
        return {
            "t": self.tenant_id,
            "customer": customer_id,
            "email": sender_email,
            "key": key if key is not None and len(key) <= _MAX_LOOKALIKE_KEY else None,
            "domain": domain_of(sender_email) if sender_email is not None else None,
            "longest": _MAX_LOOKALIKE_KEY,
            "shipment": shipment_id,
            "order": order_id,
        }

    def surroundings(
        self,
        order: Order | None,
        skus: Iterable[str],
        *,
        warehouses: bool,
    ) -> Surroundings:
        """In one statement: the order's shipments and returns, the catalogue entries of
        ``skus`` and of their substitutes, the inventory of all of them, every warehouse
        (when ``warehouses``) and the lanes into the order's ship-to region."""
        params = {
            "t": self.tenant_id,
            "tag": Jsonb({"tenant_id": self.tenant_id}),
            "order": order.order_id if order else None,
            "skus": sorted(set(skus)),
            "warehouses": warehouses,
            "region": order.ship_to.region if order else None,
        }
        # binary: a text array's literal escapes every quote of every document in it
        with self._conn.cursor(binary=True) as cursor:
            return _surroundings_of(cursor.execute(_SURROUNDINGS, params).fetchone())

    def counts(self) -> dict[str, int]:
        """How many objects of each kind the tenant has."""
        names = dict(zip(_TABLES, NetworkSnapshot.model_fields, strict=True))
        counts: dict[str, int] = {}
        for table, name in names.items():
            row = self._conn.execute(
                f"SELECT count(*) AS n FROM {table} WHERE tenant_id=%s",
                (self.tenant_id,),
            ).fetchone()
            counts[name] = int(row["n"]) if row else 0
        return counts
