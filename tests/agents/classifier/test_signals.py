"""Where the classifier reads codes from, and which signal decides."""

from __future__ import annotations

import pytest

from exdesk.agents.classifier.signals import Signal, deciding_signal, read_signals
from exdesk.domain import Document, ExceptionEvent
from tests.agents.classifier.builders import event

ISA = (
    "ISA{s}00{s}          {s}00{s}          {s}ZZ{s}PARTNER        {s}ZZ{s}US             {s}"
    "260312{s}0815{s}U{s}00401{s}000000311{s}0{s}P{s}>~"
)


def decided(e: ExceptionEvent) -> Signal | None:
    return deciding_signal(read_signals(e))


def test_a_214_reason_code_decides_over_a_routine_status() -> None:
    signal = decided(event("AT7*X6*AJ***20260312*0815*ET~ en route", "carrier"))

    assert signal is not None
    assert (signal.name, signal.kind, signal.category) == (
        "x12-214:X6/AJ",
        "decisive",
        "carrier_delay",
    )
    assert "En Route to Delivery Location" in signal.meaning


def test_a_routine_status_with_a_normal_reason_is_routine() -> None:
    signal = decided(event("AT7*X1*NS***20260312*1402~", "carrier"))

    assert signal is not None
    assert (signal.kind, signal.category) == ("routine", "other")


def test_214_codes_are_read_from_attributes() -> None:
    signal = decided(
        event(
            "Status update", "carrier", attributes={"x12_214_status": "AP", "x12_214_reason": "A2"}
        )
    )

    assert signal is not None
    assert (signal.name, signal.category) == ("x12-214:AP/A2", "address_issue")


def test_an_unnamed_exception_reason_keeps_the_event_an_exception() -> None:
    signal = decided(event("AT7*X6*BG~ see notes", "carrier"))

    assert signal is not None
    assert (signal.kind, signal.category) == ("exception", None)


def test_acknowledgment_codes_are_read_from_a_document_with_its_own_separator() -> None:
    content = ISA.format(s="|") + "TA1|000004417|260311|2210|R|006~IEA|0|000000311~"
    ack = event(
        "Interchange acknowledgment",
        "edi",
        document=Document(kind="x12", name="ta1.edi", content=content),
    )

    signal = decided(ack)

    assert signal is not None
    assert (signal.name, signal.category) == ("ta1:TA104=R", "integration_failure")


def test_an_accepting_997_is_routine_and_any_rejection_wins() -> None:
    accepted = decided(event("997 back: AK5*A, AK9*A*3*3*3", "edi"))
    mixed = decided(event("997 back: AK5*A then AK5*R*5, AK9*P*2*2*1", "edi"))

    assert accepted is not None
    assert (accepted.name, accepted.kind) == ("997:AK9=A", "routine")
    assert mixed is not None
    assert mixed.category == "integration_failure"


def test_ta1_assignments_in_a_summary_are_read() -> None:
    signal = decided(event("TA1 back: TA104=A, TA105=000 (No error)", "edi"))

    assert signal is not None
    assert signal.kind == "routine"


def test_a_999_document_names_the_set() -> None:
    content = (
        ISA.format(s="*")
        + "GS*FA*P*US*20260312*0815*1*X*005010X231A1~ST*999*0001~IK5*E*I5~AK9*E*1*1*1~"
    )
    signal = decided(
        event("999 received", "edi", document=Document(kind="x12", name="999.edi", content=content))
    )

    assert signal is not None
    assert signal.name.startswith("999:")
    assert signal.category == "integration_failure"


def test_carrier_codes_need_the_carrier() -> None:
    with_carrier = decided(
        event(
            "Return to Sender - Vacant",
            "carrier",
            attributes={"carrier": "usps", "carrier_status_code": "26"},
        )
    )
    without = decided(
        event("Return to Sender - Vacant", "carrier", attributes={"carrier_status_code": "26"})
    )

    assert with_carrier is not None
    assert (with_carrier.name, with_carrier.category) == ("carrier:usps/26", "address_issue")
    assert without is None


@pytest.mark.parametrize(
    ("summary", "attributes", "expected"),
    [
        ("Tender API call failed with HTTP 503, retry later", {}, "http:503"),
        ("POST /orders returned 504 Gateway Timeout", {}, "http:504"),
        ("Inventory push throttled", {"http_status": 429}, "http:429"),
        ("Inventory push throttled", {"http_status": "429"}, "http:429"),
    ],
)
def test_http_statuses(summary: str, attributes: dict[str, object], expected: str) -> None:
    signal = decided(event(summary, "tms", attributes=attributes))

    assert signal is not None
    assert signal.name == expected


@pytest.mark.parametrize(
    "summary",
    [
        "Order status 500 units short at DC-ATL",  # a number, not an HTTP status
        "Partner rejected the order (HTTP 422): SKU BX-220 has insufficient stock",
        "Carrier status code DE for PRO 5581204",  # a carrier code without its carrier
    ],
)
def test_no_signal_where_no_known_code_is_quoted(summary: str) -> None:
    assert read_signals(event(summary, "erp")) == []
