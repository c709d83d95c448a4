"""Unified social credit codes (统一社会信用代码) per GB 32100-2015, with the GB 11714 organisation code inside."""

from __future__ import annotations

import random

# GB 32100: the 31 characters allowed (no I, O, Z, S, V) and their values are their positions.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714: digits keep their value, letters A..Z count 10..35.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Administrative division codes (GB/T 2260) with the place they name, for addresses and registrars.
DIVISIONS: tuple[tuple[str, str, str, str], ...] = (
    ("330106", "浙江省", "杭州市", "西湖区"),
    ("330108", "浙江省", "杭州市", "滨江区"),
    ("330205", "浙江省", "宁波市", "江北区"),
    ("110105", "北京市", "北京市", "朝阳区"),
    ("110108", "北京市", "北京市", "海淀区"),
    ("310115", "上海市", "上海市", "浦东新区"),
    ("310104", "上海市", "上海市", "徐汇区"),
    ("440305", "广东省", "深圳市", "南山区"),
    ("440106", "广东省", "广州市", "天河区"),
    ("320505", "江苏省", "苏州市", "虎丘区"),
    ("320106", "江苏省", "南京市", "鼓楼区"),
    ("510107", "四川省", "成都市", "武侯区"),
    ("420106", "湖北省", "武汉市", "武昌区"),
    ("370202", "山东省", "青岛市", "市南区"),
    ("350203", "福建省", "厦门市", "思明区"),
)


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_check_char(body: str) -> str:
    """Check character of an 8-character GB 11714 organisation code body."""
    c = 11 - sum(_org_value(ch) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def uscc_check_char(first17: str) -> str:
    """Check character of the first 17 characters of a unified social credit code."""
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when the code has 18 allowed characters and both check characters agree."""
    if len(code) != 18 or any(ch not in USCC_CHARSET for ch in code):
        return False
    return org_check_char(code[8:16]) == code[16] and uscc_check_char(code[:17]) == code[17]


def make_uscc(rng: random.Random, division: str) -> str:
    """A valid enterprise credit code (登记管理部门 9, 类别 1) registered in the given division."""
    if rng.random() < 0.6:
        # Codes issued since 2015 carry an organisation code starting "MA".
        body = "MA" + "".join(rng.choice(USCC_CHARSET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    # GB 11714 may yield "X" which is in the USCC charset; every other check value is a digit.
    first17 = "91" + division + body + org_check_char(body)
    return first17 + uscc_check_char(first17)
