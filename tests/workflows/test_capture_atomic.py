"""Nothing half-written: no row without its object, no object without its row, after any failure."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import audit
from ingest.receive import receive
from records.models import Document
from tests.api.test_cli_ingest import LICENCE
from tests.ingest import samples


class BrokenStore:
    """The real store, except that writing fails (a fault the real server cannot be made to give on cue)."""

    def __init__(self, real):
        self.real = real

    def put_file(self, *args, **kwargs):
        raise OSError("disk full")

    def __getattr__(self, name):
        return getattr(self.real, name)


def _count(runtime) -> int:
    with runtime.factory() as session:
        return session.scalar(select(func.count()).select_from(Document))


def test_store_failure_leaves_no_row(runtime, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "a.pdf", [LICENCE])
    with pytest.raises(OSError):
        receive(runtime.factory, BrokenStore(runtime.store), runtime.settings, path=pdf, actor="t")
    assert _count(runtime) == 0


def test_database_failure_removes_the_new_object(runtime, tmp_path, monkeypatch):
    pdf = samples.write_text_pdf(tmp_path / "a.pdf", [LICENCE])

    def failing_record(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        receive(runtime.factory, runtime.store, runtime.settings, path=pdf, actor="t")
    assert _count(runtime) == 0
    assert list(runtime.store.list()) == []


def test_rejected_file_leaves_nothing_but_an_audit_event(runtime, tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage without xref")
    got = receive(runtime.factory, runtime.store, runtime.settings, path=bad, actor="t")
    assert got.status == "rejected" and got.reason_code == "input.corrupt_pdf"
    assert _count(runtime) == 0 and list(runtime.store.list()) == []
    with runtime.factory() as session:
        event = session.scalars(select(audit.AuditEvent).order_by(audit.AuditEvent.id.desc())).first()
    assert (event.action, event.result) == ("capture", "rejected")


class FlakyStore:
    """The real store, failing on the first write only (a store outage on one file)."""

    def __init__(self, real):
        self.real, self.failed = real, False

    def put_file(self, *args, **kwargs):
        if not self.failed:
            self.failed = True
            raise OSError("store briefly unreachable")
        return self.real.put_file(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_capture_fault_on_one_file_does_not_end_the_batch(runtime, tmp_path):
    from workflows.capture import ingest_files

    first = samples.write_text_pdf(tmp_path / "a.pdf", [LICENCE])
    second = samples.write_text_pdf(tmp_path / "b.pdf", [[*LICENCE, "副本"]])
    runtime.__dict__["store"] = FlakyStore(runtime.store)
    results = []
    summary = ingest_files(runtime, [first, second], actor="t", on_result=results.append)
    assert [r.status for r in results] == ["failed", "ingested"]
    assert "store briefly unreachable" in results[0].reason and "try again" in results[0].reason
    assert (summary.failed, summary.ingested) == (1, 1)
    assert _count(runtime) == 1
