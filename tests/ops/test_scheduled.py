"""Scheduled jobs on the huey queue: each runs once per slot however many processes fire it, keeps its last
run and result, is retried with a growing delay when it fails, and is reported to the admins at last."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import select

from access.models import Notification
from core import audit
from core.job_runs import JobRun, last_runs
from tests.support.s3server import running_s3_server, unique_bucket_name
from workflows.jobs import build_queue
from workflows.runtime import Runtime
from workflows.scheduled import JOBS, run_job, utc_time_of_day
from workflows.setup import initialise


@pytest.mark.parametrize("name", sorted(JOBS))
def test_each_job_runs_and_keeps_its_last_run_and_result(runtime, name):
    outcome = run_job(runtime, name, slot="2026-03-10T00:30Z")
    assert outcome.state == "ok", outcome.error
    with runtime.factory() as session:
        last = last_runs(session)[name]
        events = [
            e for e in session.scalars(select(audit.AuditEvent).where(audit.AuditEvent.action == "job.run"))
        ]
    assert (last.state, last.attempt, last.failures) == ("ok", 0, 0)
    assert last.last_ok_at is not None and "seconds" in last.result
    assert events[-1].actor == "system" and events[-1].object_id == name


def test_checkpoint_job_writes_a_checkpoint_the_verifier_counts(runtime):
    from workflows.trail import stored_checkpoints

    before = len(stored_checkpoints(runtime))
    assert run_job(runtime, "audit_checkpoint", slot="s1").state == "ok"
    assert len(stored_checkpoints(runtime)) == before + 1


def test_a_slot_fired_by_several_processes_runs_once(runtime):
    outcomes: list[str] = []
    threads = [
        threading.Thread(
            target=lambda: outcomes.append(run_job(runtime, "due_dates", slot="2026-03-10T17:30Z").state)
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "skipped", "skipped", "skipped"]
    with runtime.factory() as session:
        assert session.query(JobRun).count() == 1


def test_a_failing_job_is_retried_with_backoff_then_reported_to_admins(tmp_path, database_url, ocr_pool):
    """The object store is down (a real S3 server, stopped): the checkpoint cannot be written."""
    from core.settings import Settings
    from tests.api.world import build_world
    from tests.support.s3server import stop_s3_server

    with running_s3_server() as server:
        settings = Settings(home=tmp_path / "home", database_url=database_url, queue_backend="immediate",
                            ocr_workers=1, job_retries=2, job_retry_delay=10, _env_file=None,
                            **server.settings(unique_bucket_name()))  # fmt: skip
        runtime = Runtime(settings, ocr_pool=ocr_pool)
        try:
            initialise(runtime)
            world = build_world(None, runtime)
            stop_s3_server(server, keep_workdir=True)
            first = run_job(runtime, "audit_checkpoint", slot="s", attempt=0)
            second = run_job(runtime, "audit_checkpoint", slot="s", attempt=1)
            last = run_job(runtime, "audit_checkpoint", slot="s", attempt=2)
            with runtime.factory() as session:
                shown = last_runs(session)["audit_checkpoint"]
                told = list(
                    session.scalars(select(Notification).where(Notification.code == "notify.job.failed"))
                )
        finally:
            runtime.close()
    assert (first.state, first.retry_in) == ("failed", 10)
    assert (second.state, second.retry_in) == ("failed", 40)
    assert (last.state, last.retry_in) == ("failed", None)
    assert "StorageUnavailable" in last.error or "storage" in last.error.lower()
    assert (shown.state, shown.attempt, shown.failures, shown.last_ok_at) == ("failed", 2, 3, None)
    assert {n.user_id for n in told} == {world.users["admin"]}
    assert told[0].params == {"job": "audit_checkpoint", "attempts": 3}


def test_jobs_fire_on_the_queue_at_their_local_times_and_off_means_never(settings):
    settings = settings.model_copy(update={"queue_backend": "sqlite", "schedule_reminders": "08:30",
                                           "schedule_due_dates": "off"})  # fmt: skip
    runtime = Runtime(settings)
    try:
        huey = build_queue(runtime)
        periodic = {task.name: task for task in huey._registry.periodic_tasks}
    finally:
        runtime.close()
    assert "scheduled_due_dates" not in periodic
    assert {"scheduled_reminders", "scheduled_retention_lock", "scheduled_audit_checkpoint",
            "deliver_notifications"} <= set(periodic)  # fmt: skip
    reminders = periodic["scheduled_reminders"]
    # huey's scheduler runs on UTC: 08:30 in Shanghai is 00:30 UTC
    assert reminders.validate_datetime(datetime(2026, 3, 10, 0, 30))
    assert not reminders.validate_datetime(datetime(2026, 3, 10, 8, 30))


@pytest.mark.parametrize("value", ["25:00", "8.30", "soon"])
def test_a_bad_schedule_time_is_refused_by_name(value):
    from workflows.scheduled import ScheduleInvalid

    with pytest.raises(ScheduleInvalid, match=value):
        utc_time_of_day(value, "Asia/Shanghai")


def test_utc_time_of_day_follows_the_zone():
    assert utc_time_of_day("02:00", "Asia/Shanghai") == (18, 0)
    assert utc_time_of_day("02:00", "UTC") == (2, 0)
    assert utc_time_of_day("off", "UTC") is None
