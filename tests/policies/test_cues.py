"""Cue words are found whatever their case, exactly where ``re.IGNORECASE`` finds them:
the quick lower-cased search of ASCII text never misses a cue the pattern would match, and
other text is searched by the pattern itself."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exdesk.policies import _claim_cues
from exdesk.policies._claim_cues import ARRIVAL, LATE, Cue

CUES: list[Cue] = [value for value in vars(_claim_cues).values() if isinstance(value, Cue)] + [
    cue for table in (_claim_cues.QUANTITY_CUES, _claim_cues.CARRIER_CUES) for _, cue in table
]

_WORDS = sorted(
    {
        word
        for cue in CUES
        for word in re.findall(r"[^\W\d_]+", cue.pattern.pattern)
        if len(word) > 1
    }
)


_PHRASES = sorted(
    {
        re.sub(r"\\[bw]|\(\?:|[()?*+]|\[[^\]]*\]|\{[^}]*\}", "", alternative)
        for cue in CUES
        for alternative in cue.pattern.pattern.split("|")
    }
)
"""Roughly the cues themselves: each alternative less its pattern syntax."""


@st.composite
def _cased_word(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(_WORDS) | st.sampled_from(_PHRASES))
    upper = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if up else c for c, up in zip(word, upper, strict=True))


_TEXT = st.lists(
    st.one_of(_cased_word(), st.text(alphabet=string.printable, max_size=6)), max_size=14
).map(" ".join)


def test_every_cue_of_the_claim_checker_is_a_cue() -> None:
    assert len(CUES) >= 10
    assert {LATE, ARRIVAL} <= set(CUES)


@settings(max_examples=600, deadline=None)
@given(text=_TEXT, cue=st.sampled_from(CUES))
def test_a_cue_is_found_where_the_case_insensitive_pattern_finds_it(text: str, cue: Cue) -> None:
    found, expected = cue.search(text), cue.pattern.search(text)
    assert (found and (found.span(), found.group(0))) == (
        expected and (expected.span(), expected.group(0))
    )


@pytest.mark.parametrize(
    "text",
    [
        "We are SORRY FOR THE DELAY on your order.",
        "We are ſorry for the delay on your order.",  # long s: IGNORECASE reads it as "s"
        "Lamentamos el RETRASO; su pedido llegará tarde.",
        "Entschuldigen Sie die Verzögerung.",
    ],
)
def test_late_is_read_in_any_case_and_in_any_script(text: str) -> None:
    found = LATE.search(text)
    assert found is not None
    assert found.group(0) in text  # quoted as written


def test_an_upper_case_escape_is_refused() -> None:
    with pytest.raises(ValueError, match="upper-case escape"):
        Cue(r"late\W")
