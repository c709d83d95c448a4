"""Snippets: an HTML-safe excerpt of the database text around the best cluster of hits.

Matching runs on normalised text (so 臺灣, ＨＴ２０２４ and a word broken across two lines
are found) and every hit is mapped back through the normalisation offset map, so the
<mark> tags wrap the original characters.
"""

from __future__ import annotations

import html
import re

from core.errors import BadQuery
from search.analysis import code_key, stem
from search.normalize import CJK_CHAR, normalize, normalize_with_map
from search.parser import Node, Term, parse, positive_terms

_ENGLISH_WORD = re.compile(r"[a-z]+")
_CODE_LIKE = re.compile(r"[0-9a-z]+(?:[-./_·\s]+[0-9a-z]+)*")
_WHITESPACE = re.compile(r"\s+")
_MAX_MARKS = 1000  # enough for any snippet window; bounds the work on huge texts
# Long texts are scanned a chunk at a time and the window is taken from the first chunk
# with hits: a 300-page contract costs a few milliseconds, not a full pass per result.
_CHUNK = 8_000
_MAX_SCAN = 400_000
ELLIPSIS = "…"

Mark = tuple[int, int, int]  # start, end (original text offsets), term number


def snippet(text: str, query: str | Node, *, length: int = 160) -> str:
    """HTML-escaped excerpt of text with <mark> around every hit of query; the text's start if none."""
    return Highlighter(query).snippet(text, length=length)


class Highlighter:
    """A query's terms compiled once, for the snippets of every hit of one search."""

    def __init__(self, query: str | Node) -> None:
        if isinstance(query, str):
            try:
                query = parse(query)
            except BadQuery:
                query = None
        self.terms = positive_terms(query) if query is not None else []
        self.matchers = _Matchers(self.terms)

    def snippet(self, text: str, *, length: int = 160) -> str:
        """HTML-escaped excerpt of text with <mark> around every hit; the text's start if none."""
        if not text or length < 1:
            return ""
        matchers = self.matchers
        marks = _first_marks(text, matchers) if self.terms else []
        if not marks:
            return _render(text, 0, min(len(text), length), [])
        start = _best_window(marks, len(text), length)
        end = min(len(text), start + length)
        # Mark the window afresh: it may reach past the chunk the hits were found in.
        region = max(0, start - matchers.margin)
        marks = [
            (s + region, e + region, t) for s, e, t in _marks(text[region : end + matchers.margin], matchers)
        ]
        inside = [(max(s, start), min(e, end), t) for s, e, t in marks if s < end and e > start]
        return _render(text, start, end, inside)


def _first_marks(text: str, matchers: _Matchers) -> list[Mark]:
    """Marks of the first chunk of text that has any."""
    for chunk_start in range(0, min(len(text), _MAX_SCAN), _CHUNK):
        chunk = text[chunk_start : chunk_start + _CHUNK + matchers.margin]
        # The fast normalisation finds out whether the chunk is worth mapping offsets for.
        if matchers.any_hit(normalize(chunk)):
            return [(s + chunk_start, e + chunk_start, t) for s, e, t in _marks(chunk, matchers)]
    return []


def find_marks(text: str, terms: list[Term]) -> list[Mark]:
    """Non-overlapping hit spans of terms in text, in original offsets, sorted."""
    return _marks(text, _Matchers(terms))


class _Matchers:
    """The terms of a query compiled once: a regex per term, English words by stem."""

    def __init__(self, terms: list[Term]) -> None:
        self.patterns: list[tuple[re.Pattern[str], int]] = []
        self.stems: dict[str, int] = {}
        # Slices overlap by this much so a hit straddling a slice edge is still seen whole;
        # original text can be longer than the term (spaces, line breaks, expansions).
        self.margin = 16 + 3 * max((len(term.text) for term in terms), default=0)
        for number, term in enumerate(terms):
            target = normalize(term.text).strip()
            if not target:
                continue
            if not term.quoted and _ENGLISH_WORD.fullmatch(target):
                self.stems.setdefault(stem(target), number)
            else:
                self.patterns.append((_pattern(target), number))

    def spans(self, norm: str) -> list[tuple[int, int, int]]:
        """Hit spans in normalised text."""
        spans = [
            (m.start(), m.end(), number)
            for pattern, number in self.patterns
            for m in pattern.finditer(norm)
            if m.end() > m.start()
        ]
        if self.stems:
            for m in _ENGLISH_WORD.finditer(norm):
                number = self.stems.get(stem(m.group(0)))
                if number is not None:
                    spans.append((m.start(), m.end(), number))
        return spans

    def any_hit(self, norm: str) -> bool:
        """Whether normalised text has a hit (cheap pre-check before mapping offsets)."""
        return any(pattern.search(norm) for pattern, _ in self.patterns) or bool(self.spans(norm))


def _marks(text: str, matchers: _Matchers) -> list[Mark]:
    norm, origin = normalize_with_map(text)
    spans = sorted(matchers.spans(norm))[:_MAX_MARKS]
    return _merge([(origin[s], origin[e - 1] + 1, n) for s, e, n in spans])


def _pattern(target: str) -> re.Pattern[str]:
    """Regex for one normalised term: codes with any separators, other text literally."""
    if code_key(target) and _CODE_LIKE.fullmatch(target):
        chars = [c for c in target if c.isalnum()]
        body = "[-./_·\\s]?".join(re.escape(c) for c in chars)
        # A code part is a whole letter run or digit run: 0173 must not light up inside 20173.
        before = "(?<![0-9])" if chars[0].isdigit() else "(?<![a-z])"
        after = "(?![0-9])" if chars[-1].isdigit() else "(?![a-z])"
        return re.compile(before + body + after)
    pieces: list[str] = []
    for word in target.split():
        parts = [re.escape(word[0])]
        for prev, char in zip(word, word[1:], strict=False):
            # OCR puts spaces between Chinese and digits/Latin ("2024 年"); allow them.
            joint = "\\s*" if bool(CJK_CHAR.match(prev)) != bool(CJK_CHAR.match(char)) else ""
            parts.append(joint + re.escape(char))
        pieces.append("".join(parts))
    return re.compile("\\s+".join(pieces))


def _merge(marks: list[Mark]) -> list[Mark]:
    merged: list[Mark] = []
    for start, end, number in marks:
        if merged and start < merged[-1][1]:  # overlapping; touching hits stay separate marks
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, number))
    return merged


def _best_window(marks: list[Mark], text_length: int, length: int) -> int:
    """Start of the window holding the most distinct terms, then the most hits."""
    lead = length // 4
    best_start, best_score = 0, (-1, -1)
    right = 0
    for left, (start, _, _) in enumerate(marks):
        window_end = start - min(lead, start) + length
        right = max(right, left)
        while right + 1 < len(marks) and marks[right + 1][1] <= window_end:
            right += 1
        inside = marks[left : right + 1]
        score = (len({m[2] for m in inside}), len(inside))
        if score > best_score:
            best_start, best_score = start - min(lead, start), score
    if best_start + length > text_length:
        best_start = max(0, text_length - length)
    return best_start


def _render(text: str, start: int, end: int, marks: list[Mark]) -> str:
    out: list[str] = [ELLIPSIS] if start > 0 else []
    position = start
    for mark_start, mark_end, _ in marks:
        out.append(_escape(text[position:mark_start]))
        out.append(f"<mark>{_escape(text[mark_start:mark_end])}</mark>")
        position = mark_end
    out.append(_escape(text[position:end]))
    if end < len(text):
        out.append(ELLIPSIS)
    return "".join(out).strip()


def _escape(fragment: str) -> str:
    return html.escape(_WHITESPACE.sub(" ", fragment))
