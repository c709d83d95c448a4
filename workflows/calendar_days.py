"""The company's own days on the working-day calendar (HND-1): set, listed and removed by an admin, audited.

An override wins over the state calendar: a day off for the annual meeting, a Saturday worked, or — for a
year the chinesecalendar package does not know yet — the State Council's holidays and make-up days, entered
by hand until the package catches up (core.calendar explains the weekday fallback).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from access.errors import require_role
from access.models import User
from core import audit
from core.calendar import (
    Counted,
    count_workdays,
    covered_years,
    delete_override,
    list_override_rows,
    load_overrides,
)
from core.calendar import put_override as put_row


@dataclass(frozen=True)
class OverrideView:
    day: date
    workday: bool
    reason: str


def _admin(actor: User, action: str, day: object, client: str) -> None:
    require_role(actor, "admin", action=action, object_type="calendar_day", object_id=day, client=client)


def _record(session: Session, actor: User, action: str, day: object, client: str, **details: object) -> None:
    audit.record(session, actor=actor.login, role=actor.role_label, action=action, object_type="calendar_day",
                 object_id=str(day), client=client, details=details)  # fmt: skip


def add_override(
    session: Session, *, day: date, workday: bool, reason: str, actor: User, client: str = ""
) -> OverrideView:
    """Make a day a workday or a day off for the company (admin); a second entry replaces the first."""
    _admin(actor, "calendar.override.add", day.isoformat(), client)
    before = put_row(session, day=day, is_workday=workday, reason=reason)
    _record(session, actor, "calendar.override.add", day.isoformat(), client, workday=workday,
            reason=reason.strip(), before=None if before is None else
            {"workday": before.is_workday, "reason": before.reason})  # fmt: skip
    return OverrideView(day, workday, reason.strip())


def list_overrides(session: Session, *, actor: User, client: str = "") -> list[OverrideView]:
    """The company's days, oldest first (admin)."""
    _admin(actor, "calendar.override.list", "", client)
    rows = [OverrideView(r.day, r.is_workday, r.reason) for r in list_override_rows(session)]
    _record(session, actor, "calendar.override.list", "", client, count=len(rows))
    return rows


def remove_override(session: Session, *, day: date, actor: User, client: str = "") -> OverrideView:
    """The state calendar applies to the day again (admin)."""
    _admin(actor, "calendar.override.remove", day.isoformat(), client)
    gone = delete_override(session, day=day)
    _record(session, actor, "calendar.override.remove", day.isoformat(), client,
            before={"workday": gone.is_workday, "reason": gone.reason})  # fmt: skip
    return OverrideView(gone.day, gone.is_workday, gone.reason)


def workdays_after(session: Session, *, day: date, n: int) -> Counted:
    """The date n working days after `day` with the company's days, flagged when estimated."""
    return count_workdays(day, n, load_overrides(session))


def last_covered_year() -> int:
    """The last year the installed holiday package knows."""
    return covered_years()[1]
