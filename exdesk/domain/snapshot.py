"""A network snapshot: all reference data in one document, checked for internal consistency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import Field, model_validator

from exdesk.domain._base import ContractModel
from exdesk.domain.network import (
    CarrierLane,
    CustomerAccount,
    InventoryPosition,
    Order,
    ReturnAuthorization,
    Shipment,
    Sku,
    Warehouse,
)


class NetworkSnapshot(ContractModel):
    """Warehouses, SKUs, inventory, customers, orders, shipments, lanes and returns.

    Loading one replaces the tenant's reference data as a whole. Validation names the
    object and field that is wrong (``orders[3].lines[0].sku``) and nothing is written
    unless the whole document is valid.
    """

    warehouses: list[Warehouse] = Field(default_factory=list)
    skus: list[Sku] = Field(default_factory=list)
    inventory: list[InventoryPosition] = Field(default_factory=list)
    customers: list[CustomerAccount] = Field(default_factory=list)
    orders: list[Order] = Field(default_factory=list)
    shipments: list[Shipment] = Field(default_factory=list)
    lanes: list[CarrierLane] = Field(default_factory=list)
    returns: list[ReturnAuthorization] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_references(self) -> NetworkSnapshot:
        problems = list(self.reference_problems())
        if problems:
            raise ValueError("; ".join(problems[:20]))
        return self

    def reference_problems(self) -> Iterable[str]:
        """Yield one message per duplicate identifier or dangling reference."""
        yield from _duplicates(
            "warehouses", "warehouse_id", [w.warehouse_id for w in self.warehouses]
        )
        yield from _duplicates("skus", "sku", [s.sku for s in self.skus])
        yield from _duplicates("customers", "customer_id", [c.customer_id for c in self.customers])
        yield from _duplicates("orders", "order_id", [o.order_id for o in self.orders])
        yield from _duplicates("shipments", "shipment_id", [s.shipment_id for s in self.shipments])
        yield from _duplicates("returns", "rma_id", [r.rma_id for r in self.returns])
        yield from _duplicates(
            "inventory",
            "(warehouse_id, sku)",
            [f"{p.warehouse_id}/{p.sku}" for p in self.inventory],
        )

        warehouses = {w.warehouse_id for w in self.warehouses}
        skus = {s.sku for s in self.skus}
        customers = {c.customer_id for c in self.customers}
        orders = {o.order_id for o in self.orders}

        for i, sku in enumerate(self.skus):
            for j, sub in enumerate(sku.substitutes):
                if sub not in skus:
                    yield f"skus[{i}].substitutes[{j}]: unknown sku {sub!r}"
        for i, pos in enumerate(self.inventory):
            if pos.warehouse_id not in warehouses:
                yield f"inventory[{i}].warehouse_id: unknown warehouse {pos.warehouse_id!r}"
            if pos.sku not in skus:
                yield f"inventory[{i}].sku: unknown sku {pos.sku!r}"
        for i, order in enumerate(self.orders):
            if order.customer_id not in customers:
                yield f"orders[{i}].customer_id: unknown customer {order.customer_id!r}"
            if order.warehouse_id not in warehouses:
                yield f"orders[{i}].warehouse_id: unknown warehouse {order.warehouse_id!r}"
            for j, line in enumerate(order.lines):
                if line.sku not in skus:
                    yield f"orders[{i}].lines[{j}].sku: unknown sku {line.sku!r}"
        for i, shipment in enumerate(self.shipments):
            if shipment.order_id not in orders:
                yield f"shipments[{i}].order_id: unknown order {shipment.order_id!r}"
        for i, rma in enumerate(self.returns):
            if rma.order_id not in orders:
                yield f"returns[{i}].order_id: unknown order {rma.order_id!r}"


def _duplicates(collection: str, key: str, values: list[str]) -> Iterable[str]:
    for value, count in Counter(values).items():
        if count > 1:
            yield f"{collection}: {key} {value!r} appears {count} times"
