"""X12 delimiters and envelopes: what the ISA declares, nesting, control numbers, counts."""

from __future__ import annotations

import pytest

from exdesk.agents.document_extractor.x12 import parse_x12, read_x12
from exdesk.agents.document_extractor.x12.segments import read_separators, split_segments
from exdesk.errors import ExtractionError
from tests.agents.document_extractor.helpers import interchange, isa

PO_BODY = ["BEG*00*SA*4500012345**20260312", "PO1*1*5*EA*2.50**VP*WID-100", "CTT*1"]


def test_separators_come_from_the_isa() -> None:
    separators = read_separators(isa(element="|", component=":", terminator="\n") + "GS|PO")
    assert (separators.element, separators.component, separators.segment) == ("|", ":", "\n")
    assert separators.repetition is None


def test_repetition_separator_is_isa11_from_version_00402() -> None:
    modern = read_separators(isa(repetition="^", version="00501"))
    old = read_separators(isa(repetition="U", version="00401"))
    assert modern.repetition == "^"
    assert old.repetition is None


def test_an_isa_without_fixed_width_padding_is_still_read() -> None:
    header = "ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*260312*1015*U*00401*000000001*0*P*>~"
    separators = read_separators(header)
    assert (separators.element, separators.component, separators.segment) == ("*", ">", "~")


def test_line_breaks_after_terminators_and_inside_wrapped_segments_are_dropped() -> None:
    content = (
        isa()
        + "\r\nGS*PO*A*B*20260312*1015*1*X*004010~\r\nST*850*0001~"
        + "\r\nBEG*00*SA*45000\r\n12345**20260312~"
    )
    segments = split_segments(content, read_separators(content))
    assert [s.tag for s in segments] == ["ISA", "GS", "ST", "BEG"]
    assert segments[3].element(3) == "4500012345"


def test_newline_as_segment_terminator() -> None:
    content = interchange(PO_BODY).replace("~\n", "\n").replace(">~", ">\n")
    (reading,) = read_x12(content.replace("~", ""))
    assert reading.fields.po_number == "4500012345"


def test_several_interchanges_groups_and_transactions_in_one_file() -> None:
    group = (
        "GS*PO*S*R*20260312*1015*{g}*X*004010~ST*850*0001~BEG*00*SA*PO-{g}-1**20260312~SE*3*0001~"
        "ST*850*0002~BEG*00*SA*PO-{g}-2**20260312~SE*3*0002~GE*2*{g}~"
    )
    first = isa(control="000000001") + group.format(g=1) + group.format(g=2) + "IEA*2*000000001~"
    second = isa(control="000000002") + group.format(g=3) + "IEA*1*000000002~"
    parsed = parse_x12(first + "\n" + second)
    assert [len(i.groups) for i in parsed.interchanges] == [2, 1]
    assert [t.control_number for t in parsed.transactions()] == ["0001", "0002"] * 3
    assert parsed.warnings == []
    numbers = [r.fields.po_number for r in read_x12(first + second)]
    assert numbers == ["PO-1-1", "PO-1-2", "PO-2-1", "PO-2-2", "PO-3-1", "PO-3-2"]


def test_each_interchange_uses_its_own_separators() -> None:
    first = interchange(PO_BODY)
    second = isa(element="|", component=":", control="000000906") + (
        "GS|PO|S|R|20260312|1015|78|X|004010~ST|850|0001~BEG|00|SA|PO-PIPE||20260312~"
        "SE|3|0001~GE|1|78~IEA|1|000000906~"
    )
    numbers = [r.fields.po_number for r in read_x12(first + second)]
    assert numbers == ["4500012345", "PO-PIPE"]


def test_control_number_mismatches_are_warnings_not_errors() -> None:
    content = interchange(PO_BODY).replace("SE*5*0001", "SE*5*0002").replace("GE*1*77", "GE*1*78")
    content = content.replace("IEA*1*000000905", "IEA*1*000000906")
    warnings = parse_x12(content).warnings
    assert any("ST02 0001 vs SE02 0002" in w for w in warnings)
    assert any("GS06 77 vs GE02 78" in w for w in warnings)
    assert any("ISA13 000000905 vs IEA02 000000906" in w for w in warnings)


def test_declared_counts_are_checked() -> None:
    content = interchange(PO_BODY).replace("SE*5*0001", "SE*9*0001").replace("GE*1*77", "GE*3*77")
    content = content.replace("IEA*1*", "IEA*2*")
    warnings = " | ".join(parse_x12(content).warnings)
    assert "SE01 declares 9 segments, found 5" in warnings
    assert "GE01 declares 3 transaction set(s), found 1" in warnings
    assert "IEA01 declares 2 functional group(s), found 1" in warnings


def test_a_truncated_file_keeps_what_it_has_and_says_so() -> None:
    content = interchange(PO_BODY).split("SE*")[0]
    parsed = parse_x12(content)
    assert len(parsed.transactions()) == 1
    assert any("no SE trailer" in w for w in parsed.warnings)
    assert any("no IEA trailer" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Tk9OIEVESSBGSUxFISAasadsdfs", "does not start with ISA"),
        ("", "does not start with ISA"),
        ("ISA*00*  *00", "ISA segment is incomplete"),
        (isa() + "ST*850*0001~BEG*00*SA*1~SE*3*0001~IEA*1*000000905~", "outside a GS"),
        (isa() + "IEA*0*000000905~", "holds no functional group"),
        (isa() + "GS*PO*S*R*20260312*1015*1*X*004010~GE*0*1~IEA*1*000000905~", "no ST"),
        (isa() + "\x00\x01garbage\x02" * 40, "no valid segment tag"),
    ],
)
def test_unreadable_interchanges_raise_a_clear_extraction_error(content: str, message: str) -> None:
    with pytest.raises(ExtractionError, match=message):
        parse_x12(content)


def test_segment_positions_count_from_st() -> None:
    parsed = parse_x12(interchange(PO_BODY))
    (transaction,) = parsed.transactions()
    po1 = next(s for s in transaction.segments if s.tag == "PO1")
    assert transaction.position_of(po1) == 3
