"""Backup, restore and fixity against a real S3 server (SeaweedFS) that is stopped and restarted mid-run:
retried with backoff, resumable, nothing half-written; and a backup kept in an S3 bucket."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import pytest
from pydantic import SecretStr

from core.errors import StorageUnavailable
from core.settings import Settings
from storage.models import OperationRun
from tests.api.world import build_world
from tests.retention.conftest import add_record
from tests.support import s3server
from workflows.backup import run_backup, target_for
from workflows.backup_place import COMPLETE, generations
from workflows.backup_verify import verify_backup
from workflows.fixity import run_fixity
from workflows.restore import run_restore
from workflows.runtime import Runtime
from workflows.setup import initialise

pytestmark = pytest.mark.s3


@pytest.fixture
def own_server():
    """A SeaweedFS of this test's own, so stopping it disturbs nobody else's tests."""
    server = s3server.start_s3_server()
    yield server
    s3server.stop_s3_server(server)


def stop(server) -> None:
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(10)


def start(server) -> None:
    """The same server again: same ports, same data, same credentials (a port still closing: try again)."""
    for attempt in range(5):
        with (server.workdir / "weed.log").open("ab") as log:
            server.process = subprocess.Popen(
                s3server._command(server.workdir, server.ports, server.workdir / "s3.json"),
                # No parent-death signal: it follows the *thread* that started the process (a Timer's), and
                # would kill the server as that thread ends; the fixture stops it by PID.
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=server.workdir,
            )  # fmt: skip
        try:
            s3server._wait_ready(server, 60)
            return
        except RuntimeError:
            if server.process.poll() is None:
                server.process.kill()
                server.process.wait(10)
            if attempt == 4:
                raise
            time.sleep(1)


def ensure_up(server) -> None:
    """The server answers (a restart that failed on a loaded machine is tried again from here)."""
    if server.process.poll() is not None:
        start(server)
    s3server._wait_ready(server, 60)


@pytest.fixture
def s3_archive(settings, own_server, ocr_pool):
    """An archive whose objects are in own_server, with three records."""
    s3 = Settings(**(settings.model_dump() | own_server.settings("archive")), _env_file=None)
    rt = Runtime(s3, ocr_pool=ocr_pool)
    initialise(rt)
    world = build_world(None, rt)
    for n in range(3):
        add_record(world, title=f"函件{n}")
    yield rt
    rt.close()


def _more(runtime, count: int) -> None:
    """More objects, so that copies are still queued when the server stops."""
    import io
    import os

    for _ in range(count):
        runtime.store.put_stream(io.BytesIO(os.urandom(64 * 1024)), kind="original")


def _outage_after_first(server, seconds: float):
    """An on_object callback that stops the server at the first object and starts it `seconds` later."""
    fired = threading.Event()

    def on_object(_key: str) -> None:
        if fired.is_set():
            return
        fired.set()
        stop(server)
        timer = threading.Timer(seconds, start, args=(server,))
        fired.timer = timer  # type: ignore[attr-defined]
        timer.start()

    return fired, on_object


def test_backup_rides_out_a_restart_of_the_archives_s3_server(s3_archive, own_server, tmp_path):
    fired, on_object = _outage_after_first(own_server, 3.0)
    report = run_backup(s3_archive, dest=str(tmp_path / "backup"), actor="admin", on_object=on_object)
    assert fired.is_set() and report.copied == report.objects
    assert verify_backup(target_for(s3_archive.settings, str(tmp_path / "backup"))).ok


def test_a_backup_that_gives_up_is_marked_interrupted_and_the_next_run_copies_the_rest(
    s3_archive, own_server, tmp_path
):
    _more(s3_archive, 30)
    s3_archive.settings.storage_retry_seconds = 1
    fired, on_object = _outage_after_first(own_server, 8.0)
    dest = tmp_path / "backup"
    with pytest.raises(StorageUnavailable):
        run_backup(s3_archive, dest=str(dest), actor="admin", on_object=on_object)
    fired.timer.join()  # type: ignore[attr-defined]
    ensure_up(own_server)  # the server is back
    with s3_archive.factory() as session:
        runs = session.query(OperationRun).order_by(OperationRun.id).all()
        assert runs[-1].state == "interrupted" and runs[-1].error
    complete, unfinished = generations(target_for(s3_archive.settings, str(dest)))
    assert complete == [] and not list(dest.rglob(COMPLETE))
    assert not list(dest.rglob(".part-*"))  # nothing half-written
    s3_archive.settings.storage_retry_seconds = 60
    again = run_backup(s3_archive, dest=str(dest), actor="admin")
    assert 0 < again.copied < again.objects  # what the first run copied is not copied again
    assert verify_backup(target_for(s3_archive.settings, str(dest))).ok


def test_backup_to_an_s3_bucket_on_another_server_verifies_and_restores_after_an_outage(
    s3_archive, own_server, s3_server, settings, tmp_path, ocr_pool, new_s3_bucket_name
):
    backup_settings = {
        "backup_s3_endpoint": s3_server.endpoint, "backup_s3_access_key": s3_server.access_key,
        "backup_s3_secret_key": SecretStr(s3_server.secret_key), "backup_passphrase": SecretStr("passphrase"),
    }  # fmt: skip
    for name, value in backup_settings.items():
        setattr(s3_archive.settings, name, value)
    dest = f"s3://{new_s3_bucket_name()}/dangan/monthly"
    report = run_backup(s3_archive, dest=dest, actor="admin")
    assert report.keyring == "sealed" and verify_backup(target_for(s3_archive.settings, dest)).ok
    # Restore into an empty archive whose objects go to an empty bucket of own_server, which restarts meanwhile.
    from tests.operations.conftest import emptied

    target = Runtime(
        emptied(s3_archive.settings, tmp_path / "restored", s3_bucket="restored"), ocr_pool=ocr_pool
    )
    try:
        fired, on_object = _outage_after_first(own_server, 3.0)
        restored = run_restore(target, source=dest, login="admin", on_object=on_object)
        assert fired.is_set() and restored.ok and restored.corrupt == [] and restored.indexed == 3
        # Fixity rides out a restart too.
        fired.timer.join()  # type: ignore[attr-defined]
        ensure_up(own_server)
        stop(own_server)
        threading.Timer(3.0, start, args=(own_server,)).start()
        checked = run_fixity(target, actor="admin", everything=True)
        assert checked.ok and checked.checked >= report.objects
    finally:
        target.close()
