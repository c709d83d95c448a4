"""A SQLite database locked by another process (issue 14, Faults): an ingest, an upload or a backup waits
DANGAN_DATABASE_BUSY_SECONDS, then stops with a clear error in both languages (503 on the API), and leaves
nothing half-written: no document row, no object without a row, no backup generation; once the lock is gone
the same work succeeds."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from core.errors import DatabaseBusy
from records.models import Document
from storage.models import OperationRun
from tests.api.test_cli_ingest import LICENCE
from tests.conftest import make_settings
from tests.ingest import samples
from workflows.backup import run_backup, target_for
from workflows.backup_place import GENERATIONS
from workflows.backup_verify import verify_backup
from workflows.capture import ingest_files

HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
db.execute("CREATE TABLE IF NOT EXISTS lock_holder (x)")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


@pytest.fixture
def settings(tmp_path, database_url):
    if database_url:
        pytest.skip("SQLite's file lock; PostgreSQL has row locks and its own lock_timeout")
    return make_settings(tmp_path / "home", None).model_copy(update={"database_busy_seconds": 0.5})


@contextmanager
def locked_by_another_process(settings) -> Iterator[None]:
    """Another process holds SQLite's exclusive write lock until the block ends."""
    path = settings.resolved_database_url().split("///", 1)[1]
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate("\n", timeout=10)


def _counts(runtime) -> tuple[int, int]:
    with runtime.factory() as session:
        docs = session.scalar(select(func.count()).select_from(Document))
    return docs, sum(1 for _ in runtime.store.list(prefix="originals/"))


def test_an_ingest_while_another_process_locks_the_database_fails_clearly_and_leaves_nothing(
    runtime, tmp_path
):
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    results = []
    with locked_by_another_process(runtime.settings):
        summary = ingest_files(runtime, [pdf], actor="admin", on_result=results.append)
    (result,) = results
    assert summary.failed == 1 and result.status == "failed" and result.document_id is None
    assert "数据库正被另一个进程锁定" in result.reason and "locked by another process" in result.reason
    assert _counts(runtime) == (0, 0)  # neither a row nor an object without its row
    again = ingest_files(runtime, [pdf], actor="admin")
    assert again.ingested == 1 and _counts(runtime) == (1, 1)


def test_a_backup_while_another_process_locks_the_database_stops_clearly_and_writes_nothing(
    runtime, tmp_path
):
    dest = tmp_path / "backup"
    with locked_by_another_process(runtime.settings), pytest.raises(DatabaseBusy) as busy:
        run_backup(runtime, dest=str(dest), actor="admin")
    assert busy.value.status_code == 503 and " / " in busy.value.both()
    assert not (dest / GENERATIONS).exists()
    with runtime.factory() as session:
        assert session.scalar(select(func.count()).select_from(OperationRun)) == 0
    done = run_backup(runtime, dest=str(dest), actor="admin")
    assert verify_backup(target_for(runtime.settings, str(dest)), generation=done.generation).ok


def test_an_upload_while_another_process_locks_the_database_is_a_503_in_both_languages(
    settings, ocr_pool, tmp_path
):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api.world import build_world

    app = create_app(settings, start_worker=False)
    app.state.runtime.ocr_pool = ocr_pool
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    with TestClient(app):
        world = build_world(app, app.state.runtime)
        archivist = world.client("archivist")
        with locked_by_another_process(settings), open(pdf, "rb") as fh:
            answer = archivist.post("/api/documents", files={"file": (pdf.name, fh, "application/pdf")},
                                    headers={"Accept-Language": "en"})  # fmt: skip
        assert answer.status_code == 503
        assert "locked by another process" in str(answer.json())
        assert _counts(app.state.runtime) == (0, 0)
