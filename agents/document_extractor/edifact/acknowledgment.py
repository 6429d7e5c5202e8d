"""EDIFACT CONTRL and APERAK → a ``functional_ack`` extraction, as an X12 997/999 is read.

CONTRL reports syntax: the interchange (UCI), groups (UCF), messages (UCM), segments (UCS)
and data elements (UCD), each with an action (0083) and a syntax error code (0085). APERAK
reports an application's verdict on a business message: a function code (1225) or response
type (4343), and application errors (ERC) explained in FTX.
"""

from __future__ import annotations

from exdesk.agents.document_extractor.edifact.codes import (
    FUNCTION_ACK_STATUS,
    MESSAGE_NAMES,
    RESPONSE_ACK_STATUS,
    SERVICE_ACTIONS,
    SYNTAX_ERRORS,
    describe,
)
from exdesk.agents.document_extractor.edifact.common import (
    first,
    read_heading,
    references,
)
from exdesk.agents.document_extractor.edifact.envelope import Message
from exdesk.agents.document_extractor.edifact.syntax import EdifactSegment
from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.domain import (
    AckError,
    AcknowledgedInterchange,
    AcknowledgedTransaction,
    AckStatus,
    ExtractedFields,
)

_REJECTED = "4"
_STATUS_OF_ACTION = {"4": "R", "7": "A", "8": "A"}
"""0083 in the X12 997 words the details use (``A`` accepted, ``R`` rejected)."""
_INFERRED_CONFIDENCE = 0.7


def interpret_contrl(message: Message) -> Interpretation:
    """The verdicts of a CONTRL on an interchange, its groups and messages."""
    result = Interpretation(
        doc_type="functional_ack",
        format="edifact",
        fields=ExtractedFields(),
        transaction_set="CONTRL",
    )
    fields = result.fields
    details = fields.extra
    interchange_action = ""
    transactions: list[AcknowledgedTransaction] = []
    current: AcknowledgedTransaction | None = None
    for segment in message.segments:
        if segment.tag == "UCI":
            interchange_action = segment.component(4)
            details.acknowledged_interchanges = [
                AcknowledgedInterchange(
                    control_number=segment.component(1) or None,
                    status=_STATUS_OF_ACTION.get(interchange_action, interchange_action) or None,
                    status_description=describe(SERVICE_ACTIONS, interchange_action)
                    if interchange_action
                    else None,
                    note_code=segment.component(5) or None,
                )
            ]
            _error(fields.ack_errors, "interchange", segment, 5, segment.component(6) or None)
        elif segment.tag == "UCF":
            fields.acknowledged_group_control_number = segment.component(1) or None
            _error(fields.ack_errors, "group", segment, 5, segment.component(6) or None)
        elif segment.tag == "UCM":
            current = _message_response(segment)
            transactions.append(current)
            _error(
                fields.ack_errors, "transaction", segment, 4, segment.component(5) or None, current
            )
        elif segment.tag == "UCS":
            position = segment.component(1)
            _error(
                fields.ack_errors,
                "segment",
                segment,
                2,
                None,
                current,
                int(position) if position.isdigit() else None,
            )
        elif segment.tag == "UCD":
            element = segment.component(2, 1)
            error = _error(fields.ack_errors, "element", segment, 1, None, current)
            if error is not None and element.isdigit():
                error.element_position = int(element)
    details.acknowledged_transactions = transactions or None
    fields.ack_status = _contrl_status(interchange_action, transactions, bool(fields.ack_errors))
    if fields.ack_status is not None:
        result.confidence["ack_status"] = 0.98
    return result


def _message_response(segment: EdifactSegment) -> AcknowledgedTransaction:
    action = segment.component(3)
    message_type = segment.component(2, 1).upper()
    return AcknowledgedTransaction(
        transaction_set=message_type or None,
        name=MESSAGE_NAMES.get(message_type),
        control_number=segment.component(1) or None,
        status=_STATUS_OF_ACTION.get(action, action) or None,
        status_description=describe(SERVICE_ACTIONS, action) if action else None,
    )


def _error(
    errors: list[AckError],
    level: str,
    segment: EdifactSegment,
    code_element: int,
    segment_id: str | None,
    transaction: AcknowledgedTransaction | None = None,
    position: int | None = None,
) -> AckError | None:
    """Record the segment's syntax error (0085) when it states one."""
    code = segment.component(code_element)
    if not code:
        return None
    error = AckError.model_validate(
        {
            "level": level,
            "code": code,
            "description": describe(SYNTAX_ERRORS, code),
            "segment_id": segment_id,
            "segment_position": position,
            "transaction_control_number": transaction.control_number if transaction else None,
        }
    )
    errors.append(error)
    return error


def _contrl_status(
    interchange_action: str, transactions: list[AcknowledgedTransaction], has_errors: bool
) -> AckStatus | None:
    rejected = [t for t in transactions if t.status == "R"]
    if interchange_action == _REJECTED or (transactions and len(rejected) == len(transactions)):
        return "rejected"
    if rejected:
        return "partially_accepted"
    if not interchange_action and not transactions:
        return None
    return "accepted_with_errors" if has_errors else "accepted"


def interpret_aperak(message: Message) -> Interpretation:
    """An APERAK's verdict on the message it references, and its application errors."""
    result, sections = read_heading(message, "functional_ack")
    fields = result.fields
    refs = references(message.segments)
    fields.po_number = refs.get("ON")
    bgm = first(sections.heading, "BGM")
    function = bgm.component(3) if bgm is not None else ""
    response_type = bgm.component(4) if bgm is not None else ""
    texts = [s for s in message.segments if s.tag == "FTX"]
    for index, segment in enumerate(message.segments):
        if segment.tag != "ERC":
            continue
        explained = next(
            (s for s in message.segments[index + 1 :] if s.tag in ("FTX", "ERC")), None
        )
        description = ""
        if explained is not None and explained.tag == "FTX":
            description = " ".join(part for part in explained.components(4) if part)
        fields.ack_errors.append(
            AckError(
                level="transaction",
                code=segment.component(1, 1),
                description=description or f"application error {segment.component(1, 1)}",
                transaction_control_number=refs.get("ACW") or fields.po_number,
            )
        )
    stated = FUNCTION_ACK_STATUS.get(function) or RESPONSE_ACK_STATUS.get(response_type)
    if stated is not None:
        fields.ack_status = stated
        result.confidence["ack_status"] = 0.95
    else:
        fields.ack_status = "rejected" if fields.ack_errors else "accepted"
        result.confidence["ack_status"] = _INFERRED_CONFIDENCE
    reference = refs.get("ACW") or fields.po_number
    fields.extra.acknowledged_transactions = [
        AcknowledgedTransaction(
            transaction_set=None,
            control_number=reference,
            status="R" if fields.ack_status == "rejected" else "A",
        )
    ]
    result.free_text.extend(" ".join(s.components(4)) for s in texts)
    if fields.po_number is not None:
        result.confidence["po_number"] = 0.98
    return result
