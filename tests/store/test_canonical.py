"""Canonical JSON version 2 hashes a value the same before and after a jsonb round trip;
version 1 (the first release's) did not, and its old hashes still verify from what jsonb
returns."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from exdesk.store.canonical import (
    canonical_json_v1,
    canonical_json_v1_bytes,
    canonical_json_v2,
    canonical_json_v2_of_dump,
    canonical_number,
    canonical_object_v2,
    v1_readings,
)
from exdesk.store.record_hashes import record_hash, record_hash_matches


def _v2(value: Any) -> str:
    return hashlib.sha256(canonical_json_v2(value).encode()).hexdigest()


_text = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=12)
_numbers = (
    st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([-0.0, 0.0, 1e16, 0.1 + 0.2, 1e300, -1e-300, 5e-324, 2**53 + 1, 1.0])
)
json_values = st.recursive(
    st.none() | st.booleans() | _numbers | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@pytest.fixture
def jsonb(database_url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """A connection with a scratch jsonb table."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE scratch (value jsonb)")
        yield conn


def _round_trip(conn: psycopg.Connection[tuple[Any, ...]], value: Any) -> Any:
    row = conn.execute("SELECT %s::jsonb", (Jsonb(value),)).fetchone()
    assert row is not None
    return row[0]


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(value=json_values)
def test_a_value_hashes_the_same_after_jsonb(
    jsonb: psycopg.Connection[tuple[Any, ...]], value: Any
) -> None:
    assert _v2(_round_trip(jsonb, value)) == _v2(value)


@pytest.mark.parametrize(
    "value",
    [
        -0.0,
        {"similarity": -0.0},
        1e16,
        0.1 + 0.2,
        1e300,
        -2.5e-308,
        2**53 + 1,
        -(2**64),
        12345678901234567890123,
        [1.0, 1, 1.5, 150.0, 0.001],
        {"b": [1, {"é": "e\u0301"}], "a": None, "\u212b": "\u00c5", "Z": True},
        'tab\tnewline\nquote"backslash\\ bell\x07 line-sep\u2028 emoji\U0001f4e6',
    ],
)
def test_awkward_values_survive_jsonb(
    jsonb: psycopg.Connection[tuple[Any, ...]], value: Any
) -> None:
    assert canonical_json_v2(_round_trip(jsonb, value)) == canonical_json_v2(value)


def test_the_first_release_format_did_not_survive_jsonb(
    jsonb: psycopg.Connection[tuple[Any, ...]],
) -> None:
    """The penetration test's false alarm: a similarity rounded to -0.0."""
    for value in ({"similarity": -0.0}, {"eta_seconds": 1e16}):
        assert canonical_json_v1(_round_trip(jsonb, value)) != canonical_json_v1(value)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0"),
        (-0.0, "0"),
        (0.0, "0"),
        (1, "1"),
        (1.0, "1"),
        (-1.5, "-1.5"),
        (0.30000000000000004, "0.30000000000000004"),
        (1.5e-7, "1.5e-07"),
        (1e16, "10000000000000000"),
        (10**16, "10000000000000000"),
        (1e300, "1" + "0" * 300),
        (1500.0, "1500"),
        (2**53 + 1, "9007199254740993"),
        (5e-324, "5e-324"),
    ],
)
def test_a_number_is_written_by_its_value(number: int | float, text: str) -> None:
    assert canonical_number(number) == text
    assert float(json.loads(text)) == float(number)  # still a JSON number, the same one


def test_what_jsonb_cannot_hold_is_refused() -> None:
    for bad in (float("nan"), float("inf"), -float("inf"), "nul\x00", "\ud800"):
        with pytest.raises(ValueError, match=r"JSON form|jsonb cannot store"):
            canonical_json_v2(bad)
    with pytest.raises(TypeError, match="keys must be strings"):
        canonical_json_v2({1: "integer key"})
    with pytest.raises(TypeError, match="no canonical JSON form"):
        canonical_json_v2(object())


def test_what_jsonb_cannot_hold_is_refused_wherever_it_sits() -> None:
    """NUL and lone surrogates are refused in a key or deep inside; a string that only
    spells an escape (a backslash before "u0000") is an ordinary string."""
    for bad in ({"a": ["ok", {"b": "nul\x00"}]}, {"key\x00": 1}, [["\ud800"]], {"\udfff": 0}):
        with pytest.raises(ValueError, match="jsonb cannot store"):
            canonical_json_v2(bad)
    with pytest.raises(TypeError, match="keys must be strings"):
        canonical_json_v2({"a": {2: "integer key"}})
    assert canonical_json_v2({"path": "C:\\u0000"}) == '{"path":"C:\\\\u0000"}'
    with pytest.raises(ValueError, match="JSON form"):
        canonical_json_v2({"a": [1, float("nan")]})


class _Tier(IntEnum):
    GOLD = 1


class _Kind(StrEnum):
    SHORT = "short"


def test_python_spellings_are_written_as_their_json_values() -> None:
    """A tuple is an array, an enum member its plain value, any mapping an object."""
    value = {"t": (1, 2.0, "x"), "tier": _Tier.GOLD, "kind": _Kind.SHORT}
    assert canonical_json_v2(value) == '{"kind":"short","t":[1,2,"x"],"tier":1}'
    assert canonical_json_v2(MappingProxyType({"b": 1.0, "a": ()})) == '{"a":[],"b":1}'
    assert canonical_json_v2(_Kind.SHORT) == canonical_json_v2("short")
    assert canonical_json_v2(_Tier.GOLD) == "1"
    assert canonical_json_v2(True) == "true"
    assert canonical_json_v2(None) == "null"


def test_decimals_are_strings_and_spellings_of_a_letter_differ() -> None:
    assert canonical_json_v2({"amount": Decimal("13.750")}) == '{"amount":"13.750"}'
    composed, decomposed = "\u00e9", unicodedata.normalize("NFD", "\u00e9")
    assert composed != decomposed
    assert canonical_json_v2(composed) != canonical_json_v2(decomposed)
    assert canonical_json_v2({"b": 1, "a": [True, None]}) == '{"a":[true,null],"b":1}'


def test_old_hashes_still_verify_from_what_jsonb_returns(
    jsonb: psycopg.Connection[tuple[Any, ...]],
) -> None:
    """A version-1 record hashed over -0.0 and 1e16 verifies from jsonb's 0.0 and 10**16."""
    fields: dict[str, Any] = {
        "tenant_id": "acme",
        "case_id": "case_1",
        "seq": 3,
        "at": "2026-11-26T19:30:00+00:00",
        "step": "classify",
        "actor": "agent:classifier@local",
        "inputs_digest": "0" * 64,
        "output": {"evidence": {"precedents": [{"similarity": -0.0}, {"similarity": 0.0}]}},
        "confidence": 0.0,
        "policy_results": [{"big": 1e16}],
        "model": None,
        "trace_id": None,
        "span_id": None,
        "prev_hash": "0" * 64,
    }
    written = record_hash(fields)
    read_back = {key: _round_trip(jsonb, fields[key]) for key in ("output", "policy_results")}
    stored = {**fields, **read_back}
    assert record_hash(stored) != written
    assert record_hash_matches(stored, written)
    changed = {**stored, "output": {"evidence": {"precedents": [{"similarity": 0.5}]}}}
    assert not record_hash_matches(changed, written)


def test_v1_readings_offer_each_spelling_once_and_the_value_first() -> None:
    readings = list(v1_readings({"a": 0.0, "b": [10**16, "x"], "c": True}))
    assert readings[0] == {"a": 0.0, "b": [10**16, "x"], "c": True}
    assert len(readings) == 4
    assert {canonical_json_v1(r) for r in readings} == {
        '{"a":0.0,"b":[10000000000000000,"x"],"c":true}',
        '{"a":-0.0,"b":[10000000000000000,"x"],"c":true}',
        '{"a":0.0,"b":[1e+16,"x"],"c":true}',
        '{"a":-0.0,"b":[1e+16,"x"],"c":true}',
    }


@given(members=st.dictionaries(_text, json_values, max_size=6))
def test_an_object_written_from_its_members_is_the_object_written_whole(
    members: dict[str, Any],
) -> None:
    """A writer keeping each member's canonical JSON (a case's projection columns) writes
    the same object — so hashes the same — as one serialising it whole."""
    texts = {key: canonical_json_v2(value) for key, value in members.items()}
    assert canonical_object_v2(texts) == canonical_json_v2(members)


_v1_leaves = (
    st.none()
    | st.booleans()
    | st.integers()  # past 64 bits too
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=-1e-3, max_value=1e-3, allow_nan=False)
    | _text
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # NUL, 2028, emoji...
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.datetimes()
    | st.dates()
    | st.uuids()
    | st.sampled_from([_Tier.GOLD, _Kind.SHORT, frozenset({1})])
)
_v1_values = st.recursive(
    _v1_leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(
            st.text(alphabet=st.characters(codec="utf-8"), max_size=6), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=400)
@given(value=_v1_values)
def test_the_quick_version_1_writer_writes_what_version_1_does(value: Any) -> None:
    """Inputs digests are version 1, written quicker: byte for byte the same, whatever a
    step's inputs hold (odd floats, big integers, decimals, dates, str and int enums, sets,
    any script)."""
    assert canonical_json_v1_bytes(value) == canonical_json_v1(value).encode()


def test_the_quick_version_1_writer_on_a_case_context() -> None:
    """A context as classify hashes it: thousands of values, written by the quick path."""
    context = {
        "lanes": [
            {"carrier": "UPSN", "days": n, "cost": f"{n}.50", "km": n * 1.25} for n in range(300)
        ],
        "tiny": [1e-5, 1.5e-7, 2.5e16, -0.0, 0.0001],
        "text": 'SKU 1e5 \u00e9\u2028\U0001f600 "quoted" \\ \n\t\x00',
    }
    assert canonical_json_v1_bytes(context) == canonical_json_v1(context).encode()
    del context["tiny"], context["text"]
    assert canonical_json_v1_bytes(context) == canonical_json_v1(context).encode()


_dump_leaves = (
    st.none()
    | st.booleans()
    | _numbers
    | st.floats(min_value=-1e-3, max_value=1e-3, allow_nan=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # NUL, 2028, emoji...
    | st.sampled_from(["1e5", "v2.0", "0.00001", "1e+16,", "\\u0000", "x\x00y"])
)
_dumps = st.recursive(
    _dump_leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet=st.characters(codec="utf-8"), max_size=6), inner)
    ),
    max_leaves=20,
)


def _written(write: Any, value: Any) -> str:
    """What ``write`` writes, or the kind of error it refuses the value with."""
    try:
        return str(write(value))
    except (TypeError, ValueError) as error:
        return f"refused: {type(error).__name__}"


@settings(max_examples=400)
@given(value=_dumps)
def test_the_quick_version_2_writer_writes_what_version_2_does(value: Any) -> None:
    """Records and projections are hashed over dumps written quicker: byte for byte what
    version 2 writes (whole, tiny and huge floats, big integers, NUL, any script), and
    refused where version 2 refuses."""
    assert _written(canonical_json_v2_of_dump, value) == _written(canonical_json_v2, value)


def test_the_quick_version_2_writer_refuses_what_is_no_json() -> None:
    """A key that is not a string, NUL, a lone surrogate, a date: refused as version 2 does."""
    for value in ({1: "a"}, {"a": "x\x00"}, ["\ud800"], {"at": Decimal("1.5")}):
        assert _written(canonical_json_v2_of_dump, value) == _written(canonical_json_v2, value)
    assert canonical_json_v2_of_dump({"at": Decimal("1.5")}) == '{"at":"1.5"}'
