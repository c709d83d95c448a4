"""Background jobs on huey: SQLite-backed by default, Redis for many workers, immediate in tests."""

from __future__ import annotations

import logging
import threading

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from workflows.filing import process_and_index
from workflows.recovery import resume_interrupted
from workflows.runtime import Runtime
from workflows.scheduled import register as register_scheduled

log = logging.getLogger(__name__)


# The runtime a worker process uses; set by `build_queue` (each process builds its own).
_runtime: Runtime | None = None


def build_queue(runtime: Runtime) -> Huey:
    """The job queue for these settings, with our tasks registered on it."""
    global _runtime
    _runtime = runtime
    settings = runtime.settings
    if settings.queue_backend == "redis":
        huey: Huey = RedisHuey(settings.queue_name, url=settings.redis_url)
    elif settings.queue_backend == "immediate":
        huey = MemoryHuey(settings.queue_name, immediate=True)
    else:
        settings.home.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(settings.queue_name, filename=str(settings.queue_path))

    @huey.task(retries=2, retry_delay=5, name="process_document")
    def process_task(
        document_id: int, actor: str, customer: str | None = None, doc_type: str | None = None
    ) -> str:
        assert _runtime is not None
        result = process_and_index(
            _runtime, document_id=document_id, actor=actor, customer=customer, doc_type=doc_type
        )
        log.info("document %s: %s", document_id, result.state)
        return result.state

    # Interrupted and failed-but-retryable documents, looked for on a schedule (workflows.recovery); a
    # worker also looks once when it starts (start_resuming).
    minutes = max(1, settings.resume_interval // 60)

    @huey.periodic_task(crontab(minute=f"*/{minutes}"), name="resume_interrupted")
    def resume_task() -> int:
        assert _runtime is not None
        return len(resume_interrupted(_runtime))

    # --- scheduled jobs and the notification outbox (issue 14: workflows.scheduled); overdue loans are
    # reminded by its daily `reminders` job (DANGAN_SCHEDULE_REMINDERS), each run with its job_run record ---
    register_scheduled(huey, lambda: _runtime)  # type: ignore[arg-type, return-value]
    # --- backup and fixity (issue 14): the monthly backup (POL-6) and the nightly fixity slice (FIX-3) ---
    register_operations(huey, settings)

    huey.dangan_process = process_task  # type: ignore[attr-defined]
    return huey


def cron(expression: str) -> crontab:
    """A huey crontab from `minute hour day month weekday`."""
    minute, hour, day, month, weekday = expression.split()
    return crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday)


def register_operations(huey: Huey, settings) -> None:  # type: ignore[no-untyped-def]
    """The scheduled backup (when DANGAN_BACKUP_DEST is set) and the fixity slice, each run recorded."""
    from core.job_runs import run_recorded

    @huey.periodic_task(cron(settings.backup_schedule), retries=3, retry_delay=600, name="scheduled_backup")
    def backup_task() -> dict:
        return scheduled_backup()

    @huey.periodic_task(cron(settings.fixity_schedule), retries=2, retry_delay=600, name="fixity_slice")
    def fixity_task() -> dict:
        assert _runtime is not None
        from workflows.fixity import run_fixity

        runtime = _runtime
        report = run_recorded(
            runtime.factory, "fixity_slice", lambda: run_fixity(runtime, actor="system"), _fixity_summary
        )
        return _fixity_summary(report)

    huey.dangan_backup = backup_task  # type: ignore[attr-defined]
    huey.dangan_fixity = fixity_task  # type: ignore[attr-defined]


def scheduled_backup() -> dict:
    """The scheduled backup to DANGAN_BACKUP_DEST, keeping DANGAN_BACKUP_KEEP generations (none when unset)."""
    assert _runtime is not None
    from core.job_runs import run_recorded
    from workflows.backup import run_backup

    runtime = _runtime
    dest = runtime.settings.backup_dest
    if not dest:
        return {"skipped": "DANGAN_BACKUP_DEST is not set"}
    report = run_recorded(
        runtime.factory,
        "scheduled_backup",
        lambda: run_backup(runtime, dest=dest, actor="system"),
        lambda r: {"id": r.run_id, "generation": r.generation, "objects": r.objects, "copied": r.copied},
    )
    return {"id": report.run_id, "generation": report.generation}


def _fixity_summary(report) -> dict:  # type: ignore[no-untyped-def]
    return {"id": report.run_id, "checked": report.checked, "passed": report.passed,
            "changed": len(report.changed), "missing": len(report.missing),
            "quarantined": len(report.quarantined), "repaired": len(report.repaired)}  # fmt: skip


def start_resuming(runtime: Runtime) -> threading.Thread:
    """Resume what a previous run left unfinished, in a thread of its own (start-up does not wait for it)."""

    def run() -> None:
        try:
            resumed = resume_interrupted(runtime)
        except Exception:  # noqa: BLE001 - the periodic task tries again
            log.exception("resuming interrupted documents at start failed")
            return
        if resumed:
            log.info("resumed %d documents left unfinished", len(resumed))

    thread = threading.Thread(target=run, name="resume-interrupted", daemon=True)
    thread.start()
    return thread
