"""The scheduled jobs (issue 14), run by the job queue's own scheduler (huey periodic tasks, workflows.jobs):
the daily due-date recompute (RET-2), `retention lock` renewal (WORM), the audit-trail checkpoint (AUD-3; core
cannot reach the object store, this workflow can) and the reminders (ACC-2, POL-4), each at a time of day set
in the settings (DANGAN_SCHEDULE_*, in DANGAN_TIMEZONE; `off` stops one).

Every attempt is claimed (core.job_runs) so that when several processes run the scheduler only one runs each
slot; its result or error is kept for the admin page and /metrics, and audited as the system's. A failed
attempt is tried again after DANGAN_JOB_RETRY_DELAY seconds, four times longer each time, up to
DANGAN_JOB_RETRIES; the last failure is reported to every admin (a notification, so also by their channels).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from access.notifications import holders, notify
from core import audit, job_runs
from core.db import utcnow
from workflows import metrics
from workflows.runtime import Runtime

log = logging.getLogger(__name__)
SYSTEM = "system"


def run_due_dates(runtime: Runtime) -> dict:
    """Recompute every record's due date (a rule, a relationship end or an extension may have moved it)."""
    from retention.schedule import recompute

    with runtime.factory() as session, session.begin():
        return {"changed": recompute(session)}


def run_retention_lock(runtime: Runtime) -> dict:
    """`dangan retention lock`: due dates, S3 retain-until dates moved forward and renewed, legal holds synced."""
    from workflows.retention_changes import renew_all_locks

    with runtime.factory() as session, session.begin():
        changed, moved, held = renew_all_locks(session, runtime)
    return {"recomputed": changed, "locked": moved, "holds_synced": held}


def run_audit_checkpoint(runtime: Runtime) -> dict:
    """A signed checkpoint of the audit chain's head in the object store."""
    from workflows.trail import write_checkpoint

    made = write_checkpoint(runtime, actor=SYSTEM, role=SYSTEM)
    return {"checkpoint": made.name, "events": made.count}


def run_reminders(runtime: Runtime) -> dict:
    """Leave today's reminders, then send what waits in the outbox."""
    from workflows.notify import deliver_pending
    from workflows.reminders import remind

    with runtime.factory() as session, session.begin():
        reminded = remind(session, today=runtime.today(), grant_days=runtime.settings.reminder_grant_days)
    sent = deliver_pending(runtime)
    return reminded.as_json() | {"delivery": sent.as_json()}


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    setting: str  # the Settings field holding its time of day
    run: Callable[[Runtime], dict]


JOBS: dict[str, ScheduledJob] = {
    job.name: job
    for job in (
        ScheduledJob("due_dates", "schedule_due_dates", run_due_dates),
        ScheduledJob("retention_lock", "schedule_retention_lock", run_retention_lock),
        ScheduledJob("audit_checkpoint", "schedule_audit_checkpoint", run_audit_checkpoint),
        ScheduledJob("reminders", "schedule_reminders", run_reminders),
    )
}


class ScheduleInvalid(ValueError):
    """A DANGAN_SCHEDULE_* value that is neither HH:MM nor `off`."""


def utc_time_of_day(value: str, timezone: str) -> tuple[int, int] | None:
    """(hour, minute) in UTC of a local HH:MM (today's offset), or None for `off`.

    huey's scheduler runs on UTC; a zone with summer time moves the job by an hour twice a year.
    """
    value = value.strip().lower()
    if value in ("off", "none", ""):
        return None
    try:
        hour, minute = (int(part) for part in value.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise ScheduleInvalid(f"schedule time {value!r}: expected HH:MM (24 h) or off") from None
    zone = ZoneInfo(timezone)
    local = datetime.now(zone).replace(hour=hour, minute=minute, second=0, microsecond=0)
    at = local.astimezone(UTC)
    return at.hour, at.minute


def slot_now() -> str:
    """The minute a periodic task fired in: the same in every process that fires it."""
    return utcnow().strftime("%Y-%m-%dT%H:%MZ")


def manual_slot() -> str:
    return f"manual:{utcnow():%Y-%m-%dT%H:%M:%S}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Outcome:
    """How one attempt went: skipped (another process has it), ok or failed; when failed, the retry delay."""

    name: str
    state: str
    attempt: int
    result: dict
    error: str = ""
    retry_in: int | None = None
    run_id: int | None = None

    def as_json(self) -> dict:
        return {"id": self.run_id, "job": self.name, "state": self.state, "attempt": self.attempt,
                "result": self.result, "error": self.error, "retry_in": self.retry_in}  # fmt: skip


def run_job(
    runtime: Runtime,
    name: str,
    *,
    slot: str,
    attempt: int = 0,
    by: str = SYSTEM,
    role: str = SYSTEM,
    client: str = "",
) -> Outcome:
    """Claim and run one attempt of a job; record, audit (as `by`: the system, or whoever ran it by hand) and
    count how it went; say when to retry."""
    job = JOBS[name]
    with runtime.factory() as session, session.begin():
        run = job_runs.claim(session, name=name, slot=slot, attempt=attempt)
        run_id = run.id if run is not None else None
    if run_id is None:
        return Outcome(name, "skipped", attempt, {})
    started = time.perf_counter()
    settings = runtime.settings
    try:
        result, error, state = job.run(runtime), "", "ok"
    except Exception as err:  # noqa: BLE001 - recorded, retried and reported below
        log.exception("scheduled job %s failed (attempt %s)", name, attempt)
        result, error, state = {}, f"{type(err).__name__}: {err}"[:2000], "failed"
    seconds = round(time.perf_counter() - started, 3)
    retry_in = (
        settings.job_retry_delay * 4**attempt
        if state == "failed" and attempt < settings.job_retries
        else None
    )
    retry_at = utcnow() + timedelta(seconds=retry_in) if retry_in else None
    with runtime.factory() as session, session.begin():
        job_runs.finish(session, run_id, state=state, result=result | {"seconds": seconds}, error=error,
                        retry_at=retry_at)  # fmt: skip
        audit.record(session, actor=by, role=role, action="job.run", object_type="job", object_id=name, client=client,
                     result="ok" if state == "ok" else "failed",
                     details={"slot": slot, "attempt": attempt, "seconds": seconds, "error": error[:300]})  # fmt: skip
        if state == "failed" and retry_in is None:
            notify(session, user_ids=holders(session, ["admin"]), code="notify.job.failed", job=name,
                   attempts=attempt + 1)  # fmt: skip
    metrics.JOB_RUNS.labels(name, state).inc()
    return Outcome(name, state, attempt, result, error, retry_in, run_id)


def register(huey, runtime_of: Callable[[], Runtime]) -> None:  # huey: huey.Huey
    """Put the scheduled jobs, their retries and the notification outbox on the queue's scheduler."""
    from huey import crontab

    settings = runtime_of().settings

    @huey.task(name="scheduled_retry")
    def retry_task(name: str, slot: str, attempt: int) -> str:
        return _attempt(name, slot, attempt)

    def _attempt(name: str, slot: str, attempt: int) -> str:
        outcome = run_job(runtime_of(), name, slot=slot, attempt=attempt)
        if outcome.retry_in is not None:
            retry_task.schedule(args=(name, slot, attempt + 1), delay=outcome.retry_in)
        return outcome.state

    for job in JOBS.values():
        at = utc_time_of_day(getattr(settings, job.setting), settings.timezone)
        if at is None:
            continue

        def fire(name: str = job.name) -> str:
            return _attempt(name, slot_now(), 0)

        huey.periodic_task(crontab(minute=str(at[1]), hour=str(at[0])), name=f"scheduled_{job.name}")(fire)

    every = max(1, settings.notify_interval // 60)

    @huey.periodic_task(crontab(minute=f"*/{every}"), name="deliver_notifications")
    def deliver_task() -> int:
        from workflows.notify import deliver_pending

        return deliver_pending(runtime_of()).sent
