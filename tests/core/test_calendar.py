"""The working-day calendar: China's public holidays and make-up workdays (调休), and the company's own days.

Dates are those the State Council published (国务院办公厅关于部分节假日安排的通知) for 2024–2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from core.calendar import (
    CalendarOverride,
    Counted,
    count_workdays,
    covered_years,
    is_workday,
    load_overrides,
    workdays_after,
)
from core.errors import DanganError

# (holiday's last day off, the make-up workday after it, a make-up workday before it)
SPRING_FESTIVAL = {
    2024: (
        date(2024, 2, 17),
        date(2024, 2, 18),
        date(2024, 2, 4),
    ),  # off 10–17 Feb; Sundays 4 and 18 Feb worked
    2025: (date(2025, 2, 4), date(2025, 2, 8), date(2025, 1, 26)),  # off 28 Jan–4 Feb; Sun 26 Jan, Sat 8 Feb
    2026: (date(2026, 2, 23), date(2026, 2, 28), date(2026, 2, 14)),  # off 15–23 Feb; Sat 14 and Sat 28 Feb
}
NATIONAL_DAY = {
    2024: (date(2024, 10, 7), date(2024, 10, 12), date(2024, 9, 29)),  # off 1–7 Oct; Sun 29 Sep, Sat 12 Oct
    2025: (date(2025, 10, 8), date(2025, 10, 11), date(2025, 9, 28)),  # off 1–8 Oct; Sun 28 Sep, Sat 11 Oct
    2026: (date(2026, 10, 7), date(2026, 10, 10), date(2026, 9, 20)),  # off 1–7 Oct; Sun 20 Sep, Sat 10 Oct
}


@pytest.mark.parametrize("holidays", [SPRING_FESTIVAL, NATIONAL_DAY], ids=["spring_festival", "national_day"])
@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_make_up_weekend_days_are_workdays_and_the_holiday_is_not(holidays, year):
    last_off, after, before = holidays[year]
    assert after.weekday() >= 5 and before.weekday() >= 5  # each 调休 day is a Saturday or Sunday
    assert is_workday(after) and is_workday(before)
    assert not is_workday(last_off)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Friday 9 Feb 2024 is the eve of the Spring Festival: the next workday is Sunday 18 Feb (调休).
        (date(2024, 2, 9), 1, date(2024, 2, 18)),
        (date(2024, 2, 9), 2, date(2024, 2, 19)),
        # Thursday 22 Jan 2025 + 3: Fri 24, Sun 26 (调休), Mon 27; then the festival until 4 Feb.
        (date(2025, 1, 22), 3, date(2025, 1, 26)),
        (date(2025, 1, 22), 5, date(2025, 2, 5)),
        (date(2025, 1, 22), 7, date(2025, 2, 7)),
        (date(2025, 1, 22), 8, date(2025, 2, 8)),  # Saturday 8 Feb is worked
        # Friday 13 Feb 2026: Saturday 14 Feb is worked, then nine days off, then Tuesday 24 Feb.
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 13), 2, date(2026, 2, 24)),
        (date(2026, 2, 13), 6, date(2026, 2, 28)),  # Saturday 28 Feb is worked
        (date(2026, 2, 13), 7, date(2026, 3, 2)),
        # National Day 2024: Sun 29 Sep worked, 1–7 Oct off, Sat 12 Oct worked.
        (date(2024, 9, 27), 1, date(2024, 9, 29)),
        (date(2024, 9, 27), 2, date(2024, 9, 30)),
        (date(2024, 9, 27), 3, date(2024, 10, 8)),
        (date(2024, 9, 27), 7, date(2024, 10, 12)),
        # National Day 2025 (with the Mid-Autumn Festival): 1–8 Oct off, Sat 11 Oct worked.
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 9, 30), 3, date(2025, 10, 11)),
        # National Day 2026: Sun 20 Sep worked, 1–7 Oct off, Sat 10 Oct worked.
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        # An ordinary week: Friday + 1 is Monday.
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
        (date(2026, 3, 6), 0, date(2026, 3, 6)),
    ],
)
def test_workdays_after_counts_over_holidays_and_make_up_days(start, n, expected):
    assert workdays_after(start, n) == expected


def test_a_later_year_the_package_does_not_cover_is_counted_on_weekdays_and_flagged():
    first, last = covered_years()
    assert last == 2026  # chinesecalendar 1.11.0 knows the holidays up to 2026
    # Wednesday 30 Dec 2026 + 3: Thursday 31 Dec, then 2027 on weekdays alone: Friday 1 Jan, Monday 4 Jan.
    assert count_workdays(date(2026, 12, 30), 3) == Counted(date(2027, 1, 4), estimated=True)
    assert count_workdays(date(2026, 12, 28), 3) == Counted(date(2026, 12, 31), estimated=False)
    assert not is_workday(date(2027, 1, 2)) and is_workday(date(2027, 1, 1))  # a Saturday; a Friday
    with pytest.raises(DanganError) as info:  # before the package's first year: no deadline to count there
        is_workday(date(first - 1, 6, 1))
    assert info.value.code == "calendar.uncovered"


def test_company_days_override_the_state_calendar():
    friday = date(2026, 3, 6)
    assert workdays_after(friday, 1, {date(2026, 3, 9): False}) == date(2026, 3, 10)  # Monday off
    assert workdays_after(friday, 1, {date(2026, 3, 7): True}) == date(2026, 3, 7)  # Saturday worked
    # In a year the package does not know, the company's entries of the State Council's days count.
    spring_2027 = {date(2027, 1, 1): False, date(2027, 1, 4): False}
    assert count_workdays(date(2026, 12, 31), 1, spring_2027) == Counted(date(2027, 1, 5), estimated=True)


def test_negative_counts_are_refused():
    with pytest.raises(DanganError) as info:
        workdays_after(date(2026, 3, 6), -1)
    assert info.value.code == "calendar.negative"


def test_overrides_are_read_from_the_database(runtime):
    with runtime.factory() as session, session.begin():
        session.add(CalendarOverride(day=date(2026, 3, 9), is_workday=False, reason="年会"))
    with runtime.factory() as session:
        overrides = load_overrides(session)
    assert overrides == {date(2026, 3, 9): False}
    assert workdays_after(date(2026, 3, 6), 1, overrides) == date(2026, 3, 10)
