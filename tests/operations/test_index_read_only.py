"""A read-only index folder (issue 14, Faults): an ingest stops with a clear error in both languages naming the
folder, the document is kept filed (pending; nothing in the store or the numbering is damaged), and `check --repair` indexes it once the folder is
writable again."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from access.models import User
from records.models import Document
from search import IndexUnwritable
from tests.api.test_cli_ingest import LICENCE
from tests.ingest import samples
from workflows.capture import ingest_files
from workflows.checking import check_archive
from workflows.setup import ensure_first_admin


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """The folder mounted read-only over itself (a bind mount: root ignores file modes)."""
    if subprocess.run(["mount", "--bind", str(folder), str(folder)]).returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        if subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)]).returncode != 0:
            pytest.skip("cannot remount read-only here")
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_an_ingest_into_a_read_only_index_folder_says_so_and_keeps_the_document_for_check_repair(
    runtime, tmp_path
):
    first = samples.write_text_pdf(tmp_path / "a.pdf", [LICENCE])
    second = samples.write_text_pdf(tmp_path / "b.pdf", [["借款合同", "合同编号：HT-2024-0099"]])
    ensure_first_admin(runtime, "correct-horse-battery")
    assert ingest_files(runtime, [first], actor="admin").ingested == 1
    folder = runtime.settings.index_dir
    with read_only(folder), pytest.raises(IndexUnwritable) as refused:
        ingest_files(runtime, [second], actor="admin")
    assert refused.value.code == "index.read_only" and str(folder) in refused.value.both()
    assert "不可写" in refused.value.both() and "cannot be written" in refused.value.both()
    with runtime.factory() as session:
        admin = session.scalar(select(User).where(User.login == "admin"))
        _ = admin.role_label
        session.expunge(admin)
        states = sorted((d.state, d.indexed_at is None) for d in session.scalars(select(Document)))
    assert states == [("filed", True), ("indexed", False)]  # kept, waiting for the index
    found = check_archive(runtime, actor=admin)
    assert [p.document_id for p in found.pending] == found.index.missing == [2]
    assert not found.store_damaged  # the store and the numbering are whole; only the index waits
    check_archive(runtime, actor=admin, repair=True)
    with runtime.factory() as session:
        assert all(d.indexed_at is not None for d in session.scalars(select(Document)))
    assert check_archive(runtime, actor=admin).clean
