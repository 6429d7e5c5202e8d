"""Precedent search on a real PostgreSQL: what is indexed, what a search may return."""

from __future__ import annotations

from exdesk.domain import Category
from exdesk.service import ExceptionDesk
from exdesk.service.precedents import precedent_index
from exdesk.tools.precedents import LocalEmbedder, PrecedentIndex
from exdesk.tools.precedents.search import SearchPlan, nearest, search_sql
from tests.precedents.support import HashingEmbedder, RenamedEmbedder, closed_case

DELAY = "Shipment SH-88207 delayed in transit due to weather at the Louisville hub"
DELAY_TWIN = "Shipment SH-90114 delayed in transit due to weather at the Louisville hub"
OTHERS: list[tuple[str, Category]] = [
    (
        "Invoice 4471 unit price for PPE-20501 does not match the purchase order",
        "document_mismatch",
    ),
    ("Order SO-104117 placed on credit hold: customer over credit limit", "credit_hold"),
    (
        "Short pick on SO-104117 line 3: PPE-20501 requested 10, picked 4 at DC-PHL",
        "inventory_shortage",
    ),
    ("Customer asks to return a damaged pallet of gloves for a refund", "return_request"),
]


def _rows(desk: ExceptionDesk) -> list[dict[str, object]]:
    with desk.db.connection() as conn:
        return conn.execute("SELECT * FROM case_embeddings ORDER BY case_id").fetchall()


def test_indexing_a_case_twice_leaves_one_unchanged_row(
    desk: ExceptionDesk, index: PrecedentIndex
) -> None:
    case = closed_case(desk, "acme", DELAY)
    with desk.db.connection() as conn:
        assert index.index_case(conn, case)
    first = _rows(desk)
    with desk.db.connection() as conn:
        assert index.index_case(conn, case)
    assert _rows(desk) == first
    assert len(first) == 1
    assert first[0]["embedder"] == index.embedder.name
    assert first[0]["dim"] == index.embedder.dim


def test_only_resolved_or_rejected_cases_are_indexed(
    desk: ExceptionDesk, index: PrecedentIndex
) -> None:
    open_case = closed_case(desk, "acme", DELAY, status="awaiting_approval")
    failed = closed_case(desk, "acme", DELAY_TWIN, status="failed")
    rejected = closed_case(desk, "acme", OTHERS[0][0], status="rejected")
    with desk.db.connection() as conn:
        assert not index.index_case(conn, open_case)
        assert not index.index_case(conn, failed)
        assert index.index_case(conn, rejected)
    assert [row["case_id"] for row in _rows(desk)] == [rejected.case_id]
    found = index.similar("acme", open_case, k=5)
    assert [(p.case_id, p.status) for p in found] == [(rejected.case_id, "rejected")]


def test_a_near_duplicate_ranks_first_and_the_case_itself_is_excluded(
    desk: ExceptionDesk, index: PrecedentIndex
) -> None:
    query = closed_case(desk, "acme", DELAY)
    twin = closed_case(desk, "acme", DELAY_TWIN)
    others = [closed_case(desk, "acme", text, category=cat) for text, cat in OTHERS]
    with desk.db.connection() as conn:
        for case in [query, twin, *others]:
            index.index_case(conn, case)

    found = index.similar("acme", query, k=10)

    assert query.case_id not in {p.case_id for p in found}
    assert len(found) == 1 + len(others)
    assert found[0].case_id == twin.case_id
    assert found[0].category == "carrier_delay"
    similarities = [p.similarity for p in found]
    assert similarities == sorted(similarities, reverse=True)
    assert found[0].similarity > found[1].similarity
    assert [p.case_id for p in index.similar("acme", query, k=2)] == [p.case_id for p in found[:2]]


def test_a_search_sees_only_the_callers_tenant(desk: ExceptionDesk, index: PrecedentIndex) -> None:
    query = closed_case(desk, "acme", DELAY)
    foreign_twin = closed_case(desk, "globex", DELAY_TWIN)
    own = closed_case(desk, "acme", OTHERS[1][0], category="credit_hold")
    with desk.db.connection() as conn:
        for case in (query, foreign_twin, own):
            index.index_case(conn, case)

    assert [p.case_id for p in index.similar("acme", query, k=5)] == [own.case_id]
    globex_query = closed_case(desk, "globex", DELAY, status="classified")
    assert [p.case_id for p in index.similar("globex", globex_query, k=5)] == [foreign_twin.case_id]


def test_a_search_never_mixes_embedders(
    desk: ExceptionDesk, index: PrecedentIndex, small_embedder: LocalEmbedder
) -> None:
    # The renamed embedder yields identical vectors: mixing would rank its twin first.
    renamed = precedent_index(desk.db, RenamedEmbedder(small_embedder, "test-renamed-32"))
    narrow = precedent_index(desk.db, LocalEmbedder.fit([t for t, _ in OTHERS] * 3, dim=8))
    query = closed_case(desk, "acme", DELAY)
    twin_renamed = closed_case(desk, "acme", DELAY_TWIN)
    twin_narrow = closed_case(desk, "acme", DELAY_TWIN + " (copy)")
    own = [closed_case(desk, "acme", text, category=cat) for text, cat in OTHERS[:2]]
    with desk.db.connection() as conn:
        renamed.index_case(conn, twin_renamed)
        narrow.index_case(conn, twin_narrow)
        for case in own:
            index.index_case(conn, case)

    assert {p.case_id for p in index.similar("acme", query, k=10)} == {c.case_id for c in own}
    assert [p.case_id for p in renamed.similar("acme", query, k=10)] == [twin_renamed.case_id]
    assert [p.case_id for p in narrow.similar("acme", query, k=10)] == [twin_narrow.case_id]
    with desk.db.connection() as conn:
        dims = conn.execute(
            "SELECT embedder, dim FROM case_embeddings ORDER BY dim, embedder"
        ).fetchall()
    assert [(row["embedder"], row["dim"]) for row in dims] == [
        ("local-tfidf-svd-8", 8),
        ("local-tfidf-svd-32", 32),
        ("local-tfidf-svd-32", 32),
        ("test-renamed-32", 32),
    ]


def test_the_search_can_use_the_embedders_partial_hnsw_index(
    desk: ExceptionDesk, index: PrecedentIndex
) -> None:
    case = closed_case(desk, "acme", DELAY)
    with desk.db.connection() as conn:
        index.index_case(conn, case)
        with conn.transaction():
            conn.execute("SET LOCAL enable_seqscan = off")
            conn.execute("SET LOCAL enable_bitmapscan = off")
            plan = conn.execute(
                b"EXPLAIN " + search_sql(index.space).as_bytes(conn),
                {
                    "q": "[" + ",".join(["0.1"] * 32) + "]",
                    "tenant_id": "acme",
                    "exclude": "",
                    "k": 5,
                },
            ).fetchall()
    text = "\n".join(row["QUERY PLAN"] for row in plan)
    assert index.space.index_name in text


def test_backfill_indexes_each_final_case_once(desk: ExceptionDesk, index: PrecedentIndex) -> None:
    closed = [closed_case(desk, "acme", text, category=cat) for text, cat in OTHERS]
    closed_case(desk, "acme", DELAY, status="executing")
    closed_case(desk, "globex", DELAY_TWIN)

    assert index.backfill("acme") == len(closed)
    assert index.backfill("acme") == 0
    assert {row["case_id"] for row in _rows(desk)} == {c.case_id for c in closed}


def test_precedent_summaries_mask_personal_data(desk: ExceptionDesk, index: PrecedentIndex) -> None:
    text = "Customer jane.doe@example.com (+1 415 555 0199) says order SO-1 never arrived"
    precedent = closed_case(desk, "acme", text, category="shipment_lost")
    query = closed_case(desk, "acme", "Order SO-2 never arrived, customer asks", status="received")
    with desk.db.connection() as conn:
        index.index_case(conn, precedent)

    [found] = index.similar("acme", query, k=3)

    assert "jane.doe@example.com" not in found.summary
    assert "555 0199" not in found.summary
    assert "never arrived" in found.summary


def test_the_hnsw_walk_and_the_exact_scan_agree_on_a_small_index(
    desk: ExceptionDesk, index: PrecedentIndex
) -> None:
    cases = [closed_case(desk, "acme", text, category=cat) for text, cat in OTHERS]
    cases += [closed_case(desk, "acme", DELAY), closed_case(desk, "globex", DELAY_TWIN)]
    query = closed_case(desk, "acme", DELAY_TWIN, status="classified")
    with desk.db.connection() as conn:
        for case in cases:
            index.index_case(conn, case)
    vector = index.embedder.embed([DELAY_TWIN])[0]

    with desk.db.connection() as conn:
        answers = [
            nearest(conn, index.space, "acme", vector, k=4, plan=plan, exclude_case_id=own)
            for plan in (SearchPlan(True, 0), SearchPlan(False, 40))
            for own in ("", cases[-2].case_id)
        ]

    exact, exact_without_self, walked, walked_without_self = (
        [row["case_id"] for row in rows] for rows in answers
    )
    assert walked == exact
    assert walked_without_self == exact_without_self
    assert exact[0] == cases[-2].case_id
    assert cases[-2].case_id not in exact_without_self
    assert cases[-1].case_id not in exact
    assert len(exact) == 4
    assert [p.case_id for p in index.similar("acme", query, k=4)] == exact


def test_an_embedder_above_2000_dimensions_is_indexed_as_half_precision(
    desk: ExceptionDesk,
) -> None:
    wide = precedent_index(desk.db, HashingEmbedder(3072))
    query = closed_case(desk, "acme", DELAY)
    twin = closed_case(desk, "acme", DELAY_TWIN)
    other = closed_case(desk, "acme", OTHERS[1][0], category="credit_hold")
    with desk.db.connection() as conn:
        for case in (query, twin, other):
            wide.index_case(conn, case)
        definition = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", (wide.space.index_name,)
        ).fetchone()

    assert definition is not None
    assert "halfvec(3072)" in definition["indexdef"]
    assert [p.case_id for p in wide.similar("acme", query, k=5)] == [twin.case_id, other.case_id]
    with desk.db.connection() as conn:
        walked = nearest(
            conn,
            wide.space,
            "acme",
            wide.embedder.embed([DELAY])[0],
            k=5,
            plan=SearchPlan(False, 40),
            exclude_case_id=query.case_id,
        )
    assert [row["case_id"] for row in walked] == [twin.case_id, other.case_id]
