"""Text from tesseract's TSV output: words grouped into lines, without the spaces it puts inside Chinese."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

# Ideographs, kana, CJK punctuation and full-width forms: characters Chinese text sets without spaces.
_CJK = "\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SPACE_BESIDE_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
# After 小写： or an opening bracket, a digit is an amount: tesseract reads its ¥ as #, 习, 昼, 导 or 引.
_YUAN = re.compile(r"(?<=[：:（(])[#习昼导引](?=\d)")
# An area (two decimals) followed by m, mm or m with a stray mark (m7, m', m:) is in square metres.
_SQUARE_METRE = re.compile(rf"(?<=\d\.\d\d)(?:m[²2'’7:：]?|mm)(?=[/／]|$|[{_CJK}])", re.MULTILINE)
NOISE_CONFIDENCE = 20.0  # below it, a word of only punctuation is a speck or a gap read as ” or 。
_CJK_CHAR = re.compile(f"[{_CJK}]")
_FULL_WIDTH = {":": "：", ";": "；", ",": "，", "!": "！", "?": "？", "(": "（", ")": "）"}
# Official document numbers set the year in tortoise-shell brackets (鸿达担函〔2023〕37号); tesseract reads them
# as [ ], 【 】 or ［ ］.
_DOCUMENT_YEAR = re.compile(rf"(?<=[{_CJK}])[\[【〔［]\s*(\d{{4}})\s*[\]】〕］]")


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
    return [line for page in parse_tsv_pages(tsv).values() for line in page]


def parse_tsv_pages(tsv: str) -> dict[int, list[Line]]:
    """Lines of recognised words by page number (from 1), for a run over a list of images."""
    lines: dict[tuple[str, ...], list[Word]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        # Level 5 rows are words; an empty text or a confidence of -1 marks layout rows.
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip() or float(cells[10]) < 0:
            continue
        left, top, width, height = (int(v) for v in cells[6:10])
        word = Word(cells[11].strip(), float(cells[10]), left, top, width, height)
        lines.setdefault(tuple(cells[1:5]), []).append(word)
    pages: dict[int, list[Line]] = {}
    for key, words in lines.items():
        pages.setdefault(int(key[0]), []).append(Line(tuple(words)))
    return pages


def join_cjk(text: str) -> str:
    """Drop spaces next to Chinese characters or punctuation; spaces between Latin words stay."""
    return _SPACE_BESIDE_CJK.sub("", text)


def cjk_punctuation(text: str) -> str:
    """Full-width punctuation where tesseract put ASCII beside Chinese; codes, numbers and English keep ASCII.

    `甲方(借款人):` becomes `甲方（借款人）：`, a 〈 closed by ) becomes （, but `1,000,000.00`, `10:30`,
    `http://`, `HT-2024-0173` and `Amount: USD (one million)` stay as they are.
    """
    chars = list(text)

    def neighbour(i: int, step: int) -> str:
        # The nearest character on the same line, spaces skipped; "" at the line's ends.
        i += step
        while 0 <= i < len(chars) and chars[i] in " \t":
            i += step
        return chars[i] if 0 <= i < len(chars) and chars[i] != "\n" else ""

    def cjk(ch: str) -> bool:
        return bool(ch) and _CJK_CHAR.match(ch) is not None

    def ends_english_word(i: int) -> bool:
        # Letters with a lower-case one among them: a word, not a code like MAC225ARXR.
        i -= 1
        while i >= 0 and chars[i] in " \t":
            i -= 1
        word = ""
        while i >= 0 and chars[i].isascii() and chars[i].isalpha():
            word, i = chars[i] + word, i - 1
        return any(ch.islower() for ch in word)

    # Brackets pair up across lines (a parenthesis may wrap); a pair is Chinese when anything in or around it is.
    open_at: list[int] = []
    pairs: list[tuple[int, int]] = []
    lone: list[int] = []
    for i, ch in enumerate(chars):
        if ch in "(（〈":
            open_at.append(i)
        elif ch in ")）〉":
            if open_at and (ch != "〉" or chars[open_at[-1]] == "〈"):
                pairs.append((open_at.pop(), i))
            else:
                lone.append(i)
    lone += open_at
    for start, end in pairs:
        kinds = chars[start] + chars[end]
        if kinds == "〈〉":
            continue  # a real angle-bracketed title
        chinese = (
            kinds != "()"  # tesseract saw one side full-width, or read （ as 〈
            or any(cjk(ch) for ch in chars[start + 1 : end])
            or cjk(neighbour(start, -1))
            or cjk(neighbour(end, 1))
        )
        if chinese:
            chars[start], chars[end] = "（", "）"
    for i in lone:
        if chars[i] in "()〈" and (cjk(neighbour(i, -1)) or cjk(neighbour(i, 1))):
            chars[i] = "（" if chars[i] in "(〈" else "）"
    # Separators: after Chinese, or before Chinese unless they end an English word (`Amount: 壹佰元`, but
    # `代码为91110108MAC225ARXR，具有`).
    for i, ch in enumerate(chars):
        if ch in ":;,!?":
            before, after = neighbour(i, -1), neighbour(i, 1)
            if cjk(before) or (cjk(after) and not ends_english_word(i)):
                chars[i] = _FULL_WIDTH[ch]
    # A closing quote nothing opened is tesseract reading the gap between a form's label and its value.
    quoted, stray = 0, set()
    for i, ch in enumerate(chars):
        if ch in '“"':
            quoted += 1
        elif ch == "”":
            if quoted == 0 and (cjk(neighbour(i, -1)) or cjk(neighbour(i, 1))):
                stray.add(i)
            quoted = max(0, quoted - 1)
    text = "".join(ch for i, ch in enumerate(chars) if i not in stray)
    return _DOCUMENT_YEAR.sub(r"〔\1〕", text)


def cjk_symbols(text: str) -> str:
    """¥ and ㎡ where tesseract's Chinese model, which reads neither well, put look-alikes beside an amount or area."""
    text = _YUAN.sub("¥", text)
    return _SQUARE_METRE.sub("㎡", text)


def without_noise(lines: list[Line]) -> list[Line]:
    """Lines less what tesseract made of specks and gaps: punctuation it barely believes, lone scraps of a line."""
    kept = []
    for line in lines:
        words = tuple(
            w for w in line.words if w.confidence >= NOISE_CONFIDENCE or any(ch.isalnum() for ch in w.text)
        )
        if not words or (
            len(words) == 1 and words[0].confidence < NOISE_CONFIDENCE and len(words[0].text) <= 2
        ):
            continue
        kept.append(Line(words))
    return kept


def page_text(lines: list[Line]) -> str:
    """The page's text, one line per line, with Chinese punctuation and symbols in Chinese text."""
    text = cjk_symbols(cjk_punctuation("\n".join(line.text for line in lines)))
    return "\n".join(join_cjk(line) for line in text.split("\n"))


def mean_confidence(lines: list[Line]) -> float:
    """Mean word confidence (0-100); 0.0 when nothing was read."""
    confidences = [w.confidence for line in lines for w in line.words]
    return statistics.fmean(confidences) if confidences else 0.0
