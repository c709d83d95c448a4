"""Backup to a folder, verify, restore into an empty archive (POL-6, PRS-1): objects once by hash, the key
ring sealed or left out, destroyed records destroyed again, the index rebuilt, check and fixity after."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import func, select

from core import audit
from core.errors import Conflict, DanganError
from records.models import Document, Page
from retention.models import RegisterEntry
from tests.retention.conftest import add_record
from tests.retention.helpers import approved_batch, execute
from workflows.backup import run_backup, target_for
from workflows.backup_place import COMPLETE, GENERATIONS, generations
from workflows.backup_verify import verify_backup
from workflows.restore import run_restore
from workflows.trail import stored_checkpoints


def _backup(runtime, dest, **kw):
    return run_backup(runtime, dest=str(dest), actor="admin", **kw)


def test_second_backup_copies_only_what_is_new_and_the_manifest_names_every_object(
    runtime, records, tmp_path
):
    dest = tmp_path / "backup"
    first = _backup(runtime, dest)
    stored = {o.key: o.size for o in runtime.store.list()}
    assert first.copied == first.objects == len(stored) and first.database
    second = _backup(runtime, dest)
    # Only the second backup's own audit checkpoint is new.
    assert second.copied == 1 and second.objects == first.objects + 1
    manifest = (dest / GENERATIONS / second.generation / "manifest-sha256.txt").read_text().splitlines()
    sizes = dict(
        line.split("  ")[::-1]
        for line in (dest / GENERATIONS / second.generation / "sizes.txt").read_text().splitlines()
    )
    assert len(manifest) == second.objects
    for line in manifest:
        sha, path = line.split("  ")
        assert path.endswith(sha) and (dest / path).stat().st_size == int(sizes[path])
    settings_json = json.loads((dest / GENERATIONS / second.generation / "settings.json").read_text())
    assert "s3_secret_key" not in settings_json and "backup_passphrase" not in settings_json
    assert (dest / GENERATIONS / second.generation / COMPLETE).exists()
    assert verify_backup(target_for(runtime.settings, str(dest))).ok


def test_an_incremental_backup_after_new_records_copies_just_them(world, records, tmp_path):
    runtime = world.runtime
    dest = tmp_path / "backup"
    _backup(runtime, dest)
    add_record(world, title="新函件")
    again = _backup(runtime, dest)
    assert again.copied == 3  # the new original, its searchable PDF and the new checkpoint


def test_an_incremental_backup_trusts_the_last_complete_manifest_and_recheck_lists_again(
    runtime, records, tmp_path
):
    dest = tmp_path / "backup"
    _backup(runtime, dest)
    copy = sorted(p for p in (dest / "objects").rglob("*") if p.is_file())[0]
    copy.unlink()  # lost at the backup place after a complete generation named it
    trusting = _backup(runtime, dest)
    # Not listed again: the copy the last manifest names is taken as there; only the new checkpoint is copied,
    # and verify (which reads everything) still finds the loss.
    assert trusting.copied == 1 and not copy.exists()
    found = verify_backup(target_for(runtime.settings, str(dest)))
    assert found.missing == [copy.relative_to(dest).as_posix()]
    rechecked = _backup(runtime, dest, recheck=True)
    assert rechecked.copied == 2 and copy.exists()
    assert verify_backup(target_for(runtime.settings, str(dest))).ok


def test_a_backup_after_an_unfinished_one_lists_the_backup_place(runtime, records, tmp_path):
    dest = tmp_path / "backup"
    first = _backup(runtime, dest)
    copy = sorted(p for p in (dest / "objects").rglob("*") if p.is_file())[0]
    copy.unlink()
    unfinished = dest / GENERATIONS / "99990101T000000000000Z"
    unfinished.mkdir(parents=True)
    (unfinished / "bagit.txt").write_text("BagIt-Version: 0.97\n")
    again = _backup(runtime, dest)
    assert again.copied == 2 and copy.exists() and again.objects == first.objects + 1
    assert verify_backup(target_for(runtime.settings, str(dest))).ok


def test_verify_names_a_changed_and_a_missing_copy(runtime, records, tmp_path):
    dest = tmp_path / "backup"
    report = _backup(runtime, dest)
    copies = sorted(p for p in (dest / "objects").rglob("*") if p.is_file())
    copies[0].chmod(0o644)
    copies[0].write_bytes(b"rot")
    copies[1].unlink()
    found = verify_backup(target_for(runtime.settings, str(dest)), generation=report.generation)
    assert not found.ok
    assert found.missing == [copies[1].relative_to(dest).as_posix()]
    assert found.wrong_size == [copies[0].relative_to(dest).as_posix()]


def test_generations_beyond_keep_are_removed_with_the_objects_only_they_named(world, records, tmp_path):
    runtime = world.runtime
    dest = tmp_path / "backup"
    for _ in range(3):
        _backup(runtime, dest, keep=2)
    complete, unfinished = generations(target_for(runtime.settings, str(dest)))
    assert len(complete) == 2 and unfinished == []
    # The first generation's own checkpoint is named by no kept generation... but every checkpoint stays in the
    # store, so kept generations name it too: nothing the archive holds is pruned.
    assert verify_backup(target_for(runtime.settings, str(dest))).ok


def test_restore_rebuilds_an_empty_archive_that_checks_and_verifies(world, records, tmp_path, restore_into):
    runtime = world.runtime
    dest = tmp_path / "backup"
    _backup(runtime, dest)
    target = restore_into(runtime.settings)
    key_dir = target.settings.audit_key_path.parent
    key_dir.mkdir(parents=True)
    (key_dir / "audit.key").write_text(
        runtime.settings.audit_key_path.read_text()
    )  # kept apart by the operator
    report = run_restore(target, source=str(dest), login="admin")
    assert report.ok and report.keyring == "present" and report.corrupt == []
    assert report.indexed == 3 and report.check["consistent"] and report.fixity["ok"]
    assert report.fixity["checked"] >= report.objects and report.fixity["changed"] == []
    with target.factory() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 3
        assert audit.verify_chain(session, checkpoints=stored_checkpoints(target)).intact
    # Every object back (the restored archive adds checkpoints of its own).
    assert {o.key for o in target.store.list()} >= {o.key for o in runtime.store.list()}


def test_restore_refuses_an_archive_that_is_not_empty_and_changes_nothing(runtime, records, tmp_path):
    dest = tmp_path / "backup"
    _backup(runtime, dest)
    before = sorted(o.key for o in runtime.store.list())
    with pytest.raises(Conflict) as refused:
        run_restore(runtime, source=str(dest), login="admin")
    assert refused.value.code == "restore.database_not_empty" and " / " in refused.value.both()
    assert sorted(o.key for o in runtime.store.list()) == before


def test_restore_without_the_key_ring_is_refused_before_anything_is_written(
    runtime, records, tmp_path, restore_into
):
    dest = tmp_path / "backup"
    _backup(runtime, dest)
    target = restore_into(runtime.settings)
    with pytest.raises(DanganError) as refused:
        run_restore(target, source=str(dest), login="admin")
    assert refused.value.code == "restore.keyring_needed"
    assert not target.settings.objects_dir.exists() or not any(target.store.list())


def test_a_sealed_key_ring_travels_with_the_backup_and_needs_the_passphrase(
    runtime, records, tmp_path, restore_into
):
    from pydantic import SecretStr

    runtime.settings.backup_passphrase = SecretStr("correct horse battery staple")
    dest = tmp_path / "backup"
    report = _backup(runtime, dest)
    sealed = (dest / GENERATIONS / report.generation / "keyring.sealed").read_bytes()
    assert (
        report.keyring == "sealed"
        and runtime.settings.audit_key_path.read_text().split()[-1].encode() not in sealed
    )
    wrong = restore_into(runtime.settings, backup_passphrase=SecretStr("wrong"))
    with pytest.raises(DanganError) as refused:
        run_restore(wrong, source=str(dest), login="admin")
    assert refused.value.code == "backup.keyring_unsealable"
    right = restore_into(runtime.settings)
    restored = run_restore(right, source=str(dest), login="admin")
    assert restored.ok and restored.keyring == "unsealed"
    assert oct(right.settings.audit_key_path.stat().st_mode & 0o777) == "0o600"


def test_restoring_a_backup_older_than_a_destruction_destroys_the_record_again(world, tmp_path, restore_into):
    runtime = world.runtime
    doomed = add_record(world, title="到期函件", text="关于到期续贷的往来函件内容")
    kept = add_record(world, title="保留函件")
    dest = tmp_path / "backup"
    before = _backup(runtime, dest)  # the doomed record is in this backup
    with runtime.factory() as session:
        doomed_keys = [session.get_one(Document, doomed).object_key]
    execute(world, approved_batch(world, [doomed]))
    _backup(runtime, dest)  # keeps the register beside every generation
    assert any((dest / "registers").iterdir())
    target = restore_into(runtime.settings)
    target.settings.audit_key_path.parent.mkdir(parents=True)
    target.settings.audit_key_path.write_text(runtime.settings.audit_key_path.read_text())
    report = run_restore(target, source=str(dest), generation=before.generation, login="admin")
    assert [r["document_id"] for r in report.reapplied] == [doomed]
    assert report.ok
    with target.factory() as session:
        doc = session.get_one(Document, doomed)
        assert doc.state == "destroyed"
        assert session.scalar(select(func.count()).select_from(Page).where(Page.document_id == doomed)) == 0
        assert session.scalar(select(RegisterEntry.document_id)) == doomed
        assert session.get_one(Document, kept).state in ("filed", "indexed")
    assert not any(target.store.exists(k) for k in doomed_keys)


def test_a_completed_batch_writes_its_register_to_the_backup_place_before_any_new_backup(
    world, tmp_path, restore_into
):
    from tests.retention.conftest import TODAY
    from workflows.destruction import run_batch

    runtime = world.runtime
    doomed = add_record(world, title="到期函件")
    dest = tmp_path / "backup"
    runtime.settings = runtime.settings.model_copy(update={"backup_dest": str(dest)})
    before = _backup(runtime, dest)
    batch = approved_batch(world, [doomed])
    report = run_batch(runtime, batch_id=batch, actor_id=world.users["officer"], today=TODAY)
    assert report.state == "destroyed"
    register = json.loads((dest / "registers" / f"batch-{batch}.json").read_text())  # no backup since
    assert [e["document_id"] for e in register["entries"]] == [doomed]
    with runtime.factory() as session:
        kept = session.scalars(
            select(audit.AuditEvent).where(audit.AuditEvent.action == "retention.register.backup")
        ).one()
        assert kept.result == "ok" and kept.object_id == str(batch)
    target = restore_into(runtime.settings)
    target.settings.audit_key_path.parent.mkdir(parents=True)
    target.settings.audit_key_path.write_text(runtime.settings.audit_key_path.read_text())
    restored = run_restore(target, source=str(dest), generation=before.generation, login="admin")
    assert [r["document_id"] for r in restored.reapplied] == [doomed] and restored.ok


def test_backup_to_a_full_disk_stops_with_a_clear_error_and_leaves_no_partial_file(runtime, tmp_path):
    import io
    import subprocess

    runtime.store.put_stream(io.BytesIO(os.urandom(3 * 1024 * 1024)), kind="original")
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(small)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        with pytest.raises(DanganError) as full:
            _backup(runtime, small)
        assert full.value.code == "backup.no_space" and str(small) in full.value.both()
        assert not [p for p in small.rglob(".part-*")]
        assert not (small / GENERATIONS).exists() or not list(small.rglob(COMPLETE))
    finally:
        subprocess.run(["umount", str(small)], check=True)


def test_backup_to_a_read_only_folder_says_so_and_changes_nothing(runtime, records, tmp_path):
    import subprocess

    place = tmp_path / "ro"
    place.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(place)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        with pytest.raises(DanganError) as refused:
            _backup(runtime, place)
        assert refused.value.code == "backup.read_only"
    finally:
        subprocess.run(["umount", str(place)], check=True)
    assert len(list(runtime.store.list())) >= 6  # the archive itself is untouched
