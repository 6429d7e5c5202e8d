"""The enrich step's read-only lookups: what the network knows about an event."""

from __future__ import annotations

from typing import TypeVar

from exdesk.domain import CustomerAccount, ExceptionEvent, Order, Shipment
from exdesk.domain.context import CaseContext
from exdesk.store.network import NetworkReader
from exdesk.tools.references import find_references
from exdesk.tools.senders import sender_warnings

T = TypeVar("T")


def look_up_context(reader: NetworkReader, event: ExceptionEvent) -> CaseContext:
    """Resolve the event's references (explicit first, then found in its text).

    An order found only in the text is used only if it belongs to the customer the event is
    from (when that is known): an e-mail quoting another customer's order number must not
    pull that customer's data into the case.
    """
    missing: list[str] = []
    foreign: list[str] = []
    text = event.summary + ("\n" + event.document.content if event.document else "")
    refs = find_references(text)

    # with the surroundings of the order named by id: most events name the case's order
    named, around = reader.named_and_around(
        customer_id=event.customer_id,
        sender_email=refs.sender_email,
        shipment_id=event.shipment_id,
        order_id=event.order_id,
        sku=event.sku,
        warehouse_named=bool(event.warehouse_id),
    )
    customer = _found(named.customer, "customer", event.customer_id, missing)
    if customer is None:
        customer = named.sender
    shipment = _found(named.shipment, "shipment", event.shipment_id, missing)
    order = _found(named.order, "order", event.order_id, missing)
    if order is None and shipment is not None:
        order = reader.order(shipment.order_id)
    if order is None and shipment is None and refs.identifiers:
        order, shipment = _order_from_text(reader, refs.identifiers, customer, missing, foreign)

    if order is not None and customer is not None and order.customer_id != customer.customer_id:
        foreign.append(order.order_id)
        missing.append(
            f"order {order.order_id} belongs to another customer than the sender; ignored"
        )
        order, shipment = None, None
    if customer is None and order is not None:
        customer = reader.customer(order.customer_id)

    if order is not named.order:  # settled on another order than the one named, or none
        sku_ids = {line.sku for line in order.lines} if order else set()
        if event.sku:
            sku_ids.add(event.sku)
        around = reader.surroundings(order, sku_ids, warehouses=bool(order or event.warehouse_id))
    if shipment is None and len(around.shipments) == 1:
        shipment = around.shipments[0]
    if event.sku and event.sku not in {s.sku for s in around.skus}:
        missing.append(f"sku {event.sku}")

    return CaseContext(
        order=order,
        customer=customer,
        shipment=shipment,
        shipments=around.shipments,
        returns=around.returns,
        skus=around.skus,
        inventory=around.inventory,
        warehouses=around.warehouses,
        lanes=around.lanes,
        foreign_references=foreign,
        missing=missing,
        warnings=sender_warnings(refs.sender_email, customer, named.contacts),
    )


def _found(found: T | None, kind: str, named: str | None, missing: list[str]) -> T | None:
    """What the event names explicitly, noting a name that found nothing."""
    if named and found is None:
        missing.append(f"{kind} {named}")
    return found


def _order_from_text(
    reader: NetworkReader,
    tokens: tuple[str, ...],
    customer: CustomerAccount | None,
    missing: list[str],
    foreign: list[str],
) -> tuple[Order | None, Shipment | None]:
    orders = reader.orders_named(tokens)
    shipments = reader.shipments_named(tokens)
    if not orders and shipments:
        first = shipments[0]
        return reader.order(first.order_id), first
    if customer is not None:
        own = [o for o in orders if o.customer_id == customer.customer_id]
        for other in orders:
            if other.customer_id != customer.customer_id:
                foreign.append(other.order_id)
                missing.append(
                    f"order {other.order_id} named in the text belongs to another customer; ignored"
                )
        orders = own
    if len(orders) == 1:
        return orders[0], None
    if len(orders) > 1:
        missing.append("several orders named in the text: " + ", ".join(o.order_id for o in orders))
    return None, None
