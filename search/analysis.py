"""Chinese-aware analysis shared by the index and the query side.

Three token streams are cut from normalised text (see search.normalize):

* words   - jieba segmentation (rjieba, the Rust port: ~30x faster than jieba) keeping
            Latin words (Porter-stemmed) and CJK words of 3+ characters; for ranking and
            for English word forms.
* bigrams - overlapping CJK bigrams, non-CJK letter/digit runs whole, with consecutive
            positions, so phrase queries match exact character sequences.
* codes   - code-like strings (contract numbers, credit codes, archive numbers, phones)
            whole and in parts with separators dropped, so OCR variants find each other.

The pure functions (word_tokens, bigram_tokens, code_tokens, ...) are engine-neutral;
the Whoosh Tokenizer classes below only adapt them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Analyzer, CompositeAnalyzer, Filter, Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

from search.normalize import CJK_CLASS, normalize

# (text, position, start char, end char) in normalised text.
Span = tuple[str, int, int, int]

_RUNS = re.compile(f"([{CJK_CLASS}]+)|((?:(?![{CJK_CLASS}])[^\\W_])+)")
_LATIN = re.compile(r"[a-z]")
_CJK_WORD = re.compile(f"[{CJK_CLASS}]")
_ASCII_WORD = re.compile(r"[a-z]+")

# Code separators after normalisation; a lone space only joins digit groups ("138 0013 8000").
_CODE = re.compile(r"(?<![0-9a-z])[0-9a-z]+(?:(?:[-./_·]|(?<=[0-9]) (?=[0-9]))[0-9a-z]+)*(?![0-9a-z])")
_CODE_SEPARATORS = re.compile(r"[-./_·\s]+")
_CODE_SEGMENT_RUNS = re.compile(r"[a-z]+|[0-9]+")
_HAS_DIGIT = re.compile(r"[0-9]")
MAX_CODE_UNITS = 8  # longer contiguous unit windows are not emitted; keeps token counts bounded


# ---------------------------------------------------------------- segmentation (words)

_segmenter_lock = threading.Lock()
_segmenter: Any = None
_user_words: dict[str, None] = {}  # insertion-ordered set, replayed into a new segmenter


def _jieba() -> Any:
    """The process-wide rjieba segmenter, loaded on first use."""
    global _segmenter
    if _segmenter is None:
        # Importing rjieba builds its default segmenter (~30 MB of dictionary); use that
        # one rather than a second copy.
        import rjieba

        for word in _user_words:
            rjieba.add_word(word, None, None)
        _segmenter = rjieba
    return _segmenter


def add_user_words(words: Iterable[str]) -> int:
    """Teach the segmenter words (customer names, document types); returns how many were new."""
    # Only ranking depends on segmentation (matching uses bigrams and codes), so documents
    # indexed before a word was added are still found; a rebuild refreshes their scores.
    added = 0
    with _segmenter_lock:
        for raw in words:
            word = normalize(raw).strip()
            if len(word) < 2 or word in _user_words:
                continue
            _user_words[word] = None
            if _segmenter is not None:
                _segmenter.add_word(word, None, None)
            added += 1
    return added


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter stem of a lower-case English word; other tokens unchanged."""
    return porter_stem(word) if _ASCII_WORD.fullmatch(word) else word


def word_tokens(text: str) -> Iterator[Span]:
    """jieba words of normalised text worth a word term: Latin words, CJK words of 3+ characters.

    A one- or two-character CJK word is exactly one unigram or bigram of the bigram field,
    so repeating it here would double its weight and a third of the postings for nothing.
    """
    with _segmenter_lock:  # add_word needs exclusive access to the Rust segmenter
        pieces = _jieba().tokenize(text)
    pos = 0
    for word, start, end in pieces:
        if _LATIN.search(word) or (len(word) >= 3 and _CJK_WORD.search(word)):
            yield word.strip(), pos, start, end
            pos += 1


_ALL_CJK = re.compile(f"[{CJK_CLASS}]+")


def jieba_words(text: str) -> list[str]:
    """Content words of normalised text for "more like this": CJK words of 2+ characters, English
    words of 3+ letters, and codes with a digit (whole), in text order."""
    with _segmenter_lock:
        pieces = _jieba().cut(text)
    words = [
        w
        for w in pieces
        if (len(w) >= 2 and _ALL_CJK.fullmatch(w)) or (len(w) >= 3 and _ASCII_WORD.fullmatch(w))
    ]
    words += [
        m.group(0) for m in _CODE.finditer(text) if len(m.group(0)) >= 4 and _HAS_DIGIT.search(m.group(0))
    ]
    return words


def word_terms(text: str) -> list[str]:
    """Query-side word terms of normalised text: what the word fields hold for it."""
    return [stem(word) for word, _, _, _ in word_tokens(text)]


# ---------------------------------------------------------------- bigrams


def bigram_tokens(text: str) -> Iterator[Span]:
    """Index-side bigram stream of normalised text.

    Each CJK character at offset i of a run yields the bigram starting there, at position
    pos+i; the run's last character also yields itself (so single characters are found by
    prefix), and when a run directly follows a letter/digit token its first character does
    too (so the query "2024年" finds "2024年度"). Unigrams share the position of the bigram
    they sit beside, which keeps positions consecutive for phrase matching.
    """
    pos = 0
    last_end = 0
    after_alnum = False
    for match in _RUNS.finditer(text):
        start = match.start()
        adjacent = after_alnum and not text[last_end:start].strip()
        run = match.group(1)
        if run:
            n = len(run)
            if n == 1:
                yield run, pos, start, start + 1
                pos += 1
            else:
                if adjacent:
                    yield run[0], pos, start, start + 1
                for i in range(n - 1):
                    yield run[i : i + 2], pos + i, start + i, start + i + 2
                yield run[-1], pos + n - 2, start + n - 1, start + n
                pos += n - 1
            after_alnum = False
        else:
            yield match.group(2), pos, start, match.end()
            pos += 1
            after_alnum = True
        last_end = match.end()


def bigram_query_terms(text: str) -> list[str]:
    """Query-side bigram sequence of normalised text, for a phrase match against bigram_tokens."""
    terms: list[str] = []
    for match in _RUNS.finditer(text):
        run = match.group(1)
        if not run:
            terms.append(match.group(2))
        elif len(run) == 1:
            terms.append(run)
        else:
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return terms


# ---------------------------------------------------------------- codes


def _code_units(candidate: str) -> list[str]:
    """The letter/digit units of a code; 'HT2024' splits like 'HT-2024' (OCR drops dashes)."""
    units: list[str] = []
    for segment in _CODE_SEPARATORS.split(candidate):
        runs = _CODE_SEGMENT_RUNS.findall(segment)
        # Only a simple letters+digits segment is split; a credit code stays one unit.
        units.extend(runs if len(runs) == 2 and "".join(runs) == segment else [segment])
    return [unit for unit in units if unit]


def code_variants(candidate: str) -> list[str]:
    """All index terms of one code: whole, every contiguous run of units, each unit (>= 2 chars)."""
    units = _code_units(candidate)
    variants = dict.fromkeys(["".join(units)])
    for i in range(len(units)):
        for j in range(i + 1, min(len(units), i + MAX_CODE_UNITS) + 1):
            joined = "".join(units[i:j])
            if j - i > 1 or len(joined) >= 2:
                variants[joined] = None
    return [v for v in variants if len(v) >= 2]


def code_key(text: str) -> str | None:
    """The single codes-field term a query word is looked up by, or None if it has no digit."""
    if not _HAS_DIGIT.search(text):
        return None
    key = _CODE_SEPARATORS.sub("", text)
    return key if len(key) >= 3 else None


def is_code(text: str) -> bool:
    """Whether normalised text is one code: letters and digits joined by separators, with a digit."""
    return bool(_CODE.fullmatch(text)) and code_key(text) is not None


def code_tokens(text: str, *, whole_lines: bool = False) -> Iterator[Span]:
    """Code terms in normalised text; with whole_lines each line is also one term (explicit codes)."""
    pos = 0
    if whole_lines:
        offset = 0
        for line in text.split("\n"):
            key = code_key(line.strip())
            if key:
                yield key, pos, offset, offset + len(line)
                pos += 1
            offset += len(line) + 1
    for match in _CODE.finditer(text):
        candidate = match.group(0)
        if not _HAS_DIGIT.search(candidate) or len(candidate) < 3:
            continue
        for variant in code_variants(candidate):
            yield variant, pos, match.start(), match.end()
        pos += 1


# ---------------------------------------------------------------- Whoosh adapters


class _SpanTokenizer(Tokenizer):
    """A Whoosh tokenizer over a pure span function; normalises its input first."""

    def spans(self, text: str) -> Iterable[Span]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = normalize(value)
        spans: Iterable[Span] = self.spans(text) if tokenize else [(text, 0, 0, len(text))]
        for term, pos, start, end in spans:
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = start_pos + pos
            if chars:
                # Offsets are into the normalised text; snippets use search.highlight instead.
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class WordTokenizer(_SpanTokenizer):
    """jieba words (rjieba), punctuation dropped."""

    def spans(self, text: str) -> Iterable[Span]:
        return word_tokens(text)


class BigramTokenizer(_SpanTokenizer):
    """CJK bigrams with phrase-safe positions plus whole letter/digit runs."""

    def spans(self, text: str) -> Iterable[Span]:
        return bigram_tokens(text)


class CodeTokenizer(_SpanTokenizer):
    """Codes whole and in parts; with whole_lines, each input line is also a term."""

    def __init__(self, whole_lines: bool = False) -> None:
        self.whole_lines = whole_lines

    def spans(self, text: str) -> Iterable[Span]:
        return code_tokens(text, whole_lines=self.whole_lines)


class EnglishStemFilter(Filter):
    """Porter-stems lower-case English words; CJK words, digits and codes pass unchanged."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = stem(token.text)
            yield token


def word_analyzer() -> Analyzer:
    """Analyzer for the jieba word fields."""
    return CompositeAnalyzer(WordTokenizer(), EnglishStemFilter())


def bigram_analyzer() -> Analyzer:
    """Analyzer for the bigram (phrase) fields."""
    return CompositeAnalyzer(BigramTokenizer())


def code_analyzer(*, whole_lines: bool = False) -> Analyzer:
    """Analyzer for the codes fields."""
    return CompositeAnalyzer(CodeTokenizer(whole_lines=whole_lines))
