"""The working-day calendar (工作日): China's public holidays and make-up workdays (调休), and company days.

The state calendar comes from the `chinese-calendar` package, whose maintainers add each year when the State
Council publishes it; a year it does not cover is refused rather than guessed (weekends alone would be wrong
around every holiday). The company's own days (a day off for the annual meeting, a Saturday worked) live in
`calendar_override` and win over the state calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import Date, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base
from core.errors import DanganError


class CalendarOverride(Base):
    """A company day that differs from the state calendar: a day off or an extra workday, and why."""

    __tablename__ = "calendar_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(200), default="")


def covered_years() -> tuple[int, int]:
    """The first and last year the installed chinese-calendar data covers."""
    years = {d.year for d in chinese_calendar.constants.holidays}
    return min(years), max(years)


def is_workday(day: date, overrides: Mapping[date, bool] | None = None) -> bool:
    """Whether people work on that day: a company override, else the state calendar (weekends, 调休)."""
    if overrides and day in overrides:
        return overrides[day]
    first, last = covered_years()
    if not first <= day.year <= last:
        raise DanganError("calendar.uncovered", day=day.isoformat(), first=first, last=last)
    return bool(chinese_calendar.is_workday(day))


def workdays_after(day: date, n: int, overrides: Mapping[date, bool] | None = None) -> date:
    """The date n working days after `day` (`day` itself not counted; n = 0 gives `day`)."""
    if n < 0:
        raise DanganError("calendar.negative", n=n)
    current, left = day, n
    while left:
        current += timedelta(days=1)
        if is_workday(current, overrides):
            left -= 1
    return current


def load_overrides(session: Session) -> dict[date, bool]:
    """The company's days, as day → is_workday."""
    rows = session.execute(select(CalendarOverride.day, CalendarOverride.is_workday)).all()
    return {day: workday for day, workday in rows}
