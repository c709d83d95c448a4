"""The search contract on both engines: facets, sorting, pages, filters, ranges, more like this."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.errors import BadQuery
from search import FacetCount, more_like_this
from search.engines import make_index
from search.query import search
from search.ranges import amount_bounds, date_bounds
from search.schema import IndexDoc
from search.scope import SearchScope

LOAN = "借款合同正文：借款人按期归还借款本金及利息，逾期按日计收罚息，担保人承担连带责任。"


def _doc(i: int, **fields: Any) -> IndexDoc:
    fields.setdefault("text", LOAN)
    fields.setdefault("level", "internal")
    fields.setdefault("title", f"借款合同{i}")
    return IndexDoc(document_id=i, **fields)


DOCS = [
    _doc(
        1,
        doc_type="loan",
        customer_id=11,
        doc_date=date(2023, 1, 15),
        archive_no="A-0003",
        amounts=[100_000_00],
        tags=["续贷"],
        department="信贷部",
    ),
    _doc(
        2,
        doc_type="loan",
        customer_id=11,
        doc_date=date(2023, 6, 30),
        archive_no="A-0001",
        amounts=[5_000_00],
    ),
    _doc(
        3,
        doc_type="letter",
        customer_id=12,
        doc_date=date(2024, 2, 1),
        archive_no="A-0002",
        tags=["逾期"],
        department="风控部",
    ),
    _doc(
        4,
        doc_type="loan",
        customer_id=12,
        doc_date=date(2022, 12, 31),
        archive_no="A-0005",
        level="personal",
        owner="alice",
        amounts=[3_000_00],
    ),
    _doc(5, doc_type="letter", customer_id=13, archive_no="A-0004", level="company", amounts=[1_000_00]),
    _doc(
        6, doc_type="minutes", title="会议纪要", text="会议纪要：研究授信方案的内部讨论。", level="internal"
    ),
]
INTERNAL = SearchScope(everywhere=frozenset({"internal"}))


@pytest.fixture(scope="module")
def index(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    ix = make_index(engine, tmp_path_factory.mktemp(f"contract-{engine}"), batch_size=4).open_or_create()
    ix.add_documents(DOCS)
    yield ix
    ix.close()


def ids(index: Any, query: str, **kw: Any) -> list[int]:
    return [h.document_id for h in search(index, query, limit=50, **kw).hits]


def test_facets_count_only_what_the_scope_allows(index: Any) -> None:
    result = search(index, "借款", facets=True, scope=INTERNAL)
    assert result.total == 3
    assert result.facets == {
        "type": [FacetCount("loan", 2), FacetCount("letter", 1)],
        "customer": [FacetCount("11", 2), FacetCount("12", 1)],
        "year": [FacetCount("2023", 2), FacetCount("2024", 1)],
        "level": [FacetCount("internal", 3)],
    }
    everyone = SearchScope(everywhere=frozenset({"internal", "personal", "company"}))
    wide = search(index, "借款", facets=True, scope=everyone).facets
    assert FacetCount("personal", 1) in wide["level"] and FacetCount("company", 1) in wide["level"]


def test_facets_are_empty_unless_asked_for(index: Any) -> None:
    assert search(index, "借款").facets == {}
    assert search(index, "借款", facets=True, scope=SearchScope()).facets == {
        "type": [],
        "customer": [],
        "year": [],
        "level": [],
    }


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("date", [4, 1, 2, 3, 5]),  # undated last
        ("-date", [3, 2, 1, 4, 5]),  # undated last here too
        ("archive_no", [2, 3, 1, 5, 4]),
    ],
)
def test_sorting_by_date_and_archive_number(index: Any, sort: str, expected: list[int]) -> None:
    assert ids(index, "借款", sort=sort) == expected
    # Document 6 has neither a date nor an archive number: last either way.
    assert ids(index, "借款 OR 授信", sort=sort) == [*expected, 6]


def test_pages_follow_the_sort_and_the_total_counts_every_match(index: Any) -> None:
    pages = [search(index, "借款", sort="archive_no", limit=2, offset=offset) for offset in (0, 2, 4)]
    assert {page.total for page in pages} == {5}
    assert [h.document_id for page in pages for h in page.hits] == [2, 3, 1, 5, 4]


def test_relevance_is_the_default_sort(index: Any) -> None:
    scores = [h.score for h in search(index, "借款").hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_unknown_sort_or_page_is_a_bad_query(index: Any) -> None:
    with pytest.raises(BadQuery):
        search(index, "借款", sort="title")
    with pytest.raises(BadQuery):
        search(index, "借款", offset=-1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag:续贷", {1}),
        ("标签:逾期 借款", {3}),
        ("dept:信贷部", {1}),
        ("部门:风控部", {3}),
        ("date:2023", {1, 2}),
        ("date:2023-01..2023-06", {1, 2}),
        ("签订日期:2023-02..", {2, 3}),
        ("date:..2022-12", {4}),
        ("借款 date:2023-01..2023-06", {1, 2}),  # a date ANDed with words: looked up per match
        ("借款 签订日期:2024", {3}),
        ("借款 date:..2023-01", {1, 4}),
        ("借款 date:2000..", {1, 2, 3, 4}),  # never a document without a date
        ("(借款 OR 授信) date:2023 date:..2023-03", {1}),
        ("amount:1000..5000", {2, 4, 5}),
        ("金额:10万", {1}),
        ("amount:5000.. -date:2023-01", {2}),
        ("借款 type:letter", {3, 5}),
    ],
)
def test_field_filters_and_ranges(index: Any, query: str, expected: set[int]) -> None:
    assert set(ids(index, query)) == expected


@pytest.mark.parametrize(
    "query",
    ["date:2023-13", "date:2023-02-30", "date:2024..2023", "date:..", "amount:abc", "amount:9..1", "date:x"],
)
def test_malformed_ranges_are_bad_queries_with_an_example(index: Any, query: str) -> None:
    with pytest.raises(BadQuery) as caught:
        search(index, query)
    assert caught.value.code == "search.bad_query"
    assert ".." in caught.value.params["detail"]


def test_range_bounds() -> None:
    assert date_bounds("2024-02") == (20240201, 20240229)
    assert date_bounds("2023年3月") == (20230301, 20230331)
    assert date_bounds("2023-01..2023-06") == (20230101, 20230630)
    assert amount_bounds("1,000..5000") == (100_000, 500_000)
    assert amount_bounds("¥12.5") == (1250, 1250)
    assert amount_bounds("2万..") == (2_000_000, None)


def test_more_like_this_finds_similar_documents_but_not_itself(index: Any) -> None:
    found = more_like_this(index, 1, text=LOAN, title="借款合同1", scope=INTERNAL, limit=10)
    hits = [h.document_id for h in found.hits]
    assert 1 not in hits
    assert set(hits) == {2, 3}  # 4 and 5 are outside the scope, 6 is about something else
    assert found.total == 2


def test_more_like_this_of_an_empty_text_finds_nothing(index: Any) -> None:
    assert more_like_this(index, 1, text="", scope=INTERNAL).total == 0


def test_both_engines_rank_alike(tmp_path: Path) -> None:
    """The same documents and queries give the same hits, in the same order, on either engine."""
    from tests.search.corpus import DOCS as CORPUS

    indexes = [make_index(e, tmp_path / e, batch_size=9).open_or_create() for e in ("whoosh", "tantivy")]
    for ix in indexes:
        ix.add_documents(CORPUS)
    for query in ("借款合同", "明远", "HT-2024-0173", '"连带责任保证"', "抵押 -登记", "customer:海天"):
        whoosh_hits, tantivy_hits = (set(ids(ix, query)) for ix in indexes)
        assert whoosh_hits == tantivy_hits, query
    for ix in indexes:
        ix.close()
