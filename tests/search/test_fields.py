"""The direct indexing path of our field types gives exactly the postings of their analyzers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.fields import TEXT

from search.fields import BigramField, CodeField, WordField
from tests.search.corpus import DOCS

_ALPHABET = st.sampled_from(list("借款合同担保鸿达臺灣 \n-.·0123456789HTabc，。ＨＴ２０"))


def _via_analyzer(field: TEXT, text: str) -> list[tuple[bytes, int, float, bytes]]:
    # TEXT.index is Whoosh's own path: analyzer -> Token stream -> format.word_values.
    return sorted(TEXT.index(field, text))


def _fields() -> list[TEXT]:
    return [WordField(), BigramField(), CodeField(), CodeField(whole_lines=True)]


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: str(doc.document_id))
def test_direct_index_matches_analyzer_on_corpus(doc: object) -> None:
    text = f"{doc.title}\n{doc.text}\n{doc.customer}"  # type: ignore[attr-defined]
    for field in _fields():
        assert sorted(field.index(text)) == _via_analyzer(field, text)


@settings(max_examples=60, deadline=None)
@given(st.text(_ALPHABET, max_size=60))
def test_direct_index_matches_analyzer_on_random_text(text: str) -> None:
    for field in _fields():
        assert sorted(field.index(text)) == _via_analyzer(field, text)


def test_only_bigram_fields_keep_positions() -> None:
    assert BigramField().format.supports("positions")
    assert not WordField().format.supports("positions")
    assert not CodeField().format.supports("positions")
