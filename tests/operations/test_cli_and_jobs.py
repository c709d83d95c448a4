"""`dangan backup | backup verify | restore | fixity` on the command line (admins, audited, JSON with the run's
id, exit status), the scheduled jobs on the queue, and the crash harness killing a backup and a restore."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from core.job_runs import JobRun, last_runs
from storage.models import OperationRun


@pytest.fixture
def cli(monkeypatch, runtime):
    monkeypatch.setenv("DANGAN_HOME", str(runtime.settings.home))
    if runtime.settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("DANGAN_OCR_WORKERS", "1")
    return CliRunner()


def test_backup_verify_and_fixity_on_the_command_line(cli, world, records, tmp_path):
    dest = tmp_path / "backup"
    made = cli.invoke(app, ["backup", str(dest), "--json"])
    assert made.exit_code == 0, made.stderr
    report = json.loads(made.stdout)
    assert report["id"] == report["run_id"] and report["copied"] == report["objects"]
    assert "DANGAN_BACKUP_PASSPHRASE" in made.stderr  # the key ring was left out, and it says so
    assert cli.invoke(app, ["backup", "verify", str(dest)]).exit_code == 0
    copy = next(p for p in (dest / "objects").rglob("*") if p.is_file())
    copy.chmod(0o644)
    copy.write_bytes(b"x" * copy.stat().st_size)
    failed = cli.invoke(app, ["backup", "verify", str(dest), "--json"])
    assert (
        failed.exit_code == 1
        and json.loads(failed.stdout)["corrupt"][0]["path"] == copy.relative_to(dest).as_posix()
    )
    assert "校验未通过" in failed.stderr and "failed verification" in failed.stderr
    fine = cli.invoke(app, ["fixity", "--all", "--json"])
    assert fine.exit_code == 0 and json.loads(fine.stdout)["ok"] is True
    with world.runtime.factory() as session:
        kinds = set(session.scalars(select(OperationRun.kind)))
    assert kinds == {"backup", "fixity"}


def test_only_admins_may_back_up_or_run_fixity(cli, world, tmp_path):
    for args in (["backup", str(tmp_path / "b")], ["fixity"], ["backup", "verify", str(tmp_path / "b")]):
        refused = cli.invoke(app, [*args, "--user", "alice"])
        assert refused.exit_code == 2 and "admin" in refused.stderr
    assert not (tmp_path / "b").exists()


def test_restore_on_the_command_line_reports_and_exits_zero(cli, world, records, tmp_path, monkeypatch):
    dest = tmp_path / "backup"
    assert cli.invoke(app, ["backup", str(dest)]).exit_code == 0
    home = tmp_path / "fresh"
    (home / "secrets").mkdir(parents=True)
    (home / "secrets" / "audit.key").write_bytes(world.runtime.settings.audit_key_path.read_bytes())
    monkeypatch.setenv("DANGAN_HOME", str(home))
    monkeypatch.delenv("DANGAN_DATABASE_URL", raising=False)
    if world.runtime.settings.database_url:
        pytest.skip("a PostgreSQL dump restores into PostgreSQL (tests/operations/test_backup_restore.py)")
    done = cli.invoke(app, ["restore", str(dest), "--json"])
    assert done.exit_code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["id"] and report["indexed"] == 3
    again = cli.invoke(app, ["restore", str(dest)])
    assert again.exit_code == 1 and "不是空的" in again.stderr and "not empty" in again.stderr


def test_the_scheduled_jobs_are_on_the_queue_and_record_their_runs(runtime, records, tmp_path):
    from workflows.jobs import build_queue, scheduled_backup

    huey = build_queue(runtime)
    assert {"scheduled_backup", "fixity_slice"} <= {t.name for t in huey._registry.periodic_tasks}
    assert scheduled_backup() == {"skipped": "DANGAN_BACKUP_DEST is not set"}
    runtime.settings.backup_dest = str(tmp_path / "monthly")
    done = scheduled_backup()
    huey.dangan_fixity.call_local()
    with runtime.factory() as session:
        runs = last_runs(session)
        assert runs["scheduled_backup"].state == "ok" and runs["scheduled_backup"].result["id"] == done["id"]
        assert runs["fixity_slice"].state == "ok" and runs["fixity_slice"].result["checked"] > 0
        assert session.scalar(select(OperationRun.state).where(OperationRun.id == done["id"])) == "complete"
        assert len(session.scalars(select(JobRun)).all()) == 2


def test_the_admin_api_shows_the_last_backup_and_whats_in_quarantine(client, tmp_path):
    from tests.api.world import build_world
    from tests.retention.conftest import add_record
    from workflows.backup import run_backup
    from workflows.fixity import run_fixity

    world = build_world(client.app, client.app.state.runtime)
    runtime = world.runtime
    doc = add_record(world, title="函件")
    run_backup(runtime, dest=str(tmp_path / "b"), actor="admin")
    from records.models import Document

    with runtime.factory() as session:
        key = session.get_one(Document, doc).object_key
    (runtime.settings.objects_dir / key).unlink()
    run_fixity(runtime, actor="admin", everything=True)
    token = world.tokens["admin"]
    got = client.get("/api/admin/fixity", headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200
    assert [(q["key"], q["result"], q["document_id"]) for q in got.json()["quarantined"]] == [
        (key, "missing", doc)
    ]
    backups = client.get("/api/admin/backups", headers={"Authorization": f"Bearer {token}"}).json()
    assert backups["last"]["state"] == "complete" and backups["last"]["copied"] >= 2


def test_killed_backups_and_restores_finish_when_run_again(settings, tmp_path):
    from bench.crash import crash_backup_and_restore

    if settings.database_url:
        pytest.skip("the restore rounds restore into SQLite homes")
    outcome = crash_backup_and_restore(settings, tmp_path, rounds=3, seed=14)
    assert outcome.backups == outcome.restores == 3
