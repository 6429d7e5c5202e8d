"""Readable descriptions of the X12 codes a reviewer meets in acknowledgments and line items."""

from __future__ import annotations

TRANSACTION_SET_NAMES: dict[str, str] = {
    "810": "Invoice",
    "812": "Credit/Debit Adjustment",
    "820": "Payment Order/Remittance Advice",
    "830": "Planning Schedule",
    "832": "Price/Sales Catalog",
    "846": "Inventory Inquiry/Advice",
    "850": "Purchase Order",
    "855": "Purchase Order Acknowledgment",
    "856": "Ship Notice/Manifest",
    "860": "Purchase Order Change",
    "865": "Purchase Order Change Acknowledgment",
    "894": "Delivery/Return Base Record",
    "940": "Warehouse Shipping Order",
    "943": "Warehouse Stock Transfer Shipment Advice",
    "944": "Warehouse Stock Transfer Receipt Advice",
    "945": "Warehouse Shipping Advice",
    "997": "Functional Acknowledgment",
    "999": "Implementation Acknowledgment",
}

SEGMENT_ERRORS: dict[str, str] = {
    "1": "Unrecognized segment ID",
    "2": "Unexpected segment",
    "3": "Required segment missing",
    "4": "Loop occurs over maximum times",
    "5": "Segment exceeds maximum use",
    "6": "Segment not in defined transaction set",
    "7": "Segment not in proper sequence",
    "8": "Segment has data element errors",
    "I4": "Implementation 'Not Used' segment present",
    "I6": "Implementation dependent segment missing",
    "I7": "Implementation loop occurs under minimum times",
    "I8": "Implementation segment below minimum use",
    "I9": "Implementation dependent 'Not Used' segment present",
}
"""AK304 (997) and IK304 (999)."""

ELEMENT_ERRORS: dict[str, str] = {
    "1": "Required data element missing",
    "2": "Conditional required data element missing",
    "3": "Too many data elements",
    "4": "Data element too short",
    "5": "Data element too long",
    "6": "Invalid character in data element",
    "7": "Invalid code value",
    "8": "Invalid date",
    "9": "Invalid time",
    "10": "Exclusion condition violated",
    "12": "Too many repetitions",
    "13": "Too many components",
    "I6": "Code value not used in implementation",
    "I9": "Implementation dependent data element missing",
    "I10": "Implementation 'Not Used' data element present",
    "I11": "Implementation too few repetitions",
    "I12": "Implementation pattern match failure",
    "I13": "Implementation dependent 'Not Used' data element present",
}
"""AK403 (997) and IK403 (999)."""

TRANSACTION_STATUS: dict[str, str] = {
    "A": "Accepted",
    "E": "Accepted but errors were noted",
    "M": "Rejected, message authentication code (MAC) failed",
    "R": "Rejected",
    "W": "Rejected, assurance failed validity tests",
    "X": "Rejected, content after decryption could not be analyzed",
}
"""AK501 (997) and IK501 (999)."""

TRANSACTION_ERRORS: dict[str, str] = {
    "1": "Transaction set not supported",
    "2": "Transaction set trailer missing",
    "3": "Transaction set control number in header and trailer do not match",
    "4": "Number of included segments does not match actual count",
    "5": "One or more segments in error",
    "6": "Missing or invalid transaction set identifier",
    "7": "Missing or invalid transaction set control number",
    "8": "Authentication key name unknown",
    "9": "Encryption key name unknown",
    "10": "Requested service (authentication or encryption) not available",
    "11": "Unknown security recipient",
    "12": "Incorrect message length (encryption only)",
    "13": "Message authentication code failed",
    "15": "Unknown security originator",
    "16": "Syntax error in decrypted text",
    "17": "Security not supported",
    "18": "Transaction set not in functional group",
    "19": "Invalid transaction set implementation convention reference",
    "23": "Transaction set control number not unique within the functional group",
    "24": "S3E security end segment missing for S3S security start segment",
    "25": "S3S security start segment missing for S3E security end segment",
    "26": "S4E security end segment missing for S4S security start segment",
    "27": "S4S security start segment missing for S4E security end segment",
    "I5": "Implementation one or more segments in error",
    "I6": "Implementation convention not supported",
}
"""AK502–AK506 (997) and IK502–IK506 (999)."""

GROUP_STATUS: dict[str, str] = {
    "A": "Accepted",
    "E": "Accepted, but errors were noted",
    "M": "Rejected, message authentication code (MAC) failed",
    "P": "Partially accepted, at least one transaction set was rejected",
    "R": "Rejected",
    "W": "Rejected, assurance failed validity tests",
    "X": "Rejected, content after decryption could not be analyzed",
}
"""AK901."""

GROUP_ERRORS: dict[str, str] = {
    "1": "Functional group not supported",
    "2": "Functional group version not supported",
    "3": "Functional group trailer missing",
    "4": "Group control number in the functional group header and trailer do not agree",
    "5": "Number of included transaction sets does not match actual count",
    "6": "Group control number violates syntax",
    "10": "Authentication key name unknown",
    "11": "Encryption key name unknown",
    "12": "Requested service (authentication or encryption) not available",
    "13": "Unknown security recipient",
    "14": "Unknown security originator",
    "15": "Syntax error in decrypted text",
    "16": "Security not supported",
    "17": "Incorrect message length (encryption only)",
    "18": "Message authentication code failed",
    "19": "Functional group control number not unique within interchange",
    "23": "S3E security end segment missing for S3S security start segment",
    "24": "S3S security start segment missing for S3E security end segment",
    "25": "S4E security end segment missing for S4S security start segment",
    "26": "S4S security start segment missing for S4E security end segment",
}
"""AK905–AK909."""

INTERCHANGE_STATUS: dict[str, str] = {
    "A": "Interchange accepted with no errors",
    "E": "Interchange accepted, but errors were noted",
    "R": "Interchange rejected because of errors",
}
"""TA104."""

INTERCHANGE_NOTES: dict[str, str] = {
    "000": "No error",
    "001": "The interchange control number in the header and trailer do not match",
    "002": "This standard as noted in the control standards identifier is not supported",
    "003": "This version of the controls is not supported",
    "004": "The segment terminator is invalid",
    "005": "Invalid interchange ID qualifier for sender",
    "006": "Invalid interchange sender ID",
    "007": "Invalid interchange ID qualifier for receiver",
    "008": "Invalid interchange receiver ID",
    "009": "Unknown interchange receiver ID",
    "010": "Invalid authorization information qualifier value",
    "011": "Invalid authorization information value",
    "012": "Invalid security information qualifier value",
    "013": "Invalid security information value",
    "014": "Invalid interchange date value",
    "015": "Invalid interchange time value",
    "016": "Invalid interchange standards identifier value",
    "017": "Invalid interchange version ID value",
    "018": "Invalid interchange control number value",
    "019": "Invalid acknowledgment requested value",
    "020": "Invalid test indicator value",
    "021": "Invalid number of included groups value",
    "022": "Invalid control structure",
    "023": "Improper (premature) end-of-file (transmission)",
    "024": "Invalid interchange content (e.g. invalid GS segment)",
    "025": "Duplicate interchange control number",
    "026": "Invalid data element separator",
    "027": "Invalid component element separator",
    "028": "Invalid delivery date in deferred delivery request",
    "029": "Invalid delivery time in deferred delivery request",
    "030": "Invalid delivery time code in deferred delivery request",
    "031": "Invalid grade of service code",
}
"""TA105."""

LINE_ACK_STATUS: dict[str, str] = {
    "AC": "Item accepted and shipped",
    "AR": "Item accepted and released for shipment",
    "BP": "Item accepted, partial shipment, balance backordered",
    "DR": "Item accepted, date rescheduled",
    "IA": "Item accepted",
    "IB": "Item backordered",
    "IC": "Item accepted, changes made",
    "ID": "Item deleted",
    "IE": "Item accepted, price pending",
    "IF": "Item on hold, incomplete description",
    "IH": "Item on hold",
    "IP": "Item accepted, price changed",
    "IQ": "Item accepted, quantity changed",
    "IR": "Item rejected",
    "IS": "Item accepted, substitution made",
    "IW": "Item on hold, waiver required",
    "R1": "Item rejected, not a contract item",
    "R2": "Item rejected, invalid item product number",
    "R3": "Item rejected, invalid unit of issue",
    "R4": "Item rejected, contract item not available",
    "R5": "Item rejected, reorder item as a just-in-time (JIT) order",
    "R6": "Item rejected, reorder item as an extended delivery order (EDO)",
    "R7": "Item rejected, reorder item as a drop shipment",
    "R8": "Item rejected, reorder item as a surge order",
    "SP": "Item accepted, schedule date pending",
}
"""ACK01 of an 855 line."""

REJECTED_LINE_STATUSES = frozenset({"IR", "ID", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"})
HELD_LINE_STATUSES = frozenset({"IB", "IF", "IH", "IW", "BP", "SP", "IE", "DR"})

PO_ACK_TYPES: dict[str, str] = {
    "AC": "Acknowledge, with detail and change",
    "AD": "Acknowledge, with detail, no change",
    "AE": "Acknowledge, with exception detail only",
    "AH": "Acknowledge, hold status",
    "AK": "Acknowledge, no detail or change",
    "AP": "Acknowledge, product replenishment",
    "AT": "Accepted",
    "NA": "No acknowledgment needed",
    "RD": "Reject with detail",
    "RF": "Reject with exception detail only",
    "RJ": "Rejected, no detail",
    "RO": "Rejected with counter offer",
    "ZZ": "Mutually defined",
}
"""BAK02 of an 855."""

VENDOR_ID_QUALIFIERS = ("VP", "VN", "VC", "VA", "MG", "MF", "SK")
"""Product ID qualifiers naming the seller's item, best first (our SKU)."""

BUYER_ID_QUALIFIERS = ("BP", "IN", "CB", "PI", "IT", "SK")
"""Product ID qualifiers naming the buyer's item, best first."""

GTIN_QUALIFIERS = ("UP", "UK", "EN", "UA", "UI", "UN", "UD", "EO", "UG")
"""Product ID qualifiers holding a GTIN/UPC/EAN."""

DESCRIPTION_QUALIFIERS = ("PD",)
"""A 'product description' passed where an ID would be (PO1…PD*text)."""


def describe(table: dict[str, str], code: str) -> str:
    """The description of a code, or a generic phrase naming the unknown code."""
    return table.get(code.strip().upper(), f"code {code.strip() or '(empty)'}")
