"""Query words as people type them (issue 18): a month, an amount, a credit code misread, each also found in
the form the record holds it.

    2023年5月  2023-05  2023.5  23年5月      documents dated in May 2023, and text holding 2023年5月
    2023年                                    documents dated in 2023
    22,000.00  2.2万  贰万贰仟元整             documents with that amount (search.schema.AMOUNTS, in fen)
    9131O115MA1K4Q8XZ1                        the credit code behind O/0, I/1, S/5, Z/2 when its check
                                              character confirms it (records.uscc)

typed() reads one bare query word and says what else it means; search.query adds those as alternatives
to the word's text match, so nothing the word found before is lost.
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from records.uscc import is_valid_uscc

# 2023年5月, 23年5月 (a two-digit year only with 年: 12.5 is a number), 2023-05, 2023.5, 2023/5
_MONTH = re.compile(r"(?:(\d{4}|\d{2})\s*年\s*(\d{1,2})\s*月?|(\d{4})[-./](\d{1,2}))")
_YEAR = re.compile(r"(\d{4})\s*年")
_NUMBER = re.compile(r"[¥￥]?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?)\s*(万|万元|元|元整)?")
_DIGITS = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True)) | {"两": 2}
_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_CAPITAL = re.compile(
    r"(?:人民币)?([零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+)元(?:([零壹贰叁肆伍陆柒捌玖])角)?(?:([壹贰叁肆伍陆柒捌玖])分)?整?"
)
_LOOKALIKE = {"O": "0", "I": "1", "L": "1", "|": "1", "S": "5", "Z": "2"}
MAX_YUAN = 10**14


@dataclass(frozen=True)
class Typed:
    """What a query word also means: a yyyymmdd range, an amount in fen, a credit code, text forms."""

    dates: tuple[int, int] | None = None
    fen: int | None = None
    code: str | None = None
    texts: tuple[str, ...] = ()


def typed(word: str) -> Typed | None:
    """The other meanings of one bare query word, or None when it has none."""
    word = word.strip()
    if month := _MONTH.fullmatch(word):
        written = month[1] or month[3]
        year = int(written) + (2000 if len(written) == 2 else 0)
        number = int(month[2] or month[4])
        if 1 <= number <= 12 and 1000 <= year <= 9999:
            last = calendar.monthrange(year, number)[1]
            dates = (year * 10000 + number * 100 + 1, year * 10000 + number * 100 + last)
            return Typed(dates=dates, texts=(f"{year}年{number}月", f"{year}-{number:02d}"))
    if year := _YEAR.fullmatch(word):
        y = int(year[1])
        return Typed(dates=(y * 10000 + 101, y * 10000 + 1231), texts=(f"{y}年",))
    if (fen := amount_fen(word)) is not None:
        return Typed(fen=fen)
    if (code := credit_code(word)) is not None:
        return Typed(code=code)
    return None


def amount_fen(word: str) -> int | None:
    """An amount typed in figures (22,000.00, 2.2万, ¥22000) or in capitals (贰万贰仟元整), in fen."""
    if (number := _NUMBER.fullmatch(word)) and ("," in word or "." in word or number[2] or word[0] in "¥￥"):
        try:
            yuan = Decimal(number[1].replace(",", "")) * (10000 if (number[2] or "").startswith("万") else 1)
        except InvalidOperation:
            return None
        return int(yuan * 100) if 0 < yuan <= MAX_YUAN else None
    if capital := _CAPITAL.fullmatch(word):
        yuan = _capital_integer(capital[1])
        if yuan is None or yuan > MAX_YUAN:
            return None
        return yuan * 100 + _DIGITS.get(capital[2] or "零", 0) * 10 + _DIGITS.get(capital[3] or "零", 0)
    return None


def _capital_integer(body: str) -> int | None:
    """壹佰贰拾万零伍佰 → 1200500: sections split at 亿 and 万, each of digits and 拾佰仟."""
    total, section, digit = 0, 0, None
    for ch in body:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch in ("万", "亿"):
            section += digit or 0
            total = (total + section) * (10000 if ch == "万" else 100_000_000)
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def credit_code(word: str) -> str | None:
    """The valid credit code behind a typed or misread one (spaces, dashes, O/0, I/1, S/5, Z/2), if one."""
    chars = re.sub(r"[\s\-_.·]", "", word).upper()
    if len(chars) != 18 or not chars.isalnum() or not any(ch.isdigit() for ch in chars):
        return None
    if is_valid_uscc(chars):
        return chars
    options = [[ch, _LOOKALIKE[ch]] if ch in _LOOKALIKE else [ch] for ch in chars]
    if sum(len(o) > 1 for o in options) > 6:
        return None
    valid = {code for code in map("".join, itertools.product(*options)) if is_valid_uscc(code)}
    return valid.pop() if len(valid) == 1 else None
