"""Whoosh field types whose indexing skips the Token machinery.

Each field keeps its analyzer (search.analysis) for anything in Whoosh that asks for one,
but index() calls the same pure span function directly: Whoosh's per-token generator
chain costs more than the analysis itself. tests/search/test_fields.py checks that both
paths produce identical postings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.fields import TEXT
from whoosh.system import pack_uint

from search.analysis import (
    Span,
    bigram_analyzer,
    bigram_tokens,
    code_analyzer,
    code_tokens,
    stem,
    word_analyzer,
    word_tokens,
)
from search.normalize import normalize

Posting = tuple[bytes, int, float, bytes]


class _DirectField(TEXT):
    """A TEXT field indexed straight from a span function over normalised text."""

    def spans(self, text: str) -> Iterable[Span]:
        raise NotImplementedError

    def analyse(self, value: str) -> dict[str, list[int]] | Counter[str]:
        """Term positions (or counts, without positions) of a value: what index() writes, picklable."""
        if self.format.supports("positions"):
            positions: defaultdict[str, list[int]] = defaultdict(list)
            for term, pos, _, _ in self.spans(normalize(value)):
                positions[term].append(pos)
            return dict(positions)
        return Counter(term for term, _, _, _ in self.spans(normalize(value)))

    def index(self, value: Any, **kwargs: Any) -> Iterator[Posting]:
        if isinstance(value, dict):
            # Analysed already (WhooshIndex.prepare, in another process).
            yield from self._postings(value)
            return
        if isinstance(value, list | tuple):
            value = " ".join(value)
        yield from self._postings(self.analyse(value))

    def _postings(self, analysed: dict[str, Any]) -> Iterator[Posting]:
        boost = self.format.field_boost
        if self.format.supports("positions"):
            positions = analysed
            encode = self.format.encode
            for term, poslist in positions.items():
                yield term.encode("utf-8"), len(poslist), len(poslist) * boost, encode(poslist)
        else:
            for term, count in analysed.items():
                yield term.encode("utf-8"), count, count * boost, pack_uint(count)


class WordField(_DirectField):
    """jieba words, English stemmed; frequencies only (phrases go to the bigram fields)."""

    def __init__(self) -> None:
        super().__init__(analyzer=word_analyzer(), phrase=False)

    def spans(self, text: str) -> Iterable[Span]:
        return ((stem(word), pos, start, end) for word, pos, start, end in word_tokens(text))


class BigramField(_DirectField):
    """CJK bigrams and letter/digit runs with positions, for exact-sequence matching."""

    def __init__(self) -> None:
        super().__init__(analyzer=bigram_analyzer(), phrase=True)

    def spans(self, text: str) -> Iterable[Span]:
        return bigram_tokens(text)


class CodeField(_DirectField):
    """Codes whole and in parts; frequencies only."""

    def __init__(self, *, whole_lines: bool = False) -> None:
        super().__init__(analyzer=code_analyzer(whole_lines=whole_lines), phrase=False)
        self.whole_lines = whole_lines

    def spans(self, text: str) -> Iterable[Span]:
        return code_tokens(text, whole_lines=self.whole_lines)
