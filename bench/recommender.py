"""How long the local fulfillment recommender takes per recommendation.

``python -m bench.recommender`` builds a seeded synthetic network in-process (20 DCs in
5 regions, 6 lanes per region pair, a 400-SKU catalogue with substitutes, partly allocated
stock with inbound receipts), then times ``recommend`` for orders of 5 to 50 lines. The
worst case is measured: every line short, and a customer who accepts both partial
shipments and substitutions, so every kind of plan is built. No database, no network.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from exdesk.agents.fulfillment_recommender import LocalFulfillmentRecommender, RecommendationRequest
from exdesk.domain import (
    Address,
    CarrierLane,
    Category,
    Contact,
    CustomerAccount,
    InboundSupply,
    InventoryPosition,
    Order,
    OrderLine,
    ServiceLevel,
    Sku,
    Warehouse,
)

REGIONS: Final = ("west", "mountain", "central", "south", "east")
LINE_COUNTS: Final = (5, 10, 20, 30, 40, 50)
AS_OF: Final = date(2025, 3, 10)
BUDGET_MS: Final = 20.0


@dataclass(frozen=True)
class Network:
    """The reference data every synthetic order is planned against."""

    warehouses: list[Warehouse]
    lanes: list[CarrierLane]
    skus: list[Sku]
    inventory: list[InventoryPosition]


def synthetic_network(rng: random.Random, dcs: int = 20, catalogue: int = 400) -> Network:
    """A seeded network of ``dcs`` DCs over five regions."""
    warehouses = [
        Warehouse(
            warehouse_id=f"DC-{i:02d}", name=f"DC {i}", region=REGIONS[i % 5], postal_code="0"
        )
        for i in range(1, dcs + 1)
    ]
    lanes = [
        _lane(carrier, service, origin, dest, abs(i - j))
        for i, origin in enumerate(REGIONS)
        for j, dest in enumerate(REGIONS)
        for carrier in ("UPS", "FDX")
        for service in ("standard", "expedited", "next_day")
    ]
    codes = [f"SKU-{n:04d}" for n in range(catalogue)]
    skus = [
        Sku(
            sku=code,
            description=code,
            unit_price=Decimal(rng.randint(5, 200)),
            substitutes=rng.sample(codes, rng.choice((0, 0, 1, 2))),
        )
        for code in codes
    ]
    inventory: list[InventoryPosition] = []
    for warehouse in warehouses:
        for code in codes:
            if rng.random() < 0.6:
                on_hand = rng.randint(0, 60)
                inbound = [
                    InboundSupply(qty=rng.randint(5, 50), eta=AS_OF + timedelta(rng.randint(1, 14)))
                    for _ in range(rng.choice((0, 0, 1, 2)))
                ]
                inventory.append(
                    InventoryPosition(
                        warehouse_id=warehouse.warehouse_id,
                        sku=code,
                        on_hand=on_hand,
                        allocated=rng.randint(0, on_hand),
                        inbound=inbound,
                    )
                )
    return Network(warehouses, lanes, skus, inventory)


def _lane(carrier: str, service: ServiceLevel, origin: str, dest: str, hops: int) -> CarrierLane:
    standard = 1 + hops
    transit = {"standard": standard, "expedited": max(1, (standard + 1) // 2), "next_day": 1}
    base = {"standard": 8, "expedited": 18, "next_day": 35}[service] + 3 * hops
    return CarrierLane(
        carrier=carrier,
        service=service,
        origin_region=origin,
        dest_region=dest,
        transit_days=transit[service],
        cost_per_shipment=Decimal(base) + (Decimal("1.25") if carrier == "FDX" else 0),
        cost_per_unit=Decimal("0.40")
        * (1 + hops)
        * (1 + ("standard", "expedited", "next_day").index(service)),
    )


def synthetic_request(
    rng: random.Random, network: Network, lines: int, category: Category = "inventory_shortage"
) -> RecommendationRequest:
    """An order of ``lines`` distinct SKUs, all short, for a permissive customer."""
    chosen = rng.sample(network.skus, lines)
    order = Order(
        order_id=f"SO-{rng.randint(1, 10**6)}",
        customer_id="C-1",
        channel="edi",
        lines=[
            OrderLine(line_no=n, sku=s.sku, qty=rng.randint(1, 20), unit_price=s.unit_price)
            for n, s in enumerate(chosen, start=1)
        ],
        ship_to=Address(
            name="Store",
            line1="1 Main St",
            city="Springfield",
            state="IL",
            postal_code="62701",
            country="US",
            region=rng.choice(REGIONS),
        ),
        promised_date=AS_OF + timedelta(rng.randint(2, 6)),
        service_level=rng.choice(("standard", "standard", "expedited")),
        warehouse_id=rng.choice(network.warehouses).warehouse_id,
        status="released",
    )
    customer = CustomerAccount(
        customer_id="C-1",
        name="Bench Retail",
        tier="key",
        credit_limit=Decimal(100000),
        balance=Decimal(0),
        allows_partial_shipment=True,
        allows_substitution=True,
        contact=Contact(email="ops@bench.example", name="Ops"),
    )
    return RecommendationRequest(
        category=category,
        summary="bench",
        order=order,
        customer=customer,
        inventory=network.inventory,
        warehouses=network.warehouses,
        lanes=network.lanes,
        skus=network.skus,
        as_of=AS_OF,
    )


def time_recommendations(
    recommender: LocalFulfillmentRecommender, requests: Sequence[RecommendationRequest], rounds: int
) -> list[float]:
    """Milliseconds per ``recommend`` call, every request timed ``rounds`` times."""
    timings: list[float] = []
    for _ in range(rounds):
        for req in requests:
            start = time.perf_counter()
            recommender.recommend(req)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main(argv: Sequence[str] | None = None) -> int:
    """Print median and p95 milliseconds per recommendation for each order size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--orders", type=int, default=40, help="distinct orders per size")
    parser.add_argument("--rounds", type=int, default=5, help="timed calls per order")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    network = synthetic_network(rng)
    recommender = LocalFulfillmentRecommender()
    print(
        f"local fulfillment recommender — {len(network.warehouses)} DCs, "
        f"{len(network.lanes)} lanes, {len(network.inventory)} inventory positions, "
        f"seed {args.seed}, {args.orders} orders × {args.rounds} rounds per size"
    )
    print(f"{'category':<20}{'lines':>6}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}{'options':>9}")
    worst = 0.0
    for category in ("inventory_shortage", "shipment_damaged"):
        for lines in LINE_COUNTS:
            requests = [
                synthetic_request(rng, network, lines, category) for _ in range(args.orders)
            ]
            recommender.recommend(requests[0])  # warm-up
            timings = time_recommendations(recommender, requests, args.rounds)
            options = statistics.mean(
                len(recommender.recommend(r).output.options) for r in requests
            )
            worst = max(worst, p95(timings))
            print(
                f"{category:<20}{lines:>6}{statistics.median(timings):>11.2f}"
                f"{p95(timings):>9.2f}{max(timings):>9.2f}{options:>9.1f}"
            )
    verdict = "within" if worst < BUDGET_MS else "OVER"
    print(f"worst p95 {worst:.2f} ms — {verdict} the {BUDGET_MS:.0f} ms budget")
    return 0 if worst < BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
