"""Which search a tenant gets: an exact scan of its rows when that is cheaper than the
HNSW walk it would need, else the walk with the configured ef_search."""

from __future__ import annotations

import pytest

from exdesk.tools.precedents import EF_SEARCH, SearchPlan, VectorSpace, plan_search
from exdesk.tools.precedents.search import EXACT_ROWS_PER_CANDIDATE, MAX_EF_SEARCH


@pytest.mark.parametrize(
    ("tenant_rows", "total_rows"), [(100_000, 100_000), (100_000, 112_000), (10_000, 112_000)]
)
def test_a_large_tenant_walks_the_index_with_the_configured_ef_search(
    tenant_rows: int, total_rows: int
) -> None:
    assert plan_search(tenant_rows, total_rows, EF_SEARCH, 10) == SearchPlan(False, EF_SEARCH)


@pytest.mark.parametrize(
    ("tenant_rows", "total_rows"),
    [(0, 0), (0, 5_000), (300, 300), (2_000, 112_000), (5_000, 500_000)],
)
def test_a_tenant_with_few_rows_for_its_share_is_scanned_exactly(
    tenant_rows: int, total_rows: int
) -> None:
    assert plan_search(tenant_rows, total_rows, 200, 10).exact


def test_the_scan_stops_paying_at_ten_rows_per_candidate() -> None:
    limit = EXACT_ROWS_PER_CANDIDATE * 200
    assert plan_search(limit, limit, 200, 10).exact
    assert not plan_search(limit + 1, limit + 1, 200, 10).exact


def test_k_larger_than_ef_search_widens_the_candidate_list() -> None:
    assert plan_search(100_000, 100_000, 20, 50) == SearchPlan(False, 50)


def test_ef_search_never_exceeds_pgvectors_limit() -> None:
    assert plan_search(100_000, 100_000, 5_000, 10) == SearchPlan(False, MAX_EF_SEARCH)


def test_index_names_fit_postgres_identifiers_and_differ_per_embedder_and_dimension() -> None:
    long_name = "openai-" + "text-embedding-3-large-custom-deployment-eu-west" + "-3072"
    names = {
        VectorSpace(long_name, 3072).index_name,
        VectorSpace(long_name[:-1] + "x", 3072).index_name,
        VectorSpace("local-tfidf-svd-256", 256).index_name,
        VectorSpace("local-tfidf-svd-256", 128).index_name,
    }
    assert len(names) == 4
    assert all(len(name) <= 63 for name in names)
