"""SequenceQuery finds exactly what Whoosh's Phrase finds, with the same scores."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from search.analysis import bigram_query_terms
from search.engine import SearchEngine
from search.normalize import normalize
from search.phrase import SequenceQuery
from search.schema import HEAD_BI, TEXT_BI


def _hits(index: SearchEngine, q: wq.Query) -> list[tuple[int, float]]:
    with index.searcher() as searcher:
        return [(hit.docnum, round(hit.score, 6)) for hit in searcher.search(q, limit=None)]


@pytest.mark.parametrize(
    "text",
    [
        "借款合同",
        "连带责任保证",
        "合同编号HT-2024-0173",
        "2024年5月",
        "第0012345号",
        "借款人",
        "合同合同",
        "borrower agrees",
        "不存在的短语",
    ],
)
@pytest.mark.parametrize("field", [TEXT_BI, HEAD_BI])
def test_sequence_query_equals_whoosh_phrase(whoosh_corpus: SearchEngine, text: str, field: str) -> None:
    words = bigram_query_terms(normalize(text))
    ours, whooshs = (
        _hits(whoosh_corpus, SequenceQuery(field, words)),
        _hits(whoosh_corpus, wq.Phrase(field, words)),
    )
    assert {doc for doc, _ in ours} == {doc for doc, _ in whooshs}
    if len(set(words)) == len(words):  # a repeated bigram is scored once here, once per repeat there
        assert ours == whooshs


def test_repeated_bigrams_need_every_occurrence(whoosh_empty: SearchEngine) -> None:
    from search.schema import IndexDoc

    whoosh_empty.add_documents([IndexDoc(1, text="哈哈哈"), IndexDoc(2, text="哈哈哈哈")])
    words = bigram_query_terms("哈哈哈哈")
    assert [doc for doc, _ in _hits(whoosh_empty, SequenceQuery(TEXT_BI, words))] == [1]
    assert [doc for doc, _ in _hits(whoosh_empty, wq.Phrase(TEXT_BI, words))] == [1]


def test_missing_field_matches_nothing(whoosh_corpus: SearchEngine) -> None:
    assert _hits(whoosh_corpus, SequenceQuery("no_such_field", ["借款", "款合"])) == []


def test_normalize_keeps_the_query_type() -> None:
    query = SequenceQuery(TEXT_BI, ["借款", "款合"], boost=2.0)
    assert isinstance(query.normalize(), SequenceQuery)
    assert query.normalize().boost == 2.0
    assert isinstance(SequenceQuery(TEXT_BI, ["借款"]).normalize(), wq.Term)
    assert isinstance(wq.Or([query, wq.Term(TEXT_BI, "x")]).normalize(), wq.Or)
