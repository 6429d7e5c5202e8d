"""``exdesk cases list`` and ``cases show``: reading the tenant's cases."""

from __future__ import annotations

from collections import Counter

import pytest

from exdesk.domain import Case
from tests.cli.conftest import Cli, Ingested, error_line, jsonl_cases


def all_cases(ingested: Ingested) -> list[Case]:
    """The example cases as ingest printed them."""
    return jsonl_cases(ingested.first_run)


def test_list_shows_newest_first_up_to_the_limit(ingested: Ingested, ingested_cli: Cli) -> None:
    result = ingested_cli.ok("cases", "list")

    header, _rule, *rows, footer = result.stdout.strip().splitlines()
    assert header.split()[:2] == ["case", "status"]
    assert len(rows) == 50
    assert footer == "50 of 79 cases"
    every = ingested_cli.ok("cases", "list", "--limit", "500", "--format", "jsonl")
    listed = jsonl_cases(every)
    assert sorted(c.case_id for c in listed) == sorted(c.case_id for c in all_cases(ingested))
    assert [c.created_at for c in listed] == sorted((c.created_at for c in listed), reverse=True)
    assert [row.split()[0] for row in rows] == [c.case_id for c in listed[:50]]


@pytest.mark.parametrize(
    ("option", "field"),
    [("--status", "status"), ("--category", "category"), ("--route", "route")],
)
def test_each_filter_lists_exactly_the_matching_cases(
    ingested: Ingested, ingested_cli: Cli, option: str, field: str
) -> None:
    def value(case: Case) -> str | None:
        if field == "category":
            return case.classification.category if case.classification else None
        found: str | None = getattr(case, field)
        return found

    counts = Counter(v for c in all_cases(ingested) if (v := value(c)) is not None)
    wanted, expected = counts.most_common()[-1]
    assert 0 < expected < 79

    result = ingested_cli.ok("cases", "list", option, wanted, "--format", "jsonl")

    listed = jsonl_cases(result)
    assert len(listed) == expected
    assert {value(c) for c in listed} == {wanted}


def test_filters_combine(ingested: Ingested, ingested_cli: Cli) -> None:
    expected = [
        c
        for c in all_cases(ingested)
        if c.route == "fulfillment" and c.status == "awaiting_approval"
    ]
    assert expected

    result = ingested_cli.ok(
        "cases", "list", "--route", "fulfillment", "--status", "awaiting_approval", "--limit", "500"
    )

    assert result.stdout.strip().splitlines()[-1] == f"{len(expected)} of {len(expected)} cases"


@pytest.mark.parametrize("option", ["--status", "--category", "--route"])
def test_an_unknown_filter_value_is_a_usage_error(ingested_cli: Cli, option: str) -> None:
    result = ingested_cli("cases", "list", option, "banana")

    assert result.exit_code == 2
    assert option in result.stderr
    assert result.stdout == ""


def test_another_tenant_sees_none_of_these_cases(ingested_cli: Cli) -> None:
    result = ingested_cli.ok("--tenant", "globex", "cases", "list")

    assert result.stdout.strip().splitlines()[-1] == "0 of 0 cases"


def test_each_invocation_reads_the_environment_afresh(
    ingested_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ingested_cli.ok("cases", "list").stdout.strip().endswith("of 79 cases")

    monkeypatch.setenv("EXDESK_TENANT", "globex")

    assert ingested_cli.ok("cases", "list").stdout.strip().splitlines()[-1] == "0 of 0 cases"


def test_show_prints_the_case_with_its_decision_records(
    ingested: Ingested, ingested_cli: Cli
) -> None:
    first = all_cases(ingested)[0]

    shown = ingested_cli.case(first.case_id)

    assert shown.case_id == first.case_id
    assert shown.event.tenant_id == "acme"
    assert shown.event.model_copy(update={"tenant_id": None}) == ingested.events[0]
    assert [d.seq for d in shown.decisions] == list(range(1, len(shown.decisions) + 1))
    assert shown.decisions[0].step == "intake"


def test_show_of_an_unknown_case_exits_3_in_one_line(ingested_cli: Cli) -> None:
    result = ingested_cli("cases", "show", "case_doesnotexist")

    assert result.exit_code == 3
    assert "case_doesnotexist" in error_line(result)
    assert result.stdout == ""


def test_show_never_reveals_another_tenants_case(ingested: Ingested, ingested_cli: Cli) -> None:
    case_id = all_cases(ingested)[0].case_id

    result = ingested_cli("--tenant", "globex", "cases", "show", case_id)

    assert result.exit_code == 3
    assert case_id in error_line(result)
