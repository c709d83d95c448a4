"""Text from tesseract's TSV output: words grouped into lines, without the spaces it puts inside Chinese."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

# Ideographs, kana, CJK punctuation and full-width forms: characters Chinese text sets without spaces.
_CJK = "\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SPACE_BESIDE_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")


@dataclass(frozen=True)
class Word:
    """One word of tesseract's output with its box and confidence (0-100)."""

    text: str
    confidence: float
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class Line:
    """The words tesseract put on one line, left to right."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return join_cjk(" ".join(w.text for w in self.words))

    @property
    def box(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) around all words."""
        return (
            min(w.left for w in self.words),
            min(w.top for w in self.words),
            max(w.left + w.width for w in self.words),
            max(w.top + w.height for w in self.words),
        )

    @property
    def height(self) -> float:
        """Median word height: the type size, unswayed by tall punctuation."""
        return statistics.median(w.height for w in self.words)

    @property
    def confidence(self) -> float:
        return statistics.fmean(w.confidence for w in self.words)


def parse_tsv(tsv: str) -> list[Line]:
    """Lines of recognised words, in reading order, from tesseract's TSV."""
    lines: dict[tuple[str, ...], list[Word]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        # Level 5 rows are words; an empty text or a confidence of -1 marks layout rows.
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip() or float(cells[10]) < 0:
            continue
        left, top, width, height = (int(v) for v in cells[6:10])
        word = Word(cells[11].strip(), float(cells[10]), left, top, width, height)
        lines.setdefault(tuple(cells[1:5]), []).append(word)
    return [Line(tuple(words)) for words in lines.values()]


def join_cjk(text: str) -> str:
    """Drop spaces next to Chinese characters or punctuation; spaces between Latin words stay."""
    return _SPACE_BESIDE_CJK.sub("", text)


def page_text(lines: list[Line]) -> str:
    """The page's text, one line per line."""
    return "\n".join(line.text for line in lines)


def mean_confidence(lines: list[Line]) -> float:
    """Mean word confidence (0-100); 0.0 when nothing was read."""
    confidences = [w.confidence for line in lines for w in line.words]
    return statistics.fmean(confidences) if confidences else 0.0
