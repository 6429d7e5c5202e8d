"""Enrich's look-ups at scale: an e-mail event at N customers and 5 N orders.

``python -m bench.enrich_lookups [--customers 50 2000 20000]`` loads the example network
with its customers replaced by N accounts (contacts at N distinct domains), each with five
orders and a shipment for each (copies of the example ones) into a fresh database — an
embedded server under a temporary folder, or a new database on ``DATABASE_URL``'s server —
and times ``look_up_context`` (the named objects, the contacts the sender may imitate, an
order named only in the text, its surroundings, the sender warnings) for e-mail events
from senders at new domains, half of them look-alikes of a customer's. Prints p50 / p99
milliseconds per event and the contacts the database returned. Figures only; no timing
asserts.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import time
from datetime import UTC, datetime

from bench.scratch import scratch
from bench.workflow_throughput import fresh_database
from exdesk.domain import ExceptionEvent, NetworkSnapshot
from exdesk.domain.network import Contact, CustomerAccount
from exdesk.examples import example_network
from exdesk.store.database import Database
from exdesk.store.migrate import apply_migrations
from exdesk.store.network import NetworkReader, replace_network
from exdesk.tools.case_context import look_up_context

EVENTS = 200


def _domain(rng: random.Random) -> str:
    name = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(6, 16)))
    return f"{name}.{rng.choice(['com', 'net', 'de', 'co.uk', 'example'])}"


def _customers(n: int, rng: random.Random) -> list[CustomerAccount]:
    domains: set[str] = set()
    while len(domains) < n:
        domains.add(_domain(rng))
    return [
        CustomerAccount(
            customer_id=f"C-{i:06d}",
            name=f"Customer {i}",
            tier="standard",
            credit_limit="10000",
            balance="0",
            allows_partial_shipment=True,
            allows_substitution=True,
            contact=Contact(email=f"ap@{domain}", name="Accounts"),
        )
        for i, domain in enumerate(sorted(domains))
    ]


def _network(customers: list[CustomerAccount]) -> NetworkSnapshot:
    """The example network with ``customers``, five orders each and a shipment per order."""
    example = example_network()
    orders, shipments = [], []
    for n, customer in enumerate(customers):
        for k in range(5):
            order_id = f"SO-{n:06d}-{k}"
            order = example.orders[(n * 5 + k) % len(example.orders)]
            shipment = example.shipments[(n * 5 + k) % len(example.shipments)]
            orders.append(
                order.model_copy(update={"order_id": order_id, "customer_id": customer.customer_id})
            )
            shipments.append(
                shipment.model_copy(
                    update={
                        "shipment_id": f"SH-{n:06d}-{k}",
                        "order_id": order_id,
                        "tracking_number": f"1Z{n:010d}{k}",
                    }
                )
            )
    return example.model_copy(
        update={"customers": customers, "orders": orders, "shipments": shipments, "returns": []}
    )


def _event(n: int, sender: str, order_id: str) -> ExceptionEvent:
    return ExceptionEvent.model_validate(
        {
            "source": "email",
            "source_event_id": f"mail-{n}",
            "occurred_at": datetime(2026, 12, 3, tzinfo=UTC).isoformat(),
            "summary": f"From: {sender}\nWhere is my order {order_id}? It is late.",
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[50, 2_000, 20_000])
    args = parser.parse_args()
    rng = random.Random(3)
    with scratch() as (_, server):
        url = fresh_database(server)
        with Database(url).open() as db, db.connection() as conn:
            apply_migrations(conn)
            print(
                f"{'customers':>9}  {'p50 ms/event':>12}  {'p99 ms/event':>12}  contacts returned"
            )
            for n in args.customers:
                customers = _customers(n, rng)
                tenant = f"t{n}"
                print(f"loading {n} customers, {5 * n} orders…", flush=True)
                replace_network(conn, tenant, _network(customers))
                reader = NetworkReader(conn, tenant)
                times, returned = [], []
                for i in range(EVENTS):
                    if i % 2:  # a look-alike: one letter of a customer's domain changed
                        known = rng.choice(customers).contact.email.split("@")[1]
                        at = rng.randrange(len(known.split(".")[0]))
                        sender = f"x@{known[:at]}{rng.choice('xyz')}{known[at + 1 :]}"
                    else:
                        sender = f"x@{_domain(rng)}"
                    order_id = f"SO-{rng.randrange(n):06d}-{rng.randrange(5)}"
                    event = _event(i, sender, order_id)
                    started = time.perf_counter()
                    context = look_up_context(reader, event)
                    times.append(time.perf_counter() - started)
                    named = reader.named(
                        customer_id=None, sender_email=sender, shipment_id=None, order_id=None
                    )
                    returned.append(len(named.contacts))
                    assert context.warnings
                    assert context.order is not None
                times.sort()
                p99 = times[int(len(times) * 0.99) - 1]
                print(
                    f"{n:>9}  {statistics.median(times) * 1000:>12.2f}  {p99 * 1000:>12.2f}"
                    f"  {statistics.mean(returned):.1f} a sender on average (of {n})"
                )


if __name__ == "__main__":
    main()
