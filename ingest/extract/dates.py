"""Dates in Chinese documents: 2024年3月5日, 二〇二四年三月五日, 2024.03.05, labelled 20240305, periods."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ingest.extract.textnorm import Normalised, line_prefix

SIGNING_LABELS = ("签订日期", "签署日期", "签约日期", "签订时间", "签署时间", "签约时间", "立约日期")
ISSUE_LABELS = (
    "发证日期", "颁发日期", "登记日期", "核准日期", "填表日期", "申请日期", "回访日期", "服务日期",
    "报修日期", "维修日期", "投诉日期", "来访日期", "发函日期", "落款日期", "登簿日期", "日期",
)  # fmt: skip
END_LABELS = ("end", "有效期至", "有效期限至", "到期日期", "到期日", "截止日期", "终止日期", "结束日期")
# Dates that never date the document itself.
_NOT_DOC_DATE = (*END_LABELS, "有效期", "有效期限", "出生日期", "下次回访日期", "预约日期")
_OTHER_LABELS = (
    "成立日期", "注册日期", "生效日期", "起始日期", "开始日期", "起止日期", "起止", "营业期限",
    "有效期限", "有效期", "出生日期", "下次回访日期", "预约日期", "时间",
)  # fmt: skip
_LABELS = sorted({*SIGNING_LABELS, *ISSUE_LABELS, *END_LABELS[1:], *_OTHER_LABELS}, key=len, reverse=True)
_LABEL_BEFORE = re.compile(r"(" + "|".join(_LABELS) + r")\s*[:]?\s*(?:自|从)?\s*$")

_D = "[0-9Oo]"  # O/o read for 0 inside dates
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "O": 0, "o": 0, "0": 0, "Ο": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_YEAR = "[〇零○OoΟ0一二三四五六七八九]"
_CN_SMALL = "[一二三四五六七八九十]"
_PATTERNS = (
    re.compile(rf"(?<![0-9A-Za-z])({_D}{{4}})\s*年\s*({_D}{{1,2}})\s*月\s*({_D}{{1,2}})\s*[日号]?"),
    re.compile(rf"({_CN_YEAR}{{4}})\s*年\s*({_CN_SMALL}{{1,3}})\s*月\s*({_CN_SMALL}{{1,3}})\s*[日号]"),
    re.compile(r"(?<![0-9.])((?:19|20)\d{2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?![0-9])"),
)
_COMPACT = re.compile(r"(?<![0-9])((?:19|20)\d{2})(\d{2})(\d{2})(?![0-9])")
_PERIOD_NEXT = re.compile(r"\s*(?:起|至|到)")
_PERIOD_GAP = re.compile(r"^\s*(?:起\s*,?\s*(?:至|到)?|(?:至|到|~|-))\s*$")


@dataclass(frozen=True)
class DateField:
    """A calendar date found in a document: ISO value, its label (or start/end of a period), raw text."""

    value: str
    label: str | None
    raw: str
    pos: int = field(default=-1, compare=False, repr=False)
    end: int = field(default=-1, compare=False, repr=False)
    standalone: bool = field(default=False, compare=False, repr=False)  # alone on its line: a sign-off


def _cn_small(text: str) -> int:
    """二十一 -> 21, 十二 -> 12, 十 -> 10, 五 -> 5."""
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else -1
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or "十" in ones or len(ones) > 1:
        return -1
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _iso(year: int, month: int, day: int) -> str | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _digits(text: str) -> int:
    return int(text.replace("O", "0").replace("o", "0"))


def _parse(kind: int, match: re.Match[str]) -> str | None:
    if kind == 0:
        return _iso(_digits(match[1]), _digits(match[2]), _digits(match[3]))
    if kind == 1:
        year = int("".join(str(_CN_DIGITS[ch]) for ch in match[1]))
        return _iso(year, _cn_small(match[2]), _cn_small(match[3]))
    return _iso(int(match[1]), int(match[3]), int(match[4]))


def _vouched(text: str, match: re.Match[str]) -> bool:
    return bool(_label_before(text, match.start()) or _PERIOD_NEXT.match(text, match.end()))


def _label_before(text: str, pos: int) -> str | None:
    found = _LABEL_BEFORE.search(line_prefix(text, pos, 24))
    return found[1] if found else None


def find_dates(norm: Normalised) -> list[DateField]:
    """Every valid date in the text in reading order; a 自…起至…止 pair is labelled start and end."""
    text = norm.text
    spans: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in enumerate(_PATTERNS):
        for match in pattern.finditer(text):
            # 2024年3月5 without 日 is only taken when a label or a period says it is a date.
            if kind == 0 and not match.group().rstrip().endswith(("日", "号")) and not _vouched(text, match):
                continue
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            value = _parse(kind, match)
            if value:
                spans.append((match.start(), match.end(), value))
                taken.append((match.start(), match.end()))
    for match in _COMPACT.finditer(text):
        label = _label_before(text, match.start())
        if label and not any(s < match.end() and match.start() < e for s, e in taken):
            value = _iso(int(match[1]), int(match[2]), int(match[3]))
            if value:
                spans.append((match.start(), match.end(), value))
    spans.sort()
    labels = [_label_before(text, start) for start, _, _ in spans]
    for i in range(len(spans) - 1):
        if _PERIOD_GAP.match(text[spans[i][1] : spans[i + 1][0]]):
            labels[i], labels[i + 1] = "start", "end"
    return [
        DateField(value, label, norm.raw(start, end).strip(), start, end, _alone(text, start, end))
        for (start, end, value), label in zip(spans, labels, strict=True)
    ]


def _alone(text: str, start: int, end: int) -> bool:
    line_end = text.find("\n", end)
    after = text[end : len(text) if line_end < 0 else line_end]
    return not line_prefix(text, start, 100).strip() and not after.strip(" .。")


def unique_dates(dates: list[DateField]) -> list[DateField]:
    """Dates with repeated (value, label) pairs dropped, first kept."""
    seen: set[tuple[str, str | None]] = set()
    out = []
    for date in dates:
        if (date.value, date.label) not in seen:
            seen.add((date.value, date.label))
            out.append(date)
    return out


def pick_doc_date(dates: list[DateField]) -> str | None:
    """The document's own date: signing date, else issue/record date, else sign-off, else latest."""
    # 1. the first signing date (签订日期 …);
    # 2. the latest issue or record date (日期, 登记日期, 登簿日期, 回访日期 …);
    # 3. the last unlabelled date standing alone on its line: the sign-off under a letter or a licence,
    #    which a deadline cited in the body (请于7月15日前…) must not beat;
    # 4. the latest date that neither ends a period nor expires (contract ends, 有效期至 and
    #    next-visit dates never date a document).
    for date in dates:
        if date.label in SIGNING_LABELS:
            return date.value
    issued = [d.value for d in dates if d.label in ISSUE_LABELS]
    if issued:
        return max(issued)
    plausible = [d for d in dates if d.label not in _NOT_DOC_DATE]
    sign_off = [d.value for d in plausible if d.standalone and d.label is None]
    if sign_off:
        return sign_off[-1]
    return max(d.value for d in plausible) if plausible else None


def pick_contract_end(dates: list[DateField]) -> str | None:
    """The end of the contract period (…至2026年12月31日止) or the labelled expiry date."""
    for date in dates:
        if date.label in END_LABELS:
            return date.value
    return None
