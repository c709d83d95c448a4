"""Date and amount ranges of the query language, parsed into inclusive integer bounds.

    date:2023            the whole year          date:2023-01..2023-06   January to June
    date:2023-03-15      one day                 date:2023-01..           from January on
    amount:1000..5000    yuan, inclusive         amount:..2万              up to 20,000 yuan

Dates become yyyymmdd integers (search.schema.date_key), amounts integer fen. An end given
as a month or year reaches to its last day. Anything else is a BadQuery, and so is an amount beyond
MAX_YUAN: the index keeps amounts as signed 64-bit integers of fen (Whoosh and tantivy alike), and no
contract of a customer archive comes near a hundred trillion yuan.
"""

from __future__ import annotations

import calendar
import re
from decimal import Decimal, InvalidOperation

from core.errors import BadQuery
from core.messages import Phrase

# (lowest, highest) inclusive; None where the range is open.
Bounds = tuple[int | None, int | None]

_DATE = re.compile(r"(\d{4})(?:[-./年](\d{1,2})(?:[-./月](\d{1,2})日?)?月?)?年?")
_AMOUNT = re.compile(r"(\d+(?:\.\d{1,2})?)(万|w|k|千|元)?")
_SCALE = {None: 1, "元": 1, "k": 1000, "千": 1000, "w": 10000, "万": 10000}
_SEPARATORS = ("..", "至", "~", "～")
MAX_YUAN = 10**14  # 100 trillion yuan (万亿 × 100); in fen well within a signed 64-bit integer


def _split(text: str) -> tuple[str, str] | None:
    """The two ends of a range, or None for a single value."""
    for separator in _SEPARATORS:
        if separator in text:
            low, high = text.split(separator, 1)
            return low.strip(), high.strip()
    return None


_EXAMPLES = {"date": "2023, 2023-01, 2023-01..2023-06", "amount": "1000, 1000..5000, 2万.."}


def _bad(text: str, kind: str) -> BadQuery:
    return BadQuery("search.bad_query", detail=f"{kind}:{text[:40]} ≠ {_EXAMPLES[kind]}")


def _no_such_date(text: str) -> BadQuery:
    return BadQuery("search.bad_query", detail=Phrase("search.no_such_date", date=text[:40]))


def _date_end(text: str, *, last: bool) -> int:
    match = _DATE.fullmatch(text)
    if not match:
        raise _bad(text, "date")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if last else 1)
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise _no_such_date(text)
    days = calendar.monthrange(year, month)[1]
    day = int(match.group(3)) if match.group(3) else (days if last else 1)
    if not 1 <= day <= days:
        raise _no_such_date(text)
    return year * 10000 + month * 100 + day


def date_bounds(text: str) -> Bounds:
    """Inclusive yyyymmdd bounds of a date filter value."""
    text = text.strip()
    ends = _split(text)
    if ends is None:
        return _date_end(text, last=False), _date_end(text, last=True)
    low, high = ends
    if not low and not high:
        raise _bad(text, "date")
    bounds = (_date_end(low, last=False) if low else None, _date_end(high, last=True) if high else None)
    if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        raise _bad(text, "date")
    return bounds


def _fen(text: str) -> int:
    match = _AMOUNT.fullmatch(text.replace(",", "").lower())
    if not match:
        raise _bad(text, "amount")
    try:
        yuan = Decimal(match.group(1)) * _SCALE[match.group(2)]
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise _bad(text, "amount") from exc
    if yuan > MAX_YUAN:
        raise BadQuery("search.bad_query", detail=Phrase("search.amount_too_large", amount=text[:40]))
    return int(yuan * 100)


def amount_bounds(text: str) -> Bounds:
    """Inclusive fen bounds of an amount filter value given in yuan."""
    text = text.strip().lstrip("¥￥")
    ends = _split(text)
    if ends is None:
        value = _fen(text)
        return value, value
    low, high = ends
    if not low and not high:
        raise _bad(text, "amount")
    bounds = (_fen(low.lstrip("¥￥")) if low else None, _fen(high.lstrip("¥￥")) if high else None)
    if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        raise _bad(text, "amount")
    return bounds
