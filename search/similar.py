"""More like this: documents sharing a document's most distinctive words and codes.

The index holds no document text (snippets come from the database), so the caller hands the
text in; its words are weighed by tf·idf against the index's document frequencies and the
best are searched for together, the document itself excluded, inside the reader's scope.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from search.analysis import code_key, jieba_words, stem
from search.normalize import has_cjk, normalize
from search.results import SearchResult
from search.schema import TEXT_BI, TEXT_CODES, TEXT_WORDS
from search.scope import Scope

if TYPE_CHECKING:
    from search.engine import SearchEngine

MAX_TERMS = 12
_MAX_TEXT = 20_000  # the first pages say what a document is about


def _field_term(word: str) -> tuple[str, str]:
    """The field and term a candidate word's document frequency is read from."""
    key = code_key(word)
    if key and not has_cjk(word):
        return TEXT_CODES, key
    if has_cjk(word) and len(word) == 2:
        return TEXT_BI, word
    return TEXT_WORDS, stem(word)


def distinctive_words(index: SearchEngine, text: str, *, limit: int = MAX_TERMS) -> list[str]:
    """The words of text that best tell it apart in this index, best first."""
    counts = Counter(jieba_words(normalize(text[:_MAX_TEXT])))
    total = max(index.doc_count(), 1)
    scored: list[tuple[float, str]] = []
    for word, tf in counts.items():
        name, term = _field_term(word)
        df = index.doc_frequency(name, term)
        if df == 0 or df > total * 0.5 and total > 10:
            continue  # not indexed, or too common to tell anything apart
        scored.append((tf * math.log(1 + total / df), word))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [word for _, word in scored[:limit]]


def more_like_this(
    index: SearchEngine,
    document_id: int,
    *,
    scope: Scope | None = None,
    limit: int = 10,
    text: str = "",
    title: str = "",
) -> SearchResult:
    """Documents like document_id (whose title and text the caller gives), best first, within scope."""
    from search.query import search

    words = distinctive_words(index, f"{title}\n{text}")
    if not words:
        return SearchResult(total=0, hits=[])
    query = " OR ".join(f'"{word}"' for word in words)
    return search(index, query, limit=limit, scope=scope, exclude_ids={document_id})
