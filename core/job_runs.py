"""Runs of the scheduled jobs (issue 14): one row per attempt, claimed before it starts.

A periodic task fires in every consumer that runs the scheduler (`dangan serve`'s worker thread and each
`dangan worker`), so the same slot can fire twice; the unique (name, slot, attempt) lets exactly one claim it.
The newest row per job is its last run on the admin page and in /metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import JSON, String, Text, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.db import Base, Timestamp, UTCDateTime, utcnow

T = TypeVar("T")


class JobRun(Base):
    """One attempt at one scheduled job for one slot (the moment it was due)."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("name", "slot", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    slot: Mapped[str] = mapped_column(String(60))
    attempt: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(20), default="running")  # running | ok | failed
    started_at: Mapped[Timestamp]
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when a failed attempt is tried again


@dataclass(frozen=True)
class LastRun:
    """A job's newest attempt, and its newest success."""

    name: str
    state: str
    attempt: int
    started_at: datetime
    finished_at: datetime | None
    result: dict
    error: str
    retry_at: datetime | None
    last_ok_at: datetime | None
    runs: int
    failures: int


def claim(session: Session, *, name: str, slot: str, attempt: int) -> JobRun | None:
    """Start an attempt, or None when another process already claimed this one."""
    run = JobRun(name=name, slot=slot, attempt=attempt, state="running", result={}, error="")
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError:
        return None
    return run


def finish(session: Session, run_id: int, *, state: str, result: dict | None = None, error: str = "",
           retry_at: datetime | None = None) -> None:  # fmt: skip
    """Record how an attempt ended."""
    run = session.get_one(JobRun, run_id)
    run.state, run.finished_at, run.result, run.error = state, utcnow(), result or {}, error[:4000]
    run.retry_at = retry_at
    session.flush()


def last_runs(session: Session) -> dict[str, LastRun]:
    """Each job's newest attempt, with its newest success and its counts of runs and failures."""
    newest = select(JobRun.name, func.max(JobRun.id).label("id")).group_by(JobRun.name).subquery()
    rows = session.scalars(select(JobRun).join(newest, JobRun.id == newest.c.id))
    ok = dict(
        session.execute(
            select(JobRun.name, func.max(JobRun.finished_at))
            .where(JobRun.state == "ok")
            .group_by(JobRun.name)
        ).all()
    )
    counts = {
        (name, state): n
        for name, state, n in session.execute(
            select(JobRun.name, JobRun.state, func.count()).group_by(JobRun.name, JobRun.state)
        )
    }
    found = {}
    for run in rows:
        runs = sum(n for (name, _state), n in counts.items() if name == run.name)
        found[run.name] = LastRun(
            name=run.name, state=run.state, attempt=run.attempt, started_at=run.started_at,
            finished_at=run.finished_at, result=run.result or {}, error=run.error, retry_at=run.retry_at,
            last_ok_at=ok.get(run.name), runs=runs, failures=counts.get((run.name, "failed"), 0),
        )  # fmt: skip
    return found


def run_recorded(
    factory: sessionmaker[Session], job: str, work: Callable[[], T], summary: Callable[[T], dict]
) -> T:
    """Run `work` as the scheduled job `job` outside the daily schedule's claims (the monthly backup, the
    nightly fixity slice: huey retries those itself), recording start, end and result, or the error (re-raised)."""
    with factory() as session, session.begin():
        run = claim(session, name=job, slot=utcnow().isoformat(timespec="microseconds"), attempt=0)
        assert run is not None  # a slot of its own
        run_id = run.id
    try:
        value = work()
    except Exception as exc:
        with factory() as session, session.begin():
            finish(session, run_id, state="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    with factory() as session, session.begin():
        finish(session, run_id, state="ok", result=summary(value))
    return value
