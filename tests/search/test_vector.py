"""The numpy evaluation (search.whoosh_arrays) gives what Whoosh's own collectors give: the same hits in the same
order with the same scores, the same totals and facet counts, for every query kind, reader scope, id
filter, sort and page, over several segments with deleted and replaced entries."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.search_corpus import iter_corpus
from search import query as search_query
from search import whoosh_arrays as vector
from search.engines import make_index
from search.normalize import normalize
from search.query import compile_query, search
from search.results import SearchResult
from search.schema import IndexDoc
from search.scope import SearchScope

LEVELS = ("internal", "internal", "internal", "department", "personal", "confidential")
QUERIES = (
    "借款",
    "合同",
    "担保 合同",
    '"连带责任保证"',
    "违约金",
    "借款合同",
    "抵押 登记",
    "借款 -抵押",
    "借款 OR 抵押",
    "-借款",
    "担保 date:2023",
    "合同 date:2020..2022",
    "type:借款合同",
    "customer:明远",
    "HT-2024",
    "contract",
    "回访 服务",
)
# Where Whoosh's own matchers are wrong or arbitrary, the match set is checked against the texts instead:
# a NOT inside an OR (Whoosh's union over an AndNot matcher returns documents the NOT excludes) and a
# single CJK character (an OR of every bigram starting with it, which Whoosh's preloading union scores
# inconsistently on small indexes).
PLAIN = {
    "保证 OR (抵押 -登记)": lambda has: has("保证") or (has("抵押") and not has("登记")),
    "借": lambda has: has("借"),
    "借款 -抵押 OR 回访": lambda has: (has("借款") and not has("抵押")) or has("回访"),
}
SCOPES = (
    None,
    SearchScope(everywhere=frozenset({"internal"})),
    SearchScope(
        everywhere=frozenset({"internal"}),
        departments={"department": frozenset({"sales1"})},
        owners={"personal": frozenset({"bob"})},
        documents=frozenset({5, 17, 33}),
        customers=frozenset({2}),
    ),
    SearchScope(departments={"department": frozenset({"sales2"})}),
    SearchScope(),
)


def _docs(count: int) -> list[IndexDoc]:
    rng = random.Random(4)
    customers: dict[str, int] = {}
    docs = []
    for doc, _meta in iter_corpus(count, seed=9):
        cid = customers.setdefault(doc.customer, len(customers) + 1)
        dated = rng.random() > 0.1
        docs.append(
            dataclasses.replace(
                doc,
                level=rng.choice(LEVELS),
                department=rng.choice(("sales1", "sales2", None)),
                owner=rng.choice(("alice", "bob", None)),
                customer_id=cid if rng.random() > 0.05 else None,
                doc_date=doc.doc_date if dated else None,
                archive_no=doc.archive_no if rng.random() > 0.1 else "",
            )
        )
    return docs


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """400 documents in many segments; some deleted, some replaced (their old entries deleted)."""
    docs = _docs(400)
    index = make_index("whoosh", tmp_path_factory.mktemp("vector"), batch_size=60).open_or_create()
    index.add_documents(docs)
    index.delete_documents(range(1, 400, 13))
    index.add_documents(
        [dataclasses.replace(d, title=d.title + " 补充", doc_date=date(2021, 1, 1)) for d in docs[::17]]
    )
    yield index
    index.close()


def _classic(monkeypatch: pytest.MonkeyPatch, *args: Any, **kwargs: Any) -> SearchResult:
    def refuse(*_: Any, **__: Any) -> None:
        raise vector.Unsupported("classic path for comparison")

    with monkeypatch.context() as patch:
        patch.setattr(search_query, "_vector_search", refuse)
        return search(*args, **kwargs)


def _same(a: SearchResult, b: SearchResult) -> None:
    assert a.total == b.total
    assert [h.document_id for h in a.hits] == [h.document_id for h in b.hits]
    assert [h.score for h in a.hits] == pytest.approx([h.score for h in b.hits], rel=1e-9)
    assert a.facets == b.facets


def test_the_index_has_several_segments_and_deletions(index: Any) -> None:
    with index.searcher() as searcher:
        leaves = vector.leaves(searcher)
        assert len(leaves) > 2
        assert sum(leaf.reader.segment().deleted_count() for leaf in leaves) > 10


@pytest.mark.parametrize("query", QUERIES)
def test_the_vector_path_handles_every_query_kind(index: Any, query: str) -> None:
    with index.searcher() as searcher:
        for leaf in vector.leaves(searcher):
            vector.Evaluator(leaf).run(compile_query(search_query.parse(query)))


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("scope", range(len(SCOPES)))
def test_relevance_hits_scores_totals_and_facets_agree(
    index: Any, query: str, scope: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for offset in (0, 20):
        kwargs = {"limit": 20, "offset": offset, "scope": SCOPES[scope], "facets": True}
        _same(search(index, query, **kwargs), _classic(monkeypatch, index, query, **kwargs))


@pytest.mark.parametrize("sort", ["date", "-date", "archive_no"])
@pytest.mark.parametrize("query", ["合同", "借款 -抵押", "担保 date:2023", "-借款"])
def test_sorted_pages_agree(index: Any, query: str, sort: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for offset in (0, 30):
        kwargs = {"limit": 30, "offset": offset, "scope": SCOPES[2], "sort": sort}
        _same(search(index, query, **kwargs), _classic(monkeypatch, index, query, **kwargs))


@pytest.mark.parametrize("query", sorted(PLAIN))
def test_match_sets_are_what_the_texts_hold(index: Any, query: str) -> None:
    docs = _docs(400)
    replaced = {d.document_id for d in docs[::17]}
    live = {d.document_id: d for d in docs if d.document_id % 13 != 1 or d.document_id in replaced}

    def holds(doc: IndexDoc) -> Callable[[str], bool]:
        head = normalize(" | ".join(p for p in (doc.title, doc.customer, doc.doc_type) if p))
        text = normalize(doc.text)
        return lambda word: word in head or word in text

    expected = {i for i, doc in live.items() if PLAIN[query](holds(doc))}
    found = search(index, query, limit=500, facets=True)
    assert found.total == len(expected)
    assert {h.document_id for h in found.hits} == expected
    assert sum(f.count for f in found.facets["level"]) == len(expected)


def test_id_filters_agree(index: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = set(range(1, 400, 3))
    for kwargs in (
        {"filter_ids": wanted},
        {"exclude_ids": wanted},
        {"filter_ids": wanted, "exclude_ids": set(range(1, 400, 2)), "scope": SCOPES[2]},
        {"filter_ids": {10**12, 5}},
    ):
        _same(
            search(index, "合同", facets=True, **kwargs),
            _classic(monkeypatch, index, "合同", facets=True, **kwargs),
        )


def test_a_new_commit_is_seen_at_once(tmp_path: Path) -> None:
    """Cached arrays belong to immutable segments: new entries and deletions show in the next search."""
    docs = _docs(80)
    index = make_index("whoosh", tmp_path / "ix", batch_size=40).open_or_create()
    try:
        index.add_documents(docs[:40])
        before = search(index, "合同", limit=100).total
        index.add_documents(docs[40:])
        after = search(index, "合同", limit=100)
        assert after.total > before
        index.delete_documents([after.hits[0].document_id])
        again = search(index, "合同", limit=100)
        assert again.total == after.total - 1
        assert after.hits[0].document_id not in {h.document_id for h in again.hits}
    finally:
        index.close()
