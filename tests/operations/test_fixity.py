"""Fixity (FIX-3, FIX-4): objects re-hashed on a cycle, failures quarantined, reads refused, audited, repaired
from a backup copy that verifies; and `dangan check` comparing the store with the database."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.db import utcnow
from records.models import Document
from storage.fixity import ObjectQuarantined, due_for_check
from storage.models import ObjectCheck
from workflows.backup import run_backup
from workflows.checking import check_archive
from workflows.fixity import run_fixity
from workflows.reading import original_view, read_document


def _tamper(runtime, key: str, data: bytes = b"tampered") -> None:
    path = runtime.settings.objects_dir / key
    path.chmod(0o644)
    path.write_bytes(data)


def _original(world, doc_id: int):
    return read_document(world.runtime.factory, user_id=world.users["alice"], document_id=doc_id,
                         action="download", client="", show=original_view)  # fmt: skip


def _key(runtime, doc_id: int) -> str:
    with runtime.factory() as session:
        return session.get_one(Document, doc_id).object_key


def test_a_changed_object_is_quarantined_audited_refused_and_repaired_from_the_backup(
    world, records, tmp_path
):
    runtime = world.runtime
    run_backup(runtime, dest=str(tmp_path / "backup"), actor="admin")
    key = _key(runtime, records[0])
    _tamper(runtime, key)
    report = run_fixity(runtime, actor="admin", everything=True)
    assert report.changed == [{"key": key, "expected": key.rsplit("/", 1)[1],
                               "actual": __import__("hashlib").sha256(b"tampered").hexdigest()}]  # fmt: skip
    assert report.quarantined == [key] and report.passed == report.checked - 1 and not report.ok
    with pytest.raises(ObjectQuarantined) as refused:
        _original(world, records[0])
    assert (
        refused.value.status_code == 409
        and "隔离" in refused.value.both()
        and "quarantined" in refused.value.both()
    )
    with runtime.factory() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "fixity.failed")).all()
        assert [e.object_id for e in events] == [key]
    repaired = run_fixity(runtime, actor="admin", repair_from=str(tmp_path / "backup"))
    assert repaired.repaired == [key] and repaired.quarantined == []
    assert runtime.store.verify(key)
    assert _original(world, records[0])[0] == key
    with runtime.factory() as session:
        row = session.get_one(ObjectCheck, key)
        assert row.quarantined_at is None and row.repaired_at is not None and row.result == "passed"


def test_a_missing_object_is_reported_missing_and_a_stray_one_unexpected(world, records):
    runtime = world.runtime
    gone = _key(runtime, records[1])
    (runtime.settings.objects_dir / gone).unlink()
    stray = runtime.store.put_stream(io.BytesIO(b"%PDF-1.4 nobody's"), kind="original")
    old = time.time() - 3 * 86400
    os.utime(runtime.settings.objects_dir / stray.key, (old, old))
    report = run_fixity(runtime, actor="admin", everything=True)
    assert report.missing == [gone] and report.unexpected == [stray.key] and report.quarantined == [gone]
    with pytest.raises(ObjectQuarantined):
        _original(world, records[1])


def test_a_copy_in_the_backup_that_does_not_verify_is_not_used(world, records, tmp_path):
    runtime = world.runtime
    dest = tmp_path / "backup"
    run_backup(runtime, dest=str(dest), actor="admin")
    key = _key(runtime, records[0])
    _tamper(runtime, key)
    copy = dest / "objects" / key
    copy.chmod(0o644)
    copy.write_bytes(b"also rotten")
    report = run_fixity(runtime, actor="admin", everything=True, repair_from=str(dest))
    assert report.repaired == [] and report.not_repaired[0]["key"] == key
    assert report.not_repaired[0]["reason"].startswith("copy_corrupt") and report.quarantined == [key]


def test_tonights_slice_takes_the_never_checked_first_and_covers_the_cycle(runtime):
    now = utcnow()
    keys = [f"originals/00/00/{n:064x}" for n in range(10)]
    with runtime.factory() as session, session.begin():
        for n, key in enumerate(keys[:8]):
            session.add(ObjectCheck(key=key, checked_at=now - timedelta(days=n), result="passed"))
    with runtime.factory() as session:
        # Two never checked, three last checked a cycle ago or more: all five tonight, the never-checked first.
        assert due_for_check(session, keys, cycle_days=5, now=now) == [
            keys[8],
            keys[9],
            keys[7],
            keys[6],
            keys[5],
        ]
        # Nothing overdue: the share, never-checked first.
        assert due_for_check(session, keys, cycle_days=10, now=now) == [keys[8]]
        assert due_for_check(session, keys[:5], cycle_days=10, now=now) == [keys[4]]


def test_a_nightly_slice_checks_a_share_and_records_each_objects_last_check(world, records):
    runtime = world.runtime
    runtime.settings.fixity_cycle_days = 3
    first = run_fixity(runtime, actor="system")
    second = run_fixity(runtime, actor="system")
    with runtime.factory() as session:
        checked = session.scalars(select(ObjectCheck.key)).all()
    # Six objects over a three-day cycle: two a night, each night others.
    assert first.checked == second.checked == 2 and len(checked) == 4


def test_check_names_missing_and_resized_objects_orphans_and_number_gaps(world, records, tmp_path):
    runtime = world.runtime
    from access.models import User
    from records.models import ArchiveSeries

    missing = _key(runtime, records[0])
    (runtime.settings.objects_dir / missing).unlink()
    orphan = runtime.store.put_stream(io.BytesIO(b"%PDF-1.4 orphan"), kind="original")
    old = time.time() - 3 * 86400
    os.utime(runtime.settings.objects_dir / orphan.key, (old, old))
    with runtime.factory() as session, session.begin():
        session.add(ArchiveSeries(key="A001-KH·2020-D10-XS-#", last_item=2))
    with runtime.factory() as session:
        admin = session.scalar(select(User).where(User.login == "admin"))
        _ = admin.role_label
        session.expunge(admin)
    found = check_archive(runtime, actor=admin)
    assert found.damaged
    assert [(p.key, p.problem) for p in found.object_problems] == [(missing, "missing")]
    assert found.orphans == [orphan.key]
    assert [(g.series, g.missing) for g in found.number_gaps] == [("A001-KH·2020-D10-XS-#", [1, 2])]
    assert found.quarantined == [missing]
    runtime.settings.backup_dest = None


def test_check_repair_puts_a_missing_object_back_from_the_backup(world, records, tmp_path):
    from access.models import User

    runtime = world.runtime
    runtime.settings.backup_dest = str(tmp_path / "backup")
    run_backup(runtime, dest=runtime.settings.backup_dest, actor="admin")
    missing = _key(runtime, records[2])
    (runtime.settings.objects_dir / missing).unlink()
    with runtime.factory() as session:
        admin = session.scalar(select(User).where(User.login == "admin"))
        _ = admin.role_label
        session.expunge(admin)
    found = check_archive(runtime, actor=admin, repair=True)
    assert found.restored == [missing] and found.object_problems == [] and found.quarantined == []
    assert runtime.store.verify(missing) and not found.damaged
