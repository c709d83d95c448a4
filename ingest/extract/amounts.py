"""Money amounts in integer fen: 人民币1,234.56元, ¥1234.5, 12万元, and the 大写 form 壹佰元整."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ingest.extract.textnorm import Normalised, line_prefix

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
# Lower-case numerals and variants read as their 大写 equivalents.
_FOLD = str.maketrans("〇一二三四五六七八九两十百千圆萬億", "零壹贰叁肆伍陆柒捌玖贰拾佰仟元万亿")
_CAPITAL_ONLY = set("壹贰叁肆伍陆柒捌玖拾佰仟")

AMOUNT_LABELS = (
    "注册资本", "实收资本", "借款金额", "贷款金额", "借款本金", "担保金额", "担保额度", "授信额度",
    "合同金额", "合同总价", "合同价款", "总金额", "总价款", "总价", "价款", "金额", "本金",
    "保证金", "担保费", "服务费", "费用", "租金", "利息", "额度",
)  # fmt: skip
_LABEL = re.compile("|".join(sorted(AMOUNT_LABELS, key=len, reverse=True)))

# 金额(元):1,234.00 and 注册资本(万元):500 - the unit sits in the label.
_UNIT_LABEL = re.compile(rf"(?:{_LABEL.pattern})\s*\((?P<mul>万)?元\)\s*:?\s*$")
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMERIC = re.compile(
    rf"(?:(?P<cur>人民币|RMB|CNY|¥)\s*[:]?\s*)?(?<![\d.,])(?P<num>{_NUM})(?!\d)\s*(?P<mul>万|亿|千)?\s*(?P<unit>元|圆)?"
)
_CAP_D = "零〇壹贰叁肆伍陆柒捌玖一二三四五六七八九两"
_CAP_N = "壹贰叁肆伍陆柒捌玖一二三四五六七八九"
_CAPITAL = re.compile(
    rf"(?P<pre>(?:人民币|大写|RMB)\s*[:]?\s*(?:人民币|\(大写\)|大写)?\s*[:]?\s*)?"
    rf"(?P<body>[{_CAP_D}拾佰仟万亿十百千萬億]+[元圆](?:[零〇]?[{_CAP_N}]角)?(?:[零〇]?[{_CAP_N}]分)?"
    rf"|[{_CAP_N}]角(?:[零〇]?[{_CAP_N}]分)?|[{_CAP_N}]分)(?P<zheng>[整正])?"
)
# …元整( before a figure, its ¥ lost or misread (Y, #f, 习: one or two marks that are no digit or bracket).
_AFTER_CAPITAL = re.compile(r"[元圆整正角分]\s*\(\s*(?:[^\d\s(),.]{1,2}\s*)?$")
_PAIR_GAP = re.compile(r"^[\s()\[\]【】:,;。、]*(?:\(?(?:大写|小写)\)?)?[\s()\[\]【】:,;]*$")


@dataclass(frozen=True)
class Amount:
    """A money amount in fen; `capital` for 大写; a numeric/大写 pair share `pair`, `agrees` says if equal."""

    fen: int
    raw: str
    label: str | None
    capital: bool = False
    pair: int | None = None
    agrees: bool | None = None
    pos: int = field(default=-1, compare=False, repr=False)
    end: int = field(default=-1, compare=False, repr=False)


def _group(n: int) -> str:
    """0 < n < 10000 rendered with 仟佰拾; internal zero runs as one 零."""
    out, zero = [], False
    for unit, value in (("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)):
        digit = n // value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[digit] + unit)
    return "".join(out)


def _yuan(n: int) -> str:
    groups = [n // 10**12 % 10**4, n // 10**8 % 10**4, n // 10**4 % 10**4, n % 10**4]
    units = ["万", "亿", "万", ""]
    out: list[str] = []
    pending_zero = False
    for i, (g, unit) in enumerate(zip(groups, units, strict=True)):
        if g == 0:
            pending_zero = bool(out)
            if i == 1 and groups[0]:
                out.append("亿")  # 壹万亿: the 亿 of the 万亿 group stands even when its own group is empty
            continue
        if out and (pending_zero or g < 1000):
            out.append("零")
        out.append(_group(g) + unit)
        pending_zero = False
    return "".join(out)


def to_capital(fen: int) -> str:
    """fen as a 大写 amount (without 人民币): 123456789 -> 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分."""
    if fen < 0 or fen >= 10**18:
        raise ValueError(f"amount out of range: {fen}")
    yuan, jiao, fen_digit = fen // 100, fen // 10 % 10, fen % 10
    out = _yuan(yuan) + "元" if yuan else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif fen_digit and yuan:
        out += "零"
    if fen_digit:
        out += _DIGITS[fen_digit] + "分"
    if not out:
        return "零元整"
    return out if fen_digit else out + "整"


def _parse_integer(body: str) -> int | None:
    total = section = 0
    number: int | None = None
    for ch in body:
        if ch in _DIGITS:
            digit = _DIGITS.index(ch)
            if number is not None:
                return None  # two digits in a row: not a 大写 number (OCR damage)
            number = digit if ch != "零" else None
        elif ch in _SMALL_UNITS:
            section += (1 if number is None else number) * _SMALL_UNITS[ch]
            number = None
        elif ch == "万":
            total += (section + (number or 0)) * 10**4
            section, number = 0, None
        elif ch == "亿":
            total = (total + section + (number or 0)) * 10**8
            section, number = 0, None
        else:
            return None
    return total + section + (number or 0)


def parse_capital(text: str) -> int | None:
    """A 大写 amount (壹佰元整, 人民币伍万元零伍分, 捌角) in fen, or None if it is not one."""
    text = text.translate(_FOLD).removeprefix("人民币").rstrip("整正")
    match = re.fullmatch(r"(?:(?P<int>[^元]*)元)?零?(?:(?P<jiao>.)角)?零?(?:(?P<fen>.)分)?", text)
    if not match or not text:
        return None
    yuan = _parse_integer(match["int"]) if match["int"] else 0
    if yuan is None:
        return None
    fen = yuan * 100
    for part, scale in (("jiao", 10), ("fen", 1)):
        if match[part]:
            if match[part] not in _DIGITS[1:]:
                return None
            fen += _DIGITS.index(match[part]) * scale
    return fen


def _numeric_fen(number: str, multiplier: str | None) -> int | None:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    value *= {"万": 10**4, "亿": 10**8, "千": 10**3, None: 1}[multiplier]
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _label(text: str, start: int) -> str | None:
    found = _LABEL.findall(line_prefix(text, start, 24))
    return found[-1] if found else None


def find_amounts(norm: Normalised) -> list[Amount]:
    """Every money amount in reading order, numeric and 大写, with pairs of the two forms marked."""
    text = norm.text
    found: list[tuple[int, int, int, bool]] = []
    for match in _CAPITAL.finditer(text):
        body = match["body"]
        if not (match["pre"] or _CAPITAL_ONLY & set(body)):
            continue
        fen = parse_capital(body)
        if fen is not None:
            found.append((match.start(), match.end(), fen, True))
    taken = [(s, e) for s, e, _, _ in found]
    for match in _NUMERIC.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        multiplier = match["mul"]
        if not (match["cur"] or match["unit"]):
            unit_label = _UNIT_LABEL.search(line_prefix(text, match.start(), 30))
            if unit_label:
                multiplier = multiplier or unit_label["mul"]
            elif not _AFTER_CAPITAL.search(text[max(0, match.start() - 6) : match.start()]) or not text[
                match.end() : match.end() + 2
            ].lstrip().startswith(")"):
                continue
            # else: the figure in brackets after a 大写 amount (…元整(152,500.00)), its ¥ lost to OCR (issue 18)
        if "." in match["num"] and not multiplier and len(match["num"].rpartition(".")[2]) > 2:
            continue  # 1.234元 is not money we can read safely
        fen = _numeric_fen(match["num"], multiplier)
        if fen is not None:
            found.append((match.start(), match.end(), fen, False))
    found.sort()
    labels = [_label(text, start) for start, _, _, _ in found]
    pairs: list[int | None] = [None] * len(found)
    next_pair = 0
    for i in range(len(found) - 1):
        (_, e1, _, cap1), (s2, _, _, cap2) = found[i], found[i + 1]
        if cap1 != cap2 and pairs[i] is None and s2 - e1 <= 20 and _PAIR_GAP.match(text[e1:s2]):
            pairs[i] = pairs[i + 1] = next_pair
            next_pair += 1
            labels[i] = labels[i] or labels[i + 1]
            labels[i + 1] = labels[i + 1] or labels[i]
    amounts = []
    for i, (start, end, fen, capital) in enumerate(found):
        partner = next((j for j in (i - 1, i + 1) if 0 <= j < len(found) and pairs[j] == pairs[i]), None)
        agrees = None if pairs[i] is None or partner is None else found[partner][2] == fen
        raw = norm.raw(start, end).strip()
        amounts.append(Amount(fen, raw, labels[i], capital, pairs[i], agrees, start, end))
    return amounts
