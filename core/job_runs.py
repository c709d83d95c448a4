"""Scheduled jobs' runs: each periodic task records when it ran and how it ended, for the admin page.

The job queue (huey) keeps no history a person can read; this table does, one row per run, so the admin
page shows each job's last run and result, and a failed run stays visible after the queue retries it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import JSON, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.db import Base, Timestamp, UTCDateTime, utcnow

T = TypeVar("T")


class JobRun(Base):
    """One run of a scheduled job."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60), index=True)
    started_at: Mapped[Timestamp]
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ok: Mapped[bool | None] = mapped_column()  # None while running
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class LastRun:
    """A job's latest run, for the admin page."""

    job: str
    started_at: datetime
    finished_at: datetime | None
    ok: bool | None
    result: dict
    error: str | None


def run_recorded(
    factory: sessionmaker[Session], job: str, work: Callable[[], T], summary: Callable[[T], dict]
) -> T:
    """Run `work` as the scheduled job `job`, recording start, end and result (or the error, re-raised)."""
    with factory() as session, session.begin():
        row = JobRun(job=job)
        session.add(row)
        session.flush()
        run_id = row.id
    try:
        value = work()
    except Exception as exc:
        with factory() as session, session.begin():
            run = session.get_one(JobRun, run_id)
            run.finished_at, run.ok, run.error = utcnow(), False, f"{type(exc).__name__}: {exc}"[:2000]
        raise
    with factory() as session, session.begin():
        run = session.get_one(JobRun, run_id)
        run.finished_at, run.ok, run.result = utcnow(), True, summary(value)
    return value


def last_runs(session: Session) -> list[LastRun]:
    """Each job's latest run, by job name."""
    latest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    rows = session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id).order_by(JobRun.job))
    return [LastRun(r.job, r.started_at, r.finished_at, r.ok, r.result or {}, r.error) for r in rows]
