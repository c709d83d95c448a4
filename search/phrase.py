"""A faster exact-sequence query for the bigram fields.

Whoosh's Phrase builds general span algebra (SpanNear2) and costs ~75 µs for every
candidate document. Here the candidates come from a plain intersection of the terms and
each is checked with set arithmetic on its position lists, several times cheaper; the
score is the intersection's (BM25F over the terms), as with Whoosh's Phrase.
"""

from __future__ import annotations

from typing import Any

from whoosh import matching
from whoosh.query import Phrase, Term
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.util import make_binary_tree


class SequenceMatcher(SpanWrappingMatcher):
    """Matches documents of the child intersection where the terms occur at consecutive positions."""

    def __init__(self, child: Any, words: list[bytes]) -> None:
        self.words = words
        super().__init__(child)

    def copy(self) -> SequenceMatcher:
        m = SequenceMatcher(self.child.copy(), self.words)
        m._spans = self._spans
        return m

    def _replacement(self, newchild: Any) -> SequenceMatcher:
        return SequenceMatcher(newchild, self.words)

    def _get_spans(self) -> list[Span]:
        positions: dict[bytes, list[int]] = {}
        for leaf in self.child.term_matchers():
            positions[leaf.term()[1]] = leaf.value_as("positions")
        if len(positions) < len(set(self.words)):
            return []
        starts = set(positions[self.words[0]])
        for offset, word in enumerate(self.words[1:], start=1):
            starts &= {p - offset for p in positions[word]}
            if not starts:
                return []
        last = len(self.words) - 1
        return [Span(start, start + last) for start in sorted(starts)]


class SequenceQuery(Phrase):
    """Phrase with slop 1 matched by SequenceMatcher; drop-in for Whoosh's Phrase."""

    def __init__(
        self, fieldname: str, words: list[str], slop: int = 1, boost: float = 1.0, char_ranges: Any = None
    ) -> None:
        # Whoosh's signature, so normalize() and copies work; slop is always 1 (exact sequence).
        super().__init__(fieldname, words, slop=1, boost=boost, char_ranges=char_ranges)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        reader = searcher.reader()
        encoded = [field.to_bytes(word) for word in self.words]
        if any((fieldname, word) not in reader for word in encoded):
            return matching.NullMatcher()
        leaves = [Term(fieldname, word).matcher(searcher, context) for word in dict.fromkeys(encoded)]
        child = leaves[0] if len(leaves) == 1 else make_binary_tree(matching.IntersectionMatcher, leaves)
        m: Any = SequenceMatcher(child, encoded)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m
