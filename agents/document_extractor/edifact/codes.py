"""The UN/EDIFACT code values the reader turns into words and statuses.

Titles are those of the UNTDID code lists (D.24A for 1225, 1229 and 4343; ISO 9735 for the
service codes 0083 and 0085).
"""

from __future__ import annotations

from typing import Final

from exdesk.domain import AckStatus, DocType

MESSAGE_DOC_TYPES: Final[dict[str, DocType]] = {
    "ORDERS": "purchase_order",
    "ORDRSP": "po_acknowledgment",
    "DESADV": "ship_notice",
    "INVOIC": "invoice",
    "CONTRL": "functional_ack",
    "APERAK": "functional_ack",
}
"""The messages read into business fields, and their X12 counterparts' document types."""

MESSAGE_NAMES: Final[dict[str, str]] = {
    "ORDERS": "Purchase order",
    "ORDRSP": "Purchase order response",
    "ORDCHG": "Purchase order change request",
    "DESADV": "Despatch advice",
    "INVOIC": "Invoice",
    "CONTRL": "Syntax and service report",
    "APERAK": "Application error and acknowledgement",
    "RECADV": "Receiving advice",
    "IFTSTA": "International multimodal status report",
    "PRICAT": "Price/sales catalogue",
    "INVRPT": "Inventory report",
    "SLSRPT": "Sales data report",
    "REMADV": "Remittance advice",
    "DELFOR": "Delivery schedule",
}

MESSAGE_FUNCTIONS: Final[dict[str, str]] = {
    "1": "Cancellation",
    "3": "Deletion",
    "4": "Change",
    "5": "Replace",
    "6": "Confirmation",
    "7": "Duplicate",
    "9": "Original",
    "27": "Not accepted",
    "28": "Accepted, with amendment in heading section",
    "29": "Accepted without amendment",
    "30": "Accepted, with amendment in detail section",
    "31": "Copy",
    "33": "Change in heading section",
    "34": "Accepted with amendment",
    "35": "Retransmission",
    "36": "Change in detail section",
    "44": "Accepted without reserves",
    "45": "Accepted with reserves",
    "48": "Accepted, contents rejected",
    "63": "Not accepted, provisional",
}
"""Data element 1225, message function code."""

FUNCTION_ACK_STATUS: Final[dict[str, AckStatus]] = {
    "27": "rejected",
    "48": "rejected",
    "63": "rejected",
    "29": "accepted",
    "44": "accepted",
    "6": "accepted",
    "28": "partially_accepted",
    "30": "partially_accepted",
    "34": "partially_accepted",
    "4": "partially_accepted",
    "33": "partially_accepted",
    "36": "partially_accepted",
    "45": "accepted_with_errors",
}
"""What an ORDRSP or APERAK function code says about the referenced message."""

RESPONSE_TYPES: Final[dict[str, str]] = {
    "AC": "Acknowledge - with detail and change",
    "AD": "Acknowledge - with detail, no change",
    "AI": "Acknowledge only changes",
    "AJ": "Pending",
    "AP": "Accepted",
    "CA": "Conditionally accepted",
    "RE": "Rejected",
}
"""Data element 4343, response type code."""

RESPONSE_ACK_STATUS: Final[dict[str, AckStatus]] = {
    "AP": "accepted",
    "AD": "accepted",
    "AC": "partially_accepted",
    "AI": "partially_accepted",
    "CA": "accepted_with_errors",
    "RE": "rejected",
}

LINE_ACTIONS: Final[dict[str, str]] = {
    "1": "Added",
    "2": "Deleted",
    "3": "Changed",
    "4": "No action",
    "5": "Accepted without amendment",
    "6": "Accepted with amendment",
    "7": "Not accepted",
}
"""Data element 1229, action code (an ORDRSP line's status)."""

REJECTED_LINE_ACTIONS: Final = frozenset({"2", "7"})
CHANGED_LINE_ACTIONS: Final = frozenset({"1", "3", "6"})

SERVICE_ACTIONS: Final[dict[str, str]] = {
    "4": "This level and all lower levels rejected",
    "7": "This level acknowledged, next lower level acknowledged if not explicitly rejected",
    "8": "Interchange received",
}
"""Service data element 0083, action (CONTRL)."""

SYNTAX_ERRORS: Final[dict[str, str]] = {
    "2": "Syntax version or level not supported",
    "7": "Interchange recipient not actual recipient",
    "12": "Invalid value",
    "13": "Missing",
    "14": "Value not supported in this position",
    "15": "Not supported in this position",
    "16": "Too many constituents",
    "17": "No agreement",
    "18": "Unspecified error",
    "19": "Invalid decimal notation",
    "20": "Character invalid as service character",
    "21": "Invalid character(s)",
    "22": "Invalid service character(s)",
    "23": "Unknown Interchange sender",
    "24": "Too old",
    "25": "Test indicator not supported",
    "26": "Duplicate detected",
    "27": "Security function not supported",
    "28": "References do not match",
    "29": "Control count does not match number of instances received",
    "30": "Functional groups and messages mixed",
    "31": "More than one message type in group",
    "32": "Lower level empty",
    "33": "Invalid occurrence outside message, package or group",
    "35": "Too many repetitions",
    "36": "Too many segment group repetitions",
    "37": "Invalid type of character(s)",
    "38": "Missing digit in front of decimal sign",
    "39": "Data element too long",
    "40": "Data element too short",
    "45": "Trailing separator",
    "46": "Character set not supported",
    "47": "Envelope functionality not supported",
}
"""Service data element 0085, syntax error code (CONTRL)."""


def describe(table: dict[str, str], code: str) -> str:
    """A code in words, or the code itself when the table does not know it."""
    return table.get(code, f"code {code}")
