"""Accepted work is finished: interrupted documents are resumed by a re-run, `check --repair`, the worker's
look at start, or a person's retry; a killed ingest leaves no process and no stuck record behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from api.cli import app
from bench.crash import crash_and_recover
from core.db import utcnow
from core.process import identity
from records.models import Document
from tests.api.test_cli_ingest import LICENCE
from tests.ingest import samples
from workflows.capture import ingest_files
from workflows.recovery import pending, resume_interrupted
from workflows.runtime import Runtime

DEAD = f"{identity().split(':')[0]}:999999:1"  # this host, a process that does not run


@pytest.fixture
def cli(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DANGAN_OCR_WORKERS", "2")
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    return runner


def _pdfs(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        samples.write_text_pdf(folder / f"合同{n:03d}.pdf", [*LICENCE, f"合同编号：HT-2026-{n:04d}"])
        for n in range(start, start + count)
    ]


def _states(runtime: Runtime) -> dict[int, str]:
    with runtime.factory() as session:
        return dict(session.execute(select(Document.id, Document.state)).all())


def _leave(runtime: Runtime, state: str, claimed_by: str = DEAD) -> None:
    """Every document as a process killed mid-way left it."""
    with runtime.factory() as session, session.begin():
        session.execute(
            update(Document).values(state=state, claimed_by=claimed_by, archive_no=None, indexed_at=None)
        )


def _capture_only(runtime: Runtime, files: list[Path]) -> None:
    from ingest.receive import receive

    for path in files:
        receive(runtime.factory, runtime.store, runtime.settings, path=path, actor="admin")


@pytest.mark.parametrize("state", ["queued", "processing"])
def test_a_rerun_resumes_what_a_killed_ingest_left_and_says_so(runtime, tmp_path, state):
    files = _pdfs(tmp_path / "in", 3)
    _capture_only(runtime, files)
    _leave(runtime, state)
    results = []
    summary = ingest_files(runtime, files, actor="admin", on_result=results.append)
    assert summary.resumed == 3 and summary.duplicate == 0
    assert {r.status for r in results} == {"resumed"} and all("续办" in r.reason for r in results)
    assert set(_states(runtime).values()) == {"indexed"}
    with runtime.factory() as session:
        numbers = sorted(session.scalars(select(Document.item_no)))
    assert numbers == [1, 2, 3]  # numbered once each, without gaps


def test_work_a_running_process_holds_is_not_taken_over(runtime, tmp_path):
    files = _pdfs(tmp_path / "in", 1)
    _capture_only(runtime, files)
    _leave(runtime, "processing", claimed_by=identity())  # this process: alive
    summary = ingest_files(runtime, files, actor="admin")
    assert summary.duplicate == 1 and summary.resumed == 0
    assert set(_states(runtime).values()) == {"processing"}


def test_check_reports_unfinished_work_as_pending_and_repair_finishes_it(cli, runtime, tmp_path):
    files = _pdfs(tmp_path / "in", 2)
    _capture_only(runtime, files)
    _leave(runtime, "queued")
    found = cli.invoke(app, ["check", "--json"])
    report = json.loads(found.stdout)
    assert found.exit_code == 0 and report["clean"] is False
    assert [p["state"] for p in report["pending"]] == ["queued", "queued"]
    assert all(p["orphaned"] and p["age_seconds"] >= 0 for p in report["pending"])
    repaired = cli.invoke(app, ["check", "--repair", "--json"])
    assert json.loads(repaired.stdout)["repaired"]["resumed"] == 2
    after = json.loads(cli.invoke(app, ["check", "--json"]).stdout)
    assert after["clean"] is True and after["pending"] == [] and after["indexed"] == 2, json.dumps(after)


class FailingDownloads:
    """The real store, except that reading fails (an outage the real server cannot be made to give on cue)."""

    def __init__(self, real):
        self.real = real

    def download(self, *args, **kwargs):
        raise ConnectionError("object store unreachable")

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_failure_by_outage_is_retried_later_with_backoff_then_by_a_person(runtime, cli, tmp_path):
    from workflows.filing import process_and_index

    (path,) = _pdfs(tmp_path / "in", 1)
    _capture_only(runtime, [path])
    (document_id,) = _states(runtime)
    broken = Runtime(runtime.settings, ocr_pool=runtime.ocr_map())
    broken.__dict__["store"] = FailingDownloads(runtime.store)
    with pytest.raises(ConnectionError):
        process_and_index(broken, document_id=document_id, actor="admin")
    broken.close()
    with runtime.factory() as session:
        doc = session.get_one(Document, document_id)
        assert doc.state == "failed" and doc.attempts == 1
        assert timedelta(seconds=50) < doc.retry_at - utcnow() <= timedelta(seconds=60)
    assert resume_interrupted(runtime) == []  # not due yet
    with runtime.factory() as session, session.begin():
        session.execute(update(Document).values(retry_at=utcnow() - timedelta(seconds=1)))
    assert [r.state for r in resume_interrupted(runtime)] == ["indexed"]
    # A failure for good (no retry_at) waits for a person.
    with runtime.factory() as session, session.begin():
        session.execute(update(Document).values(state="failed", retry_at=None, error="x"))
        assert [p.document_id for p in pending(session, lease_seconds=900)] == []
    retried = cli.invoke(app, ["documents", "retry", str(document_id), "--json"])
    assert retried.exit_code == 0, retried.output
    assert json.loads(retried.stdout)["state"] == "indexed"
    again = cli.invoke(app, ["documents", "retry", str(document_id)])
    assert again.exit_code == 1 and "无需重试" in again.output


def test_the_worker_resumes_at_start(runtime, tmp_path):
    from workflows.jobs import start_resuming

    files = _pdfs(tmp_path / "in", 2)
    _capture_only(runtime, files)
    _leave(runtime, "processing")
    resuming = start_resuming(runtime)
    resuming.join(timeout=600)  # returns when done; the cap is for a hang only (two OCR'd files on a busy CI)
    assert not resuming.is_alive()
    assert set(_states(runtime).values()) == {"indexed"}


# --- real kills ------------------------------------------------------------------------------------------


def _env(settings, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGAN_")}
    env |= {"DANGAN_HOME": str(settings.home), "DANGAN_OCR_WORKERS": "2", **extra}
    if settings.database_url:
        env["DANGAN_DATABASE_URL"] = settings.database_url
    return env


def _dangan(*args: str, env: dict[str, str]) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("dangan")
    return subprocess.Popen(
        [str(exe), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True
    )


def _descendants_gone(pids: set[int], timeout: float = 15.0) -> set[int]:
    deadline = time.monotonic() + timeout
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {
            p for p in alive if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE
        }
        time.sleep(0.2)
    return alive


@pytest.mark.slow
def test_killing_only_the_main_process_ends_its_ocr_workers_and_tesseract(settings, tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    for n in range(4):
        samples.save_png(samples.render_page([*LICENCE, f"第{n}页"]), folder / f"scan{n}.png")
    env = _env(settings)
    subprocess.run(
        [str(Path(sys.executable).with_name("dangan")), "init"], env=env, check=True, capture_output=True
    )
    process = _dangan("ingest", str(folder), "--json", env=env)
    main = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    children: set[int] = set()
    while time.monotonic() < deadline and not any("tesseract" in c.name() for c in _safe_children(main)):
        time.sleep(0.1)
    children = {c.pid for c in _safe_children(main)}
    assert children, "the ingest started no worker"
    os.kill(process.pid, signal.SIGKILL)  # the main process only, not its group
    process.wait(timeout=10)
    assert _descendants_gone(children) == set()


def _safe_children(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


@pytest.mark.slow
def test_ingests_killed_at_random_moments_leave_nothing_stuck(settings, tmp_path):
    outcome = crash_and_recover(settings, tmp_path, rounds=15, seed=17)  # Broken at the first bad round
    assert outcome.rounds == 15
    assert outcome.interrupted, "no kill landed while documents were on their way: the harness proved nothing"


@pytest.mark.slow
@pytest.mark.s3
def test_ingests_killed_at_random_moments_leave_nothing_stuck_on_s3(
    settings, tmp_path, s3_server, new_s3_bucket_name
):
    s3 = {f"DANGAN_{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v)
          for k, v in s3_server.settings(new_s3_bucket_name()).items()}  # fmt: skip
    outcome = crash_and_recover(settings, tmp_path, rounds=12, seed=18, extra_env=s3)
    assert outcome.rounds == 12
    assert outcome.interrupted, "no kill landed while documents were on their way: the harness proved nothing"


def test_check_lists_a_killed_runs_stray_searchable_pdf_and_repair_removes_it(cli, runtime, tmp_path):
    import io

    young = runtime.store.put_stream(io.BytesIO(b"%PDF-1.7 young"), kind="derivative")
    old = runtime.store.put_stream(io.BytesIO(b"%PDF-1.7 left by a killed run"), kind="derivative")
    stale = time.time() - 3600
    os.utime(runtime.settings.objects_dir / old.key, (stale, stale))
    report = json.loads(cli.invoke(app, ["check", "--json"]).stdout)
    assert report["stray_objects"] == [old.key] and report["clean"] is False
    repaired = json.loads(cli.invoke(app, ["check", "--repair", "--json"]).stdout)
    assert repaired["repaired"]["swept"] >= 1
    assert not runtime.store.exists(old.key) and runtime.store.exists(
        young.key
    )  # one that may be filed stays
    assert json.loads(cli.invoke(app, ["check", "--json"]).stdout)["clean"] is True


def test_retrying_a_filed_but_unindexed_document_keeps_its_archive_number(cli, runtime, tmp_path):
    files = _pdfs(tmp_path / "in", 1)
    ingest_files(runtime, files, actor="admin")
    with runtime.factory() as session, session.begin():
        doc = session.scalars(select(Document)).one()
        number, document_id = doc.archive_no, doc.id
        doc.state, doc.claimed_by = "filed", DEAD  # killed between filing and indexing
    retried = cli.invoke(app, ["documents", "retry", str(document_id), "--json"])
    assert retried.exit_code == 0, retried.output
    with runtime.factory() as session:
        doc = session.get_one(Document, document_id)
        assert (doc.state, doc.archive_no, doc.item_no) == ("indexed", number, 1)  # filed once, numbered once
