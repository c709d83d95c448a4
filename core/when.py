"""Moments typed by people (`--from 2025-01-01`, `?to=2025-01-31T18:00`): local dates and times to UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import DanganError


def parse_when(text: str | None, timezone: str, *, end: bool = False) -> datetime | None:
    """YYYY-MM-DD is local midnight (with end, the next one, so the day is included); ISO 8601 without
    an offset is local time. None for an empty value; DanganError for anything else."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    zone = ZoneInfo(timezone)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(), zone).astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DanganError("audit.bad_time", value=text) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)
