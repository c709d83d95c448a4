"""Text normalisation shared by indexing, querying and highlighting.

Every character is folded on its own (NFKC, look-alike punctuation, traditional to
simplified, lower case), then whitespace between two CJK characters is dropped. Folding
per character keeps an exact map from normalised back to original offsets, which the
highlighter needs to mark the original text.
"""

from __future__ import annotations

import re
import threading
import unicodedata

# Han ideographs (basic, extension A, compatibility, extensions B+) and the ideographic zero.
CJK_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_CHAR = re.compile(f"[{CJK_CLASS}]")

# OCR and word processors break CJK lines anywhere; a space or newline between two
# ideographs is never meaningful, so "借款\n合同" must read as "借款合同".
_CJK_GAP = re.compile(f"(?<=[{CJK_CLASS}])\\s+(?=[{CJK_CLASS}])")

# Look-alike separators that tesseract and typists use interchangeably inside codes.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\u30fc\u2500"
_DOTS = "\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\u00b7"
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
_FOLD = {**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_DOTS, "·"), **dict.fromkeys(_INVISIBLE, "")}

_t2s_lock = threading.Lock()
_t2s_converter = None


def _t2s(text: str) -> str:
    """Traditional to simplified with OpenCC's t2s dictionaries (loaded on first use)."""
    global _t2s_converter
    with _t2s_lock:
        if _t2s_converter is None:
            from opencc import OpenCC

            _t2s_converter = OpenCC("t2s")
        return _t2s_converter.convert(text)


def _fold_char(char: str) -> str:
    """The normalised form of one character (may be empty or several characters)."""
    category = unicodedata.category(char)
    if category == "Cs":
        return ""  # lone surrogates cannot be encoded into index terms
    if category == "Cc":
        return char if char in "\t\n\r" else " "
    folded = "".join(_FOLD.get(c, c) for c in unicodedata.normalize("NFKC", char))
    if CJK_CHAR.search(folded):
        # Character-level t2s keeps lengths stable for the offset map; OpenCC's phrase
        # table is skipped on purpose so that a word converts the same in any context.
        folded = _t2s(folded)
    return folded.lower()


class _FoldTable(dict[int, str]):
    """str.translate table that computes and caches each character's fold on first sight."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def normalize(text: str) -> str:
    """Normalised text: NFKC, simplified, lower case, no whitespace inside CJK runs."""
    return _CJK_GAP.sub("", text.translate(_TABLE))


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of the original character."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _TABLE[ord(char)]
        chars.append(folded)
        origin.extend([index] * len(folded))
    folded_text = "".join(chars)
    if not _CJK_GAP.search(folded_text):
        return folded_text, origin
    kept_text: list[str] = []
    kept_origin: list[int] = []
    last = 0
    for gap in _CJK_GAP.finditer(folded_text):
        kept_text.append(folded_text[last : gap.start()])
        kept_origin.extend(origin[last : gap.start()])
        last = gap.end()
    kept_text.append(folded_text[last:])
    kept_origin.extend(origin[last:])
    return "".join(kept_text), kept_origin


def has_cjk(text: str) -> bool:
    """Whether text contains a CJK ideograph."""
    return CJK_CHAR.search(text) is not None
