"""The demo data shipped in examples/: a valid, realistic network and events that point into it."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import ModuleType

from exdesk.domain.events import ExceptionEvent
from exdesk.domain.network import Order
from exdesk.domain.snapshot import NetworkSnapshot
from exdesk.domain.taxonomy import CATEGORIES

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEMO_DATE = date(2026, 11, 20)
ORDER_ID = re.compile(r"\bSO-\d{6}\b")
UPS_TRACKING = re.compile(r"\b1Z[0-9A-Z]{16}\b")
REFERENCES = ("order_id", "shipment_id", "customer_id", "sku", "warehouse_id")


@cache
def network() -> NetworkSnapshot:
    return NetworkSnapshot.model_validate_json((EXAMPLES / "network.json").read_text("utf-8"))


@cache
def events() -> tuple[ExceptionEvent, ...]:
    lines = (EXAMPLES / "exceptions.jsonl").read_text("utf-8").splitlines()
    return tuple(ExceptionEvent.model_validate_json(line) for line in lines if line.strip())


def orders() -> dict[str, Order]:
    return {o.order_id: o for o in network().orders}


@cache
def expected_categories() -> dict[str, str]:
    labels: dict[str, str] = json.loads((EXAMPLES / "expected_categories.json").read_text("utf-8"))
    return labels


def category(event: ExceptionEvent) -> str:
    return expected_categories()[event.source_event_id]


def text_of(event: ExceptionEvent) -> str:
    return event.summary + (event.document.content if event.document else "")


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_network", EXAMPLES / "generate_network.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- network.json -------------------------------------------------------------------------------


def test_network_file_is_what_the_generator_writes() -> None:
    generator = load_generator()
    text = generator.render(generator.build_network())
    assert text == generator.render(generator.build_network()), "generator is not deterministic"
    assert text == (EXAMPLES / "network.json").read_text("utf-8"), "regenerate network.json"


def test_network_meets_the_size_requirements() -> None:
    net = network()
    assert len(net.warehouses) >= 5
    assert len({w.region for w in net.warehouses}) >= 5
    assert len(net.skus) >= 80
    tiers = Counter(c.tier for c in net.customers)
    assert all(tiers[tier] >= 40 for tier in ("strategic", "key", "standard")), tiers
    assert len(net.orders) >= 220
    assert {len(o.lines) for o in net.orders} >= {1, 12}
    assert all(1 <= len(o.lines) <= 12 for o in net.orders)
    assert len(net.shipments) >= 120
    assert len({lane.carrier for lane in net.lanes}) >= 3
    assert net.returns


def test_network_covers_the_situations_exceptions_arise_from() -> None:
    net = network()
    assert Counter(o.status for o in net.orders).keys() >= {
        "open", "allocated", "picking", "shipped", "delivered"
    }  # fmt: skip
    assert {o.channel for o in net.orders} == {
        "ecommerce", "b2b_portal", "edi", "marketplace", "field_sales"
    }  # fmt: skip
    assert {o.service_level for o in net.orders} == {"standard", "expedited", "next_day"}
    assert any(p.on_hand == 0 for p in net.inventory)
    assert any(p.allocated == p.on_hand > 0 for p in net.inventory)
    assert any(p.inbound for p in net.inventory)
    assert any(c.balance > c.credit_limit for c in net.customers)
    assert {c.allows_partial_shipment for c in net.customers} == {True, False}
    assert {c.allows_substitution for c in net.customers} == {True, False}
    assert any(s.substitutes for s in net.skus)
    assert all(s.sku not in s.substitutes for s in net.skus)


def test_customers_are_fictional_and_mostly_american() -> None:
    customers = network().customers
    assert all(str(c.contact.email).endswith((".example.com", ".example.org")) for c in customers)
    locales = Counter(c.contact.locale for c in customers)
    assert locales.most_common(1)[0][0] == "en-US"
    assert {"es-MX", "es-ES", "en-GB", "de-DE"} <= locales.keys()


def test_every_lane_pair_and_service_is_served() -> None:
    net = network()
    regions = {w.region for w in net.warehouses}
    served = {(lane.origin_region, lane.dest_region, lane.service) for lane in net.lanes}
    for origin in regions:
        for dest in regions:
            for service in ("standard", "expedited", "next_day"):
                assert (origin, dest, service) in served, (origin, dest, service)
    assert all(lane.transit_days >= 1 for lane in net.lanes)


def test_orders_ship_to_known_regions_around_the_demo_date() -> None:
    net = network()
    regions = {w.region for w in net.warehouses}
    for order in net.orders:
        assert order.ship_to.region in regions, order.order_id
        assert abs((order.promised_date - DEMO_DATE).days) <= 21, order.order_id


def test_shipments_belong_to_shipped_orders_and_scan_in_order() -> None:
    net = network()
    by_id = orders()
    codes = {"PU", "AR", "DP", "OD", "D1", "X1"}
    for shipment in net.shipments:
        order = by_id[shipment.order_id]
        assert order.status in ("shipped", "delivered"), shipment.shipment_id
        times = [m.at for m in shipment.milestones]
        assert times == sorted(times), shipment.shipment_id
        assert {m.code for m in shipment.milestones} <= codes
        if order.created_at is not None and times:
            assert times[0] > order.created_at, shipment.shipment_id
    assert {s.order_id for s in net.shipments} >= {
        o.order_id for o in net.orders if o.status in ("shipped", "delivered")
    }


def test_tracking_numbers_are_unique_and_ups_ones_carry_a_valid_check_digit() -> None:
    shipments = network().shipments
    numbers = [s.tracking_number for s in shipments]
    assert len(numbers) == len(set(numbers))
    for number in (s.tracking_number for s in shipments if s.carrier == "UPSN"):
        assert UPS_TRACKING.fullmatch(number), number
        values = [int(c) if c.isdigit() else (ord(c) - ord("A") + 2) % 10 for c in number[2:17]]
        total = sum(values[0::2]) + 2 * sum(values[1::2])
        assert int(number[17]) == (10 - total % 10) % 10, number


# --- exceptions.jsonl ---------------------------------------------------------------------------


def test_events_are_many_unique_and_cover_every_category() -> None:
    evs = events()
    assert len(evs) >= 72
    ids = [e.source_event_id for e in evs]
    assert len(ids) == len(set(ids))
    counts = Counter(category(e) for e in evs)
    assert set(counts) == set(CATEGORIES)
    assert min(counts.values()) >= 5, counts


def test_events_happen_around_the_demo_date() -> None:
    for event in events():
        assert date(2026, 11, 18) <= event.occurred_at.date() <= DEMO_DATE, event.source_event_id


def test_about_one_event_in_seven_carries_no_reference() -> None:
    bare = [e for e in events() if not any(getattr(e, ref) for ref in REFERENCES)]
    assert 0.10 <= len(bare) / len(events()) <= 0.25


def test_references_exist_and_agree_with_each_other() -> None:
    net = network()
    by_order = orders()
    shipments = {s.shipment_id: s for s in net.shipments}
    customers = {c.customer_id for c in net.customers}
    skus = {s.sku for s in net.skus}
    warehouses = {w.warehouse_id for w in net.warehouses}
    for event in events():
        where = event.source_event_id
        order = by_order.get(event.order_id) if event.order_id else None
        assert event.order_id is None or order is not None, where
        assert event.customer_id is None or event.customer_id in customers, where
        assert event.sku is None or event.sku in skus, where
        assert event.warehouse_id is None or event.warehouse_id in warehouses, where
        if event.shipment_id is not None:
            assert event.shipment_id in shipments, where
            assert event.order_id in (None, shipments[event.shipment_id].order_id), where
        if order is not None:
            assert event.customer_id in (None, order.customer_id), where
            assert event.warehouse_id in (None, order.warehouse_id), where
            assert event.sku is None or event.sku in {line.sku for line in order.lines}, where


def test_shortages_point_at_stock_that_really_is_short() -> None:
    positions = {(p.warehouse_id, p.sku): p for p in network().inventory}
    by_order = orders()
    shortages = [e for e in events() if category(e) == "inventory_shortage" and e.warehouse_id]
    assert len(shortages) >= 5
    for event in shortages:
        assert event.sku is not None
        position = positions[event.warehouse_id or "", event.sku]
        if event.order_id:
            line = next(li for li in by_order[event.order_id].lines if li.sku == event.sku)
            assert position.available < line.qty, event.source_event_id
            assert event.attributes.get("requested_qty", line.qty) == line.qty
        if "picked_qty" in event.attributes:
            assert event.attributes["picked_qty"] < event.attributes["requested_qty"]


def test_duplicates_name_an_identical_earlier_order() -> None:
    by_order = orders()
    duplicates = [e for e in events() if "duplicate_of" in e.attributes]
    assert len(duplicates) >= 5
    for event in duplicates:
        assert event.order_id is not None
        original, copy = by_order[event.attributes["duplicate_of"]], by_order[event.order_id]
        assert original.order_id != copy.order_id
        assert original.customer_id == copy.customer_id
        assert original.lines == copy.lines


def test_texts_only_mention_orders_and_tracking_numbers_that_exist() -> None:
    known_orders = set(orders())
    tracking = {s.tracking_number for s in network().shipments}
    for event in events():
        text = text_of(event)
        assert set(ORDER_ID.findall(text)) <= known_orders, event.source_event_id
        assert set(UPS_TRACKING.findall(text)) <= tracking, event.source_event_id


def test_unreferenced_emails_still_carry_something_to_look_up() -> None:
    contacts = {str(c.contact.email) for c in network().customers}
    tracking = {s.tracking_number for s in network().shipments}
    bare_emails = [
        e
        for e in events()
        if e.source == "email"
        and category(e) != "other"
        and not any(getattr(e, ref) for ref in REFERENCES)
    ]
    assert bare_emails
    for event in bare_emails:
        text = text_of(event)
        assert ORDER_ID.search(text) or any(h in text for h in contacts | tracking), (
            event.source_event_id
        )


def test_hostile_events_are_included() -> None:
    by_order = orders()
    assert any("ignore previous instructions" in text_of(e).lower() for e in events())
    cross_customer = [
        e
        for e in events()
        if e.customer_id
        and any(
            o in by_order and by_order[o].customer_id != e.customer_id
            for o in ORDER_ID.findall(text_of(e))
        )
    ]
    assert cross_customer


# --- X12 documents ------------------------------------------------------------------------------


def x12_segments(content: str) -> list[list[str]]:
    element, terminator = content[3], content[105]
    return [s.strip().split(element) for s in content.split(terminator) if s.strip()]


def test_x12_documents_open_with_a_106_character_isa() -> None:
    documents = [e.document for e in events() if e.document and e.document.kind == "x12"]
    assert len(documents) >= 6
    for document in documents:
        isa = document.content[:106]
        assert isa.startswith("ISA"), document.name
        assert isa.count(isa[3]) == 16, document.name
        assert not isa[105].isalnum(), document.name
        assert isa[105] != isa[3], document.name


def test_ship_notices_and_invoices_refer_to_real_orders_some_agreeing_some_not() -> None:
    by_order = orders()
    skus = {s.sku for s in network().skus}
    verdicts = []
    for event in events():
        if not event.document or event.document.kind != "x12":
            continue
        segments = x12_segments(event.document.content)
        kind = next((s[1] for s in segments if s[0] == "ST"), None)
        if kind not in ("856", "810"):
            continue
        po = next(s[1] if s[0] == "PRF" else s[4] for s in segments if s[0] in ("PRF", "BIG"))
        assert po in by_order, event.source_event_id
        assert event.order_id == po, event.source_event_id
        document_lines = set()
        for seg in (s for s in segments if s[0] in ("LIN", "IT1")):
            sku = seg[seg.index("VP") + 1]
            assert sku in skus, event.source_event_id
            if seg[0] == "IT1":
                document_lines.add((sku, int(seg[2]), Decimal(seg[4])))
        if kind == "856":
            shipped = [int(s[2]) for s in segments if s[0] == "SN1"]
            items = [s[s.index("VP") + 1] for s in segments if s[0] == "LIN"]
            order_lines = {(li.sku, li.qty) for li in by_order[po].lines}
            verdicts.append(set(zip(items, shipped, strict=True)) == order_lines)
        else:
            order_lines_priced = {(li.sku, li.qty, li.unit_price) for li in by_order[po].lines}
            verdicts.append(document_lines == order_lines_priced)
    assert True in verdicts, "no ship notice or invoice agrees with its order"
    assert False in verdicts, "no ship notice or invoice disagrees with its order"


def test_readme_says_how_to_regenerate_the_network() -> None:
    readme = (EXAMPLES / "README.md").read_text("utf-8")
    assert "2026-11-20" in readme
    assert "generate_network.py" in readme
