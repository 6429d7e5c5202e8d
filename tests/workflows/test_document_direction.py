"""Documents with a direction, through the whole workflow on the test database: who sent the
document decides who is asked to act, and a notice for our own failure never reaches the
partner.

The tenant is "Ourco Supply" (EDI id ``OURCO``); its trading partner is ``PARTNERX``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.domain import (
    Case,
    Document,
    DocumentResolution,
    ExceptionEvent,
    ExtractionStep,
    NetworkSnapshot,
    PartnerNotice,
    Warehouse,
)
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from exdesk.store.api_keys import Principal
from tests.support.factories import make_customer, make_line, make_order, make_sku
from tests.support.scenarios import policy_file

TENANT = "ourco"
AT = datetime(2026, 11, 19, 18, 45, tzinfo=UTC)


def _isa(sender: str, receiver: str, control: str, functional: str, body: list[str]) -> str:
    segments = [
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*261119*1843*U*00401"
        f"*{control}*0*P*>",
        f"GS*{functional}*{sender}*{receiver}*20261119*1843*{int(control)}*X*004010",
        *body,
        f"GE*1*{int(control)}",
        f"IEA*1*{control}",
    ]
    return "~\n".join(segments) + "~\n"


OUR_856 = _isa(
    "OURCO",
    "PARTNERX",
    "000004524",
    "SH",
    [
        "ST*856*0001",
        "BSN*00*ASN7001-1*20261119*1815*0001",
        "HL*1**S",
        "TD5**2*UPSN*U*UPS GROUND",
        "HL*2*1*O",
        "PRF*SO-7001",
        "HL*3*2*I",
        "LIN*1*VP*SKU-1",
        "SN1*1*4*EA**4*EA",
        "CTT*3",
        "SE*11*0001",
    ],
)

PARTNER_997_REJECTING_OUR_856 = _isa(
    "PARTNERX",
    "OURCO",
    "000002231",
    "FA",
    [
        "ST*997*0001",
        "AK1*SH*4518",
        "AK2*856*0001",
        "AK3*TD5*5**8",
        "AK4*3*140*1",
        "AK5*R*5",
        "AK9*R*1*1*0",
        "SE*8*0001",
    ],
)

PARTNER_850 = _isa(
    "PARTNERX",
    "OURCO",
    "000003320",
    "PO",
    [
        "ST*850*0001",
        "BEG*00*SA*SO-7001**20261119",
        "PO1*1*4*EA*12.50**VP*SKU-1",
        "PO1*2*9*EA*3.00**VP*SKU-9",
        "CTT*2",
        "SE*6*0001",
    ],
)

VENDOR_INVOICE = """KESTREL SAFETY PRODUCTS LLC                 INVOICE KS-4471
1180 Foundry Rd, Dayton OH 45404            Date: 11/19/2026
Bill to: Ourco Supply - Accounts Payable
PO number: SO-7001 (DROP SHIP)

ITEM  VENDOR PART  YOUR PART   DESCRIPTION                QTY   UNIT      AMOUNT
1     KS-EW16      SKU-2       Eyewash Station 16 gal       5   389.00    1,945.00
      FRT          -           Freight, LTL                                185.00
                                                     TOTAL DUE USD    2,130.00
"""


def network() -> NetworkSnapshot:
    """One DC, one customer, one order of three lines (the drop-ship line is SKU-2)."""
    return NetworkSnapshot(
        warehouses=[Warehouse(warehouse_id="DC-1", name="DC 1", region="south", postal_code="1")],
        skus=[
            make_sku("SKU-1", description="Hex nut"),
            make_sku("SKU-2", description="Eyewash Station 16 gal", unit_price="350.10"),
            make_sku("SKU-3", description="Safety vest"),
        ],
        customers=[make_customer()],
        orders=[
            make_order(
                "SO-7001",
                lines=[
                    make_line(1, "SKU-1", 4, "12.50"),
                    make_line(2, "SKU-2", 4, "350.10"),
                    make_line(3, "SKU-3", 10, "7.25"),
                ],
            )
        ],
    )


@pytest.fixture
def ourco(settings: Settings, agents: AgentSet, tmp_path: Path) -> Iterator[ExceptionDesk]:
    """A desk whose policy knows our EDI id and letterhead, with the small network loaded."""
    policy = policy_file(
        tmp_path, document__own_edi_ids=["OURCO"], document__own_names=["Ourco Supply"]
    )
    with ExceptionDesk.open(
        settings.model_copy(update={"policy_file": policy}), agents=agents
    ) as desk:
        desk.load_network(TENANT, network())
        yield desk


def event(
    summary: str, document: Document | None, event_id: str, **attributes: Any
) -> ExceptionEvent:
    return ExceptionEvent(
        source="edi",
        source_event_id=event_id,
        occurred_at=AT,
        summary=summary,
        order_id="SO-7001",
        document=document,
        attributes=attributes,
    )


def run(desk: ExceptionDesk, exception: ExceptionEvent, category: str) -> Case:
    """Run the case to its document proposal (classifying it as ``category`` in triage)."""
    ref = desk.submit(TENANT, exception)
    desk.advance(TENANT, ref.case_id)
    case = desk.case(TENANT, ref.case_id)
    waiting = [a for a in case.approvals if a.status == "pending"]
    if waiting and waiting[0].kind == "classification":
        ops = Principal(TENANT, "triager", frozenset({"ops"}), "test")
        case = desk.decide(
            ops, waiting[0].approval_id, "edit", edited_proposal={"category": category}
        )
    return case


def resolution(case: Case) -> DocumentResolution:
    [step] = [d.output for d in case.decisions if isinstance(d.output, ExtractionStep)]
    return step.resolution


def notices(case: Case) -> list[PartnerNotice]:
    return [m.payload for m in case.actions if isinstance(m.payload, PartnerNotice)]


def approve_all(desk: ExceptionDesk, case: Case) -> Case:
    for turn in range(4):
        waiting = [a for a in case.approvals if a.status == "pending"]
        if not waiting:
            break
        who = Principal(TENANT, f"approver-{turn}", frozenset({waiting[0].required_role}), "t")
        case = desk.decide(who, waiting[0].approval_id, "approve")
    return case


def test_a_rejection_of_our_856_is_fixed_and_resent_by_our_edi_team(ourco: ExceptionDesk) -> None:
    case = run(
        ourco,
        event(
            "997 received from PARTNERX for GS 4518 (856 ASN, PO SO-7001): AK5*R*5",
            Document(kind="x12", name="997.edi", content=PARTNER_997_REJECTING_OUR_856),
            "evt-997",
        ),
        "integration_failure",
    )
    assert case.extraction is not None
    assert (case.extraction.direction, case.extraction.acknowledged_direction) == (
        "inbound",
        "outbound",
    )
    proposal = resolution(case)
    assert (proposal.action, proposal.party, proposal.direction) == (
        "fix_and_resend",
        "edi_team",
        "outbound",
    )
    assert proposal.partner_message is not None
    assert "PARTNERX rejected our 856" in proposal.partner_message
    assert "please correct" not in proposal.partner_message.lower()
    done = approve_all(ourco, case)
    assert [(n.action, n.party) for n in notices(done)] == [("fix_and_resend", "edi_team")]


def test_an_as2_send_failure_is_retried_on_our_side_and_nothing_goes_to_the_partner(
    ourco: ExceptionDesk,
) -> None:
    case = run(
        ourco,
        event(
            "AS2 send to PARTNERX failed after 3 retries: partner endpoint returned HTTP 500, "
            "no MDN received. Payload 856 ASN for PO SO-7001 requeued.",
            Document(kind="x12", name="856.edi", content=OUR_856),
            "evt-as2",
            http_status=500,
            partner="PARTNERX",
        ),
        "integration_failure",
    )
    proposal = resolution(case)
    assert (proposal.action, proposal.party) == ("retry_transmission", "edi_team")
    assert proposal.partner_message is not None
    assert proposal.partner_message.startswith("Retry the transmission of the 856 ship notice")
    assert "HTTP 500" in proposal.partner_message
    done = approve_all(ourco, case)
    sent = notices(done)
    assert sent, "the retry is handed to our EDI team"
    assert all(n.party == "edi_team" for n in sent)


def test_a_partners_broken_850_gets_a_reviewed_notice_to_the_partner(
    ourco: ExceptionDesk,
) -> None:
    case = run(
        ourco,
        event(
            "850 from PARTNERX failed translation: line 2 item SKU-9 unknown; 997 AK5*R sent.",
            Document(kind="x12", name="850.edi", content=PARTNER_850),
            "evt-850",
        ),
        "integration_failure",
    )
    proposal = resolution(case)
    assert (proposal.action, proposal.party, proposal.direction) == (
        "resubmit_transmission",
        "partner",
        "inbound",
    )
    waiting = [a for a in case.approvals if a.status == "pending"]
    assert [a.kind for a in waiting] == ["document"], "a partner notice never leaves unreviewed"
    assert "document-partner-notice" in {r.policy_id for r in case.policy_results}


def test_a_drop_ship_vendor_invoice_is_compared_with_the_lines_it_bills(
    ourco: ExceptionDesk,
) -> None:
    case = run(
        ourco,
        event(
            "Invoice KS-4471 from Kestrel Safety for the eyewash stations drop shipped on PO "
            "SO-7001. Payment terms net 15.",
            Document(kind="text", name="KS-4471.txt", content=VENDOR_INVOICE),
            "evt-vendor-invoice",
        ),
        "document_mismatch",
    )
    extraction = case.extraction
    assert extraction is not None
    assert extraction.direction == "inbound"
    found = [(d.kind, d.sku, d.expected, d.actual) for d in extraction.discrepancies]
    # billed 5 of the 4 on our purchase order; the other order lines, the customer's prices,
    # the order total and the freight line are not the vendor's business
    assert found == [("qty", "SKU-2", "4", "5")]
    proposal = resolution(case)
    assert (proposal.action, proposal.party) == ("request_corrected_document", "partner")


@pytest.mark.parametrize(
    ("letterhead", "stated", "party"),
    [
        ("OURCO SUPPLY                               INVOICE 9100-77", None, "billing"),
        ("Kestrel Safety Products LLC                INVOICE 9100-77", None, "partner"),
        ("Kestrel Safety Products LLC                INVOICE 9100-77", "outbound", "billing"),
    ],
)
def test_an_invoice_at_the_wrong_price_goes_to_whoever_issued_it(
    ourco: ExceptionDesk, letterhead: str, stated: str | None, party: str
) -> None:
    invoice = (
        f"{letterhead}\nPO number: SO-7001\n\n"
        "ITEM  SKU     DESCRIPTION       QTY   UNIT     AMOUNT\n"
        "1     SKU-1   Hex nut             5   14.00     70.00\n"
        "2     SKU-2   Eyewash Station     4  350.10  1,400.40\n"
        "3     SKU-3   Safety vest        10    7.25     72.50\n"
        "                                       TOTAL   1,542.90\n"
    )
    attributes = {"direction": stated} if stated else {}
    case = run(
        ourco,
        event(
            "Invoice 9100-77 for PO SO-7001 disputed: 5 hex nuts billed at 14.00, the PO has "
            "4 at 12.50.",
            Document(kind="text", name="invoice.txt", content=invoice),
            f"evt-invoice-{party}-{stated}",
            **attributes,
        ),
        "document_mismatch",
    )
    proposal = resolution(case)
    assert proposal.party == party
    assert proposal.action == (
        "request_corrected_document" if party == "partner" else "fix_and_resend"
    )
