"""The working-day calendar (工作日): China's public holidays and make-up workdays (调休), and company days.

The state calendar comes from the `chinese-calendar` package, whose maintainers add each year when the State
Council publishes it. The company's own days (a day off for the annual meeting, a Saturday worked) live in
`calendar_override` and win over the state calendar.

A year after the last one the package covers (chinesecalendar 1.11.0 knows 2004–2026) is counted on
weekdays alone, Monday to Friday, plus the company's overrides, and every answer that reaches into such a
year says it is an estimate (`Counted.estimated`): refusing would stop every loan and handover due in the
new year from late December on, while the State Council's holidays of that year are known to people weeks
before the package publishes them — the admin enters them as overrides (`dangan custody calendar override
add`) and the counts are right again. A year before the first covered one is refused: there is no deadline
to count there, only a mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import Date, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base
from core.errors import DanganError, NotFound


class CalendarOverride(Base):
    """A company day that differs from the state calendar: a day off or an extra workday, and why."""

    __tablename__ = "calendar_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(200), default="")


@dataclass(frozen=True)
class Counted:
    """A date counted in working days, and whether it rests on weekdays alone (a year the package lacks)."""

    date: date
    estimated: bool


def covered_years() -> tuple[int, int]:
    """The first and last year the installed chinese-calendar data covers."""
    years = {d.year for d in chinese_calendar.constants.holidays}
    return min(years), max(years)


def is_estimated(day: date) -> bool:
    """Whether the state calendar of the day's year is unknown (weekdays and overrides stand in for it)."""
    return day.year > covered_years()[1]


def is_workday(day: date, overrides: Mapping[date, bool] | None = None) -> bool:
    """Whether people work on that day: a company override, else the state calendar (weekends, 调休).

    After the covered years: Monday to Friday. Before them: refused.
    """
    if overrides and day in overrides:
        return overrides[day]
    first, last = covered_years()
    if day.year < first:
        raise DanganError("calendar.uncovered", day=day.isoformat(), first=first, last=last)
    if day.year > last:
        return day.weekday() < 5
    return bool(chinese_calendar.is_workday(day))


def count_workdays(day: date, n: int, overrides: Mapping[date, bool] | None = None) -> Counted:
    """The date n working days after `day` (`day` not counted; n = 0 gives `day`), flagged when estimated."""
    if n < 0:
        raise DanganError("calendar.negative", n=n)
    current, left = day, n
    while left:
        current += timedelta(days=1)
        if is_workday(current, overrides):
            left -= 1
    # The days counted run from `day` to `current`: if the last is in a covered year, so are all the others.
    return Counted(current, is_estimated(current))


def workdays_after(day: date, n: int, overrides: Mapping[date, bool] | None = None) -> date:
    """The date n working days after `day` (`day` itself not counted; n = 0 gives `day`)."""
    return count_workdays(day, n, overrides).date


def load_overrides(session: Session) -> dict[date, bool]:
    """The company's days, as day → is_workday."""
    rows = session.execute(select(CalendarOverride.day, CalendarOverride.is_workday)).all()
    return {day: workday for day, workday in rows}


def list_override_rows(session: Session) -> list[CalendarOverride]:
    """The company's days, oldest first."""
    return list(session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)))


def put_override(session: Session, *, day: date, is_workday: bool, reason: str) -> CalendarOverride | None:
    """Set the company's day (a second entry for the same day replaces the first); the row it replaced."""
    reason = reason.strip()
    if not reason:
        raise DanganError("calendar.reason_required")
    if len(reason) > 200:
        raise DanganError("calendar.reason_too_long", limit=200)
    first = covered_years()[0]
    if day.year < first:
        raise DanganError("calendar.uncovered", day=day.isoformat(), first=first, last=covered_years()[1])
    row = session.get(CalendarOverride, day)
    before = (
        None if row is None else CalendarOverride(day=row.day, is_workday=row.is_workday, reason=row.reason)
    )
    if row is None:
        row = CalendarOverride(day=day)
        session.add(row)
    row.is_workday, row.reason = is_workday, reason
    session.flush()
    return before


def delete_override(session: Session, *, day: date) -> CalendarOverride:
    """Remove the company's day (the state calendar applies again); the row removed."""
    row = session.get(CalendarOverride, day)
    if row is None:
        raise NotFound("calendar.no_override", day=day.isoformat())
    gone = CalendarOverride(day=row.day, is_workday=row.is_workday, reason=row.reason)
    session.delete(row)
    session.flush()
    return gone
