"""A list page shows each case as a summary; the case's own route answers it in full."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import Headers, post_events, short_pick


def test_a_summary_shows_a_long_event_in_a_line_and_the_case_route_in_full(
    client: TestClient, reader: Headers, integration: Headers
) -> None:
    event = short_pick("WMS-LONG-1")
    event["summary"] = "Short pick at DC-DFW. " + "Details of the count follow. " * 100
    created = post_events(client, integration, event).json()

    [summary] = client.get("/v1/cases", params={"limit": 1}, headers=reader).json()["cases"]
    alone = client.get(f"/v1/cases/{created['case_id']}", headers=reader).json()

    assert summary["case_id"] == created["case_id"]
    assert len(summary["summary"]) == 280
    assert summary["summary"].endswith("…")
    assert alone["event"]["summary"] == event["summary"].strip()
