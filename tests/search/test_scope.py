"""The permission scope as a filter inside the index: hits, totals and scores on a real Whoosh index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.engine import SearchEngine
from search.engines import make_index
from search.query import search
from search.schema import IndexDoc, to_fields
from search.scope import SearchScope, scope_filter
from search.whoosh_index import WhooshIndex

# id: (level, department, owner, customer id); every title holds 借款合同 and "loan".
FILES = {
    1: ("internal", None, None, None),
    2: ("department", "sales", "alice", 10),
    3: ("department", "Sales", "Alice", 11),
    4: ("personal", "sales", "alice", 10),
    5: ("personal", "销售", "张三", 12),
    6: ("personal", "銷售", "張三", 13),
    7: ("company", "sales", "alice", 10),
    8: ("department", "", "", 14),
}


def _docs() -> list[IndexDoc]:
    return [
        IndexDoc(
            document_id=i,
            title=f"借款合同 loan {i}",
            text="借款合同正文",
            level=level,
            department=dept,
            owner=owner,
            customer_id=customer,
        )
        for i, (level, dept, owner, customer) in FILES.items()
    ]


@pytest.fixture(scope="module")
def index(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    ix = make_index(engine, tmp_path_factory.mktemp(f"scope-{engine}"), batch_size=3).open_or_create()
    ix.add_documents(_docs())
    yield ix
    ix.close()


def allowed(scope: SearchScope) -> set[int]:
    """The rule written out (access.policy.ReadScope.decide), to compare the index filter with."""
    out = set()
    for i, (level, dept, owner, customer) in FILES.items():
        if (
            level in scope.everywhere
            or (dept is not None and dept in scope.departments.get(level, ()))
            or (owner is not None and owner in scope.owners.get(level, ()))
            or i in scope.documents
            or (customer is not None and customer in scope.customers)
        ):
            out.add(i)
    return out


QUERIES = ("借款合同", "loan", "NOT 不存在")  # a phrase (scored pass), a term (skipping), a negation


def found(index: SearchEngine, query: str, scope: SearchScope, **kw: object) -> tuple[int, set[int]]:
    result = search(index, query, limit=50, scope=scope, **kw)  # type: ignore[arg-type]
    return result.total, {h.document_id for h in result.hits}


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(
    "scope",
    [
        SearchScope(everywhere=frozenset({"internal"})),
        SearchScope(departments={"department": frozenset({"sales"})}),
        SearchScope(owners={"personal": frozenset({"alice"})}),
        SearchScope(owners={"personal": frozenset({"张三"})}),
        SearchScope(departments={"department": frozenset({""})}, owners={"personal": frozenset({""})}),
        SearchScope(documents=frozenset({3, 999}), customers=frozenset({12})),
        SearchScope(
            everywhere=frozenset({"internal", "company"}), departments={"personal": frozenset({"銷售"})}
        ),
    ],
    ids=repr,
)
def test_scope_keeps_exactly_what_the_rule_allows(
    index: SearchEngine, query: str, scope: SearchScope
) -> None:
    expected = allowed(scope)
    assert found(index, query, scope) == (len(expected), expected)


def test_department_and_owner_match_exactly_not_folded(index: SearchEngine) -> None:
    # Case and traditional/simplified variants are different departments and different people.
    assert found(index, "loan", SearchScope(departments={"department": frozenset({"Sales"})}))[1] == {3}
    assert found(index, "loan", SearchScope(owners={"personal": frozenset({"張三"})}))[1] == {6}
    assert found(index, "loan", SearchScope(owners={"personal": frozenset({"ALICE"})}))[1] == set()


def test_department_counts_only_at_its_level(index: SearchEngine) -> None:
    # sales keeps documents 2, 4 and 7; clearance for its department level reads only document 2.
    assert found(index, "loan", SearchScope(departments={"department": frozenset({"sales"})}))[1] == {2}


def test_empty_scope_finds_nothing(index: SearchEngine) -> None:
    assert search(index, "loan", scope=SearchScope()).total == 0
    assert search(index, "loan", scope=SearchScope(departments={"department": frozenset()})).total == 0


@pytest.mark.parametrize("query", QUERIES)
def test_total_counts_beyond_the_page(index: SearchEngine, query: str) -> None:
    scope = SearchScope(everywhere=frozenset({"department"}), customers=frozenset({10}))
    expected = allowed(scope)
    seen: list[int] = []
    for offset in range(0, 10, 2):
        page = search(index, query, limit=2, offset=offset, scope=scope)
        assert page.total == len(expected)
        seen += [h.document_id for h in page.hits]
    assert sorted(seen) == sorted(expected)


def test_a_broad_reader_is_filtered_by_the_few_documents_they_may_not_read(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path / "w", batch_size=3).open_or_create()
    index.add_documents(_docs())
    broad = SearchScope(
        everywhere=frozenset({"internal", "department", "company"}), owners={"personal": frozenset({"alice"})}
    )
    narrow = SearchScope(everywhere=frozenset({"internal"}), customers=frozenset({12}))
    with index.searcher() as searcher:
        by_broad, by_narrow = scope_filter(searcher, broad), scope_filter(searcher, narrow)
        ids = {n: searcher.stored_fields(n)["id"] for n in range(searcher.doc_count_all())}
    # Listed: only the personal documents of owners other than alice.
    assert by_broad.allow is None and {ids[n] for n in by_broad.restrict or ()} == {5, 6}
    assert by_narrow.restrict is None and {ids[n] for n in by_narrow.allow or ()} == {1, 5}
    assert found(index, "loan", broad) == (6, {1, 2, 3, 4, 7, 8})


def test_every_entry_has_a_level() -> None:
    # The restricting strategy lists unreadable documents by level: an entry without one would slip through.
    assert to_fields(IndexDoc(document_id=1, title="x"))["level"] == ""
    assert to_fields(IndexDoc(document_id=1, title="x", level="personal"))["level"] == "personal"


def test_scope_does_not_change_scores(index: SearchEngine) -> None:
    everything = {h.document_id: h.score for h in search(index, "借款合同 loan", limit=50).hits}
    scope = SearchScope(owners={"personal": frozenset({"alice", "张三"})})
    scoped = search(index, "借款合同 loan", limit=50, scope=scope).hits
    assert {h.document_id for h in scoped} == {4, 5}
    assert all(h.score == pytest.approx(everything[h.document_id]) for h in scoped)


def test_scope_and_filter_ids_both_apply(index: SearchEngine) -> None:
    scope = SearchScope(everywhere=frozenset({"department", "personal"}))
    assert found(index, "loan", scope, filter_ids={2, 4, 7}) == (2, {2, 4})


def test_level_change_is_seen_once_reindexed(tmp_path: Path) -> None:
    with WhooshIndex(tmp_path / "ix").open_or_create() as ix:
        ix.add_documents([IndexDoc(document_id=1, title="loan", level="company")])
        internal = SearchScope(everywhere=frozenset({"internal"}))
        assert search(ix, "loan", scope=internal).total == 0
        ix.add_documents([IndexDoc(document_id=1, title="loan", level="internal")])
        assert search(ix, "loan", scope=internal).total == 1


values = st.sampled_from(["sales", "Sales", "销售", "銷售", "alice", "Alice", "张三", "張三", ""])
levels = st.sampled_from(["internal", "department", "personal", "company"])
scopes = st.builds(
    SearchScope,
    everywhere=st.frozensets(levels, max_size=2),
    departments=st.dictionaries(levels, st.frozensets(values, max_size=3), max_size=3),
    owners=st.dictionaries(levels, st.frozensets(values, max_size=3), max_size=3),
    documents=st.frozensets(st.integers(-1, 10), max_size=3),
    customers=st.frozensets(st.integers(9, 15), max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scope=scopes, query=st.sampled_from(QUERIES))
def test_random_scopes_match_the_rule(index: SearchEngine, scope: SearchScope, query: str) -> None:
    expected = allowed(scope)
    assert found(index, query, scope) == (len(expected), expected)
