"""Chinese business formatting: amounts in 大写 and numerals, dates, ordinals."""

from __future__ import annotations

import datetime as dt

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿", "万亿")
_ORDINAL_DIGITS = "零一二三四五六七八九"


def _group_upper(n: int) -> str:
    """Render 1..9999 without a leading 零."""
    out: list[str] = []
    zero = False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[d] + _SMALL_UNITS[pos])
    return "".join(out)


def yuan_upper(n: int) -> str:
    """Integer yuan in financial capitals, e.g. 1005000 → 壹佰万零伍仟."""
    if n == 0:
        return "零"
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    gap = False
    for gi in range(len(groups) - 1, -1, -1):
        g = groups[gi]
        if g == 0:
            gap = bool(out)
            continue
        if out and (gap or g < 1000):
            out += "零"
        out += _group_upper(g) + _GROUP_UNITS[gi]
        gap = False
    return out


def amount_upper(fen: int) -> str:
    """Amount in fen as written on cheques and contracts: 壹佰万元整, 叁仟元伍角整, 捌元零伍分."""
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    head = yuan_upper(yuan) + "元" if yuan else ""
    if not jiao and not cents:
        return (head or "零元") + "整"
    if not cents:
        return head + _DIGITS[jiao] + "角整"
    if not jiao:
        return head + ("零" if head else "") + _DIGITS[cents] + "分"
    return head + _DIGITS[jiao] + "角" + _DIGITS[cents] + "分"


def amount_numeral(fen: int) -> str:
    """Amount in fen as ¥1,234,567.89."""
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def cn_date(d: dt.date, *, padded: bool = False) -> str:
    """2024年3月5日, or 2024年03月05日 as licences print it."""
    if padded:
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    return f"{d.year}年{d.month}月{d.day}日"


def ordinal(n: int) -> str:
    """Chinese ordinal number for clause headings: 1 → 一, 12 → 十二, 20 → 二十."""
    if n < 10:
        return _ORDINAL_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _ORDINAL_DIGITS[tens]) + "十" + (_ORDINAL_DIGITS[ones] if ones else "")
