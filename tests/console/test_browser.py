"""End to end in a real browser: Chromium (Playwright) against uvicorn on 127.0.0.1 and the
real database. Each flow is what a person does; screenshots land in test-artifacts/console."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.domain import NetworkSnapshot
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from tests.api.support import TENANT, credit_hold, lost_shipment, where_is_my_order
from tests.console.browser import ARTIFACTS, CHROMIUM, require_browser, served
from tests.console.support import PASSWORD, case_of, person
from tests.support.postgres import fresh_database

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def e2e_desk(
    pg_server_url: str, session_data_dir: Path, agents: AgentSet, example_network: NetworkSnapshot
) -> Iterator[ExceptionDesk]:
    """A desk on its own database for this module, the network loaded, its people made."""
    require_browser()
    with fresh_database(pg_server_url) as url:
        settings = Settings(
            data_dir=session_data_dir,
            database_url=url,
            telemetry_exporter="none",
            workers=2,
            run_cases="inline",
        )
        with ExceptionDesk.open(settings, agents=agents) as desk:
            desk.load_network(TENANT, example_network)
            for user, role in [
                ("rita", "cs_rep"),
                ("rick", "cs_rep"),
                ("omar", "ops"),
                ("olga", "ops"),
                ("fiona", "finance"),
                ("clara", "compliance"),
            ]:
                person(desk, user, role)  # type: ignore[arg-type]
            yield desk


@pytest.fixture(scope="module")
def base_url(e2e_desk: ExceptionDesk) -> Iterator[str]:
    """The console, served."""
    with served(e2e_desk) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


def signed_in(browser: Browser, base_url: str, user: str) -> Page:
    """A fresh browser context, signed in as ``user`` with the keyboard."""
    page = browser.new_context(
        base_url=base_url, viewport={"width": 1400, "height": 900}
    ).new_page()
    page.goto("/console/sign-in")
    page.get_by_label("Tenant").fill(TENANT)
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")
    assert "/sign-in" not in page.url, page.content()[:2000]
    return page


def shot(page: Page, name: str) -> None:
    """Keep a screenshot of the page as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_case(page: Page, case_id: str) -> None:
    page.goto(f"/console/cases/{case_id}")
    page.wait_for_selector("#chain-status")


def unlabelled_fields(page: Page) -> list[str]:
    """Visible form fields no label names (accessibility)."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
          .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length))
          .map(e => e.name)"""
    )
    return found


def test_a_rep_edits_a_draft_and_another_rep_sends_it(
    browser: Browser, base_url: str, e2e_desk: ExceptionDesk
) -> None:
    case = case_of(e2e_desk, where_is_my_order("b-draft"))
    rita = signed_in(browser, base_url, "rita")
    shot(rita, "01-rep-queue")
    assert case.case_id[5:13] in rita.content()
    rita.get_by_role("link", name=case.case_id[5:13]).click()
    rita.wait_for_selector("#chain-status")
    assert unlabelled_fields(rita) == []
    shot(rita, "02-rep-case")
    body = rita.get_by_role("textbox", name="Message", exact=True)
    body.fill(body.input_value() + "\n\nThank you for your patience.")
    rita.get_by_role("button", name="Check the draft").click()
    rita.wait_for_selector("#draft-check .ok")
    shot(rita, "03-rep-draft-checked")
    rita.get_by_role("button", name="Submit my edit for approval").click()
    rita.wait_for_selector("text=Your decision was recorded.")
    shot(rita, "04-rep-edit-submitted")

    rick = signed_in(browser, base_url, "rick")
    open_case(rick, case.case_id)
    assert (
        "Thank you for your patience."
        in rick.get_by_role("textbox", name="Message", exact=True).input_value()
    )
    rick.get_by_role("button", name="Approve and send").click()
    rick.wait_for_selector("text=Your decision was recorded.")
    shot(rick, "05-rep2-sent")
    after = e2e_desk.case(TENANT, case.case_id)
    assert after.status == "resolved"
    [message] = [a for a in after.actions if a.kind == "customer_message"]
    assert "Thank you for your patience." in message.payload.model_dump()["body"]
    gates = [r.output.model_dump() for r in after.decisions if r.step == "approval_gate"]
    assert [(g["user"], g["decision"], g["via"]) for g in gates] == [
        ("rita", "edit", "session"),
        ("rick", "approve", "session"),
    ]


def test_the_editor_of_a_draft_is_refused_when_approving_it(
    browser: Browser, base_url: str, e2e_desk: ExceptionDesk
) -> None:
    case = case_of(e2e_desk, where_is_my_order("b-sod"))
    rita = signed_in(browser, base_url, "rita")
    open_case(rita, case.case_id)
    body = rita.get_by_role("textbox", name="Message", exact=True)
    body.fill(body.input_value() + "\n\nBest regards")
    rita.get_by_role("button", name="Submit my edit for approval").click()
    rita.wait_for_selector("text=Your decision was recorded.")
    assert "someone else must decide it" in rita.content()
    rita.get_by_role("button", name="Approve and send").click()
    rita.wait_for_selector("text=may not decide it")
    shot(rita, "06-separation-of-duties-refused")
    after = e2e_desk.case(TENANT, case.case_id)
    assert after.status == "awaiting_approval"
    assert [a.status for a in after.approvals] == ["edited", "pending"]


def approve_reroute(browser: Browser, base_url: str, case_id: str, user: str) -> Page:
    page = signed_in(browser, base_url, user)
    open_case(page, case_id)
    page.get_by_role("button", name="Approve option 1").click()
    page.wait_for_selector("text=Your decision was recorded.")
    return page


def test_an_ops_lead_approves_a_reroute(
    browser: Browser, base_url: str, e2e_desk: ExceptionDesk
) -> None:
    case = case_of(e2e_desk, lost_shipment("b-reroute"))
    omar = signed_in(browser, base_url, "omar")
    shot(omar, "07-ops-queue")
    open_case(omar, case.case_id)
    assert "Remediation options" in omar.content()
    shot(omar, "08-ops-case-options")
    omar.get_by_role("button", name="Approve option 1").click()
    omar.wait_for_selector("text=Your decision was recorded.")
    shot(omar, "09-ops-approved")
    after = e2e_desk.case(TENANT, case.case_id)
    approval = next(a for a in after.approvals if a.kind == "remediation")
    assert (approval.status, approval.decided_by, approval.decided_via) == (
        "approved",
        "omar",
        "session",
    )
    # the reroute is approved; the customer's notice is next, for a rep
    assert [(a.kind, a.status) for a in after.approvals if a.status == "pending"] == [
        ("customer_message", "pending")
    ]


def test_finance_releases_a_credit_hold(
    browser: Browser, base_url: str, e2e_desk: ExceptionDesk
) -> None:
    case = case_of(e2e_desk, credit_hold("b-credit"))
    fiona = signed_in(browser, base_url, "fiona")
    assert case.case_id[5:13] in fiona.content()
    shot(fiona, "10-finance-queue")
    open_case(fiona, case.case_id)
    shot(fiona, "11-finance-case")
    fiona.get_by_role("button", name="Approve").first.click()
    fiona.wait_for_selector("text=Your decision was recorded.")
    after = e2e_desk.case(TENANT, case.case_id)
    credit = next(a for a in after.approvals if a.kind == "credit")
    assert (credit.status, credit.decided_by) == ("approved", "fiona")


def test_compliance_finds_the_reroute_by_order_number_and_verifies_it(
    browser: Browser, base_url: str, e2e_desk: ExceptionDesk
) -> None:
    case = case_of(e2e_desk, lost_shipment("b-audit"))
    approve_reroute(browser, base_url, case.case_id, "olga")
    clara = signed_in(browser, base_url, "clara")
    assert "/console/audit" in clara.url
    clara.get_by_label("Order").fill("SO-104108")
    clara.get_by_label("Step").fill("approval_gate")
    clara.get_by_role("button", name="Search").click()
    clara.wait_for_url("**order_id=SO-104108**")
    shot(clara, "12-compliance-search")
    row = clara.locator("table.log tbody tr", has_text=case.case_id[5:13])
    assert "human:olga" in row.inner_text()
    assert "approve" in row.inner_text()
    clara.get_by_role("link", name="Verify every chain").click()
    clara.wait_for_selector("text=Verified.")
    shot(clara, "13-compliance-verified")
    open_case(clara, case.case_id)
    assert "Verified:" in clara.locator("#chain-status").inner_text()
    shot(clara, "14-compliance-case")


def test_a_stale_page_cannot_approve_twice(
    browser: Browser, base_url: str, e2e_desk: ExceptionDesk
) -> None:
    case = case_of(e2e_desk, lost_shipment("b-stale"))
    olga = signed_in(browser, base_url, "olga")
    open_case(olga, case.case_id)  # olga's page is now stale-to-be
    approve_reroute(browser, base_url, case.case_id, "omar")
    olga.get_by_role("button", name="Approve option 1").click()
    olga.wait_for_selector("text=Nothing was done")
    shot(olga, "15-stale-page-refused")
    assert "already decided" in olga.content()
    after = e2e_desk.case(TENANT, case.case_id)
    gates = [r for r in after.decisions if r.step == "approval_gate"]
    assert [(g.actor, g.output.model_dump()["decision"]) for g in gates] == [
        ("human:omar", "approve")
    ]
