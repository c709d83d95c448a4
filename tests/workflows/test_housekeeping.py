"""`dangan init` (and every start) clears what a crashed process left half-written, and nothing else."""

from __future__ import annotations

import os
import time

from storage.filesystem import INCOMING
from tests.ingest import samples
from workflows.setup import initialise


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_start_removes_stale_temporary_files_and_work_folders_but_keeps_live_ones_and_objects(
    tmp_path, runtime
):
    pdf = samples.write_text_pdf(tmp_path / "kept.pdf", [["关于合同续签事宜的函，请贵公司确认续签安排。"]])
    stored = runtime.store.put_file(pdf, kind="original")
    incoming = runtime.settings.objects_dir / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    stale_temp, live_temp = incoming / ".incoming-dead", incoming / ".incoming-live"
    stale_temp.write_bytes(b"half an upload")
    live_temp.write_bytes(b"an upload going on")
    _age(stale_temp, 13)
    stale_work = runtime.settings.home / "tmp" / "crashed-run"
    (stale_work / "pages").mkdir(parents=True)
    (stale_work / "pages" / "page-000001.pdf").write_bytes(b"%PDF")
    _age(stale_work, 13)

    initialise(runtime)

    assert not stale_temp.exists() and not stale_work.exists()
    assert live_temp.exists()
    assert runtime.store.exists(stored.key)
