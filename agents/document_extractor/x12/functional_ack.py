"""X12 997 Functional and 999 Implementation Acknowledgments, and TA1 interchange acks."""

from __future__ import annotations

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.x12.codes import (
    ELEMENT_ERRORS,
    GROUP_ERRORS,
    GROUP_STATUS,
    INTERCHANGE_NOTES,
    INTERCHANGE_STATUS,
    SEGMENT_ERRORS,
    TRANSACTION_ERRORS,
    TRANSACTION_SET_NAMES,
    TRANSACTION_STATUS,
    describe,
)
from exdesk.agents.document_extractor.x12.common import quantity
from exdesk.agents.document_extractor.x12.envelope import TransactionSet
from exdesk.agents.document_extractor.x12.segments import Segment
from exdesk.domain import (
    AckError,
    AcknowledgedInterchange,
    AcknowledgedTransaction,
    AckStatus,
    ExtractedFields,
)

_GROUP_TO_STATUS: dict[str, AckStatus] = {
    "A": "accepted",
    "E": "accepted_with_errors",
    "P": "partially_accepted",
    "R": "rejected",
    "M": "rejected",
    "W": "rejected",
    "X": "rejected",
}


def interpret_functional_ack(transaction: TransactionSet) -> Interpretation:
    """Read AK1, each AK2 with its AK3/AK4 (997) or IK3/IK4 (999) errors and AK5/IK5, and AK9."""
    set_id = transaction.set_id
    result = Interpretation(
        doc_type="functional_ack", format="x12", fields=ExtractedFields(), transaction_set=set_id
    )
    fields = result.fields
    details = fields.extra
    acknowledged: list[AcknowledgedTransaction] = []
    current: AcknowledgedTransaction | None = None
    segment_error: AckError | None = None
    group_status = ""
    for segment in transaction.body():
        tag = segment.tag
        if tag == "AK1":
            fields.acknowledged_functional_id = segment.element(1) or None
            fields.acknowledged_group_control_number = segment.element(2) or None
        elif tag == "AK2":
            current = AcknowledgedTransaction(
                transaction_set=segment.element(1),
                name=TRANSACTION_SET_NAMES.get(segment.element(1)),
                control_number=segment.element(2),
            )
            acknowledged.append(current)
        elif tag in ("AK3", "IK3"):
            segment_error = _segment_error(segment, current)
            fields.ack_errors.append(segment_error)
        elif tag in ("AK4", "IK4"):
            fields.ack_errors.append(_element_error(segment, current, segment_error, transaction))
        elif tag in ("AK5", "IK5"):
            _transaction_response(segment, current, fields.ack_errors)
            segment_error = None
        elif tag == "AK9":
            group_status = segment.element(1).upper()
            details.group_status = group_status
            details.group_status_description = describe(GROUP_STATUS, group_status)
            details.transaction_sets_included = _count(segment.element(2))
            details.transaction_sets_received = _count(segment.element(3))
            details.transaction_sets_accepted = _count(segment.element(4))
            for number in range(5, 10):
                code = segment.element(number)
                if code:
                    fields.ack_errors.append(
                        AckError(level="group", code=code, description=describe(GROUP_ERRORS, code))
                    )
    details.acknowledged_transactions = acknowledged
    set_statuses = [a.status for a in acknowledged if a.status]
    fields.ack_status = _GROUP_TO_STATUS.get(group_status) or _combined_status(set_statuses)
    if group_status == "" and fields.ack_status is not None:
        result.warnings.append(f"{set_id} has no AK9: the status was taken from AK5/IK5")
    if fields.ack_status is None:
        result.warnings.append(f"{set_id} states no acknowledgment status")
    _set_confidence(result)
    return result


def _count(value: str) -> int | None:
    count = quantity(value)
    return int(count) if count is not None else None


def _segment_error(segment: Segment, current: AcknowledgedTransaction | None) -> AckError:
    code = segment.element(4)
    position = quantity(segment.element(2))
    return AckError(
        level="segment",
        code=code or "",
        description=describe(SEGMENT_ERRORS, code) if code else "Segment in error",
        segment_id=segment.element(1) or None,
        segment_position=int(position) if position is not None else None,
        transaction_control_number=current.control_number if current else None,
    )


def _element_error(
    segment: Segment,
    current: AcknowledgedTransaction | None,
    segment_error: AckError | None,
    transaction: TransactionSet,
) -> AckError:
    """AK401/IK401 is an element position, possibly ``element:component``."""
    raw_position = segment.element(1)
    for separator in (transaction.separators.component, ":", ">"):
        if separator in raw_position:
            raw_position = raw_position.split(separator)[0]
            break
    position = quantity(raw_position)
    code = segment.element(3)
    description = describe(ELEMENT_ERRORS, code)
    reference = segment.element(2)
    details = [f"element {segment.element(1)}"]
    if reference:
        details.append(f"data element {reference}")
    if segment.element(4):
        details.append(f"bad value {segment.element(4)!r}")
    return AckError(
        level="element",
        code=code,
        description=f"{description} ({', '.join(details)})",
        segment_id=segment_error.segment_id if segment_error else None,
        segment_position=segment_error.segment_position if segment_error else None,
        element_position=int(position) if position is not None else None,
        transaction_control_number=current.control_number if current else None,
    )


def _transaction_response(
    segment: Segment, current: AcknowledgedTransaction | None, errors: list[AckError]
) -> None:
    status = segment.element(1).upper()
    control = current.control_number if current else None
    if current is not None:
        current.status = status
        current.status_description = describe(TRANSACTION_STATUS, status)
    for number in range(2, 7):
        code = segment.element(number)
        if code:
            errors.append(
                AckError(
                    level="transaction",
                    code=code,
                    description=describe(TRANSACTION_ERRORS, code),
                    transaction_control_number=control,
                )
            )


def _combined_status(statuses: list[str]) -> AckStatus | None:
    """One status for several acknowledged sets (AK5/IK5) or interchanges (TA1): ``A``
    accepted, ``E`` accepted with errors, any other code a rejection."""
    if not statuses:
        return None
    rejected = [s for s in statuses if s not in ("A", "E")]
    if not rejected:
        return "accepted_with_errors" if "E" in statuses else "accepted"
    return "rejected" if len(rejected) == len(statuses) else "partially_accepted"


def _set_confidence(result: Interpretation) -> None:
    fields = result.fields
    if fields.ack_status is not None:
        result.confidence["ack_status"] = 0.98 if fields.extra.group_status is not None else 0.85
    if fields.acknowledged_group_control_number is not None:
        result.confidence["acknowledged_group_control_number"] = 0.98
    if fields.acknowledged_functional_id is not None:
        result.confidence["acknowledged_functional_id"] = 0.98
    result.confidence["ack_errors"] = 0.95


def interpret_interchange_ack(ta1_segments: list[Segment]) -> Interpretation:
    """TA1 segments: the receiver's verdict on whole interchanges.

    The contract's ``AckError.level`` has no ``interchange`` value, so TA1 notes are
    reported at ``group`` level with ``segment_id`` TA1.
    """
    result = Interpretation(
        doc_type="functional_ack", format="x12", fields=ExtractedFields(), transaction_set="TA1"
    )
    fields = result.fields
    statuses: list[str] = []
    interchanges: list[AcknowledgedInterchange] = []
    for segment in ta1_segments:
        status, note = segment.element(4).upper(), segment.element(5)
        statuses.append(status)
        interchanges.append(
            AcknowledgedInterchange(
                control_number=segment.element(1),
                status=status,
                status_description=describe(INTERCHANGE_STATUS, status),
                note_code=note,
            )
        )
        if note and note != "000":
            fields.ack_errors.append(
                AckError(
                    level="group",
                    code=note,
                    description=f"Interchange {segment.element(1)}: "
                    + describe(INTERCHANGE_NOTES, note),
                    segment_id="TA1",
                )
            )
    fields.extra.acknowledged_interchanges = interchanges
    fields.ack_status = _combined_status(statuses)
    if fields.ack_status is not None:
        result.confidence["ack_status"] = 0.95
    result.confidence["ack_errors"] = 0.95
    return result
