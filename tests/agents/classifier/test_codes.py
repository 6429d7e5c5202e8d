"""The code tables: every row cites its source, and the codes mean what the lists say."""

from __future__ import annotations

import pytest

from exdesk.agents.classifier.codes import CODE_TABLES, CodeList, code_tables


def test_every_row_cites_a_known_source() -> None:
    tables = code_tables()
    rows = [*tables.x12.values(), *tables.carriers.values(), *tables.http.values()]

    assert len(rows) > 300
    assert {row.source for row in rows} <= set(tables.sources)
    assert all(citation.strip() for citation in tables.sources.values())


def test_the_shipped_tables_are_the_documented_files() -> None:
    names = {entry.name for entry in CODE_TABLES.iterdir()}

    assert {
        "sources.csv",
        "x12_214_status.csv",
        "x12_214_reason.csv",
        "x12_ack.csv",
        "carrier_status.csv",
        "http_status.csv",
    } <= names


@pytest.mark.parametrize(
    ("code_list", "code", "decision"),
    [
        ("x12-214-status", "X6", "routine"),
        ("x12-214-status", "SD", "carrier_delay"),
        ("x12-214-status", "A7", "return_request"),
        ("x12-214-status", "A9", "shipment_damaged"),
        ("x12-214-reason", "NS", "normal"),
        ("x12-214-reason", "AJ", "carrier_delay"),
        ("x12-214-reason", "A2", "address_issue"),
        ("x12-214-reason", "BG", "exception"),
        ("AK5", "A", "routine"),
        ("AK5", "R", "integration_failure"),
        ("IK5", "E", "integration_failure"),
        ("AK9", "P", "integration_failure"),
        ("TA104", "A", "routine"),
        ("TA105", "000", "routine"),
        ("TA105", "006", "integration_failure"),
    ],
)
def test_x12_codes(code_list: CodeList, code: str, decision: str) -> None:
    meaning = code_tables().x12_code(code_list, code)

    assert meaning is not None
    assert meaning.decision == decision


def test_carrier_codes_are_keyed_by_carrier() -> None:
    tables = code_tables()

    vacant = tables.carrier_code("USPS", "26")
    fedex_out = tables.carrier_code("fedex", "od")

    assert vacant is not None
    assert vacant.category == "address_issue"
    assert fedex_out is not None
    assert fedex_out.decision == "routine"
    assert tables.carrier_code("dhl", "26") is None


def test_http_codes_fall_back_to_their_class_and_leave_business_errors_to_the_text() -> None:
    tables = code_tables()

    assert (found := tables.http_status(503)) is not None
    assert found.category == "integration_failure"
    assert tables.http_status(429) is not None
    assert tables.http_status(422) is None  # a validation error names a business problem
    assert tables.http_status(200) is None  # success does not make an event routine
