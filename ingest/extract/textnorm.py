"""Text normalisation for extraction: NFKC fold, CJK space removal, dash unification, with an offset map."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# CJK ideographs (incl. extension A and compatibility) and CJK punctuation 、。〇《》「」【】〔〕.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f"
CJK_CHAR = re.compile(f"[{CJK}]")
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# OCR and typesetting produce many dash shapes; fields only ever mean "-".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2e3a\u2e3b"
_DOTS = "\u2022\u30fb\u2027\u2219\u22c5\uff65"  # middle-dot look-alikes -> U+00B7
_DROP = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACE = " \t\u00a0\u3000"


@dataclass(frozen=True)
class Normalised:
    """Normalised text plus the offset of each of its characters in the original."""

    text: str
    original: str
    index: tuple[int, ...]

    def raw(self, start: int, end: int) -> str:
        """The original text behind text[start:end]."""
        if end <= start:
            return ""
        return self.original[self.index[start] : self.index[end - 1] + 1]


def _fold(ch: str) -> str:
    if ch in _DROP:
        return ""
    if ch in _DASHES:
        return "-"
    if ch in _DOTS:
        return "\u00b7"
    if ch == "\r":
        return "\n"
    if ch in _SPACE:
        return " "
    return unicodedata.normalize("NFKC", ch)


def normalise(text: str) -> Normalised:
    """Fold text (NFKC, dashes, dots), drop spaces between CJK characters, keep an offset map."""
    chars: list[str] = []
    index: list[int] = []
    previous = ""
    for i, ch in enumerate(text):
        if ch == "\n" and previous == "\r":
            previous = ch
            continue  # \r\n is one line break
        previous = ch
        for out in _fold(ch):
            chars.append(out)
            index.append(i)
    keep = [True] * len(chars)
    i = 0
    while i < len(chars):
        if chars[i] in " \t":
            j = i
            while j < len(chars) and chars[j] in " \t":
                j += 1
            if i > 0 and j < len(chars) and CJK_CHAR.match(chars[i - 1]) and CJK_CHAR.match(chars[j]):
                for k in range(i, j):
                    keep[k] = False
            i = j
        else:
            i += 1
    kept = [k for k, flag in enumerate(keep) if flag]
    return Normalised("".join(chars[k] for k in kept), text, tuple(index[k] for k in kept))


def normalise_text(text: str) -> str:
    """Text folded for extraction: NFKC full/half-width, no spaces between CJK chars, dashes unified."""
    return normalise(text).text


def line_prefix(text: str, pos: int, limit: int = 30) -> str:
    """The text of pos's line before pos, at most limit characters."""
    start = text.rfind("\n", 0, pos) + 1
    return text[max(start, pos - limit) : pos]


def tables_to_text(tables: list | None) -> str:
    """Table cells as 'key:value' lines (pdfplumber's tables of rows of cells, nested any depth)."""
    lines: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, (list, tuple)):
            if node and all(cell is None or isinstance(cell, str) for cell in node):
                cells = [" ".join(str(c).split()) for c in node if c and str(c).strip()]
                if len(cells) >= 2 and len(cells) % 2 == 0:
                    lines.extend(f"{k}:{v}" for k, v in zip(cells[::2], cells[1::2], strict=True))
                elif cells:
                    lines.append(" ".join(cells))
            else:
                for child in node:
                    walk(child)

    walk(tables or [])
    return "\n".join(lines)
