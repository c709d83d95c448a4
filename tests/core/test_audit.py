"""The audit chain: each event links to the one before; tampering is found and named."""

from __future__ import annotations

import io
import json
import stat
from dataclasses import replace

import pytest
from sqlalchemy import select, text

from core import audit
from core.audit_keys import AuditKeyError, key_id
from core.db import make_engine, make_sessionmaker, utcnow
from tests.support.tamper import append_only_off
from workflows.schema import metadata
from workflows.trail import stored_checkpoints, write_checkpoint


def _events(runtime, n: int) -> None:
    with runtime.factory() as session, session.begin():
        for i in range(n):
            audit.record(session, actor="alice", action="view", object_type="document", object_id=i)


def test_chain_of_new_events_verifies(runtime):
    _events(runtime, 5)
    with runtime.factory() as session:
        report = audit.verify_chain(session)
    assert report.intact and report.checked >= 5


def test_edited_event_is_named(runtime):
    _events(runtime, 5)
    with runtime.factory() as session, session.begin():
        target = session.execute(
            text("SELECT id FROM audit_event ORDER BY id DESC LIMIT 1 OFFSET 2")
        ).scalar()
        with append_only_off(session):
            session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": target})
    with runtime.factory() as session:
        report = audit.verify_chain(session)
    assert not report.intact and report.broken_at == target


def test_deleted_event_breaks_the_next_link(runtime):
    _events(runtime, 5)
    with runtime.factory() as session, session.begin():
        ids = list(session.execute(text("SELECT id FROM audit_event ORDER BY id")).scalars())
        with append_only_off(session):
            session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[-3]})
    with runtime.factory() as session:
        report = audit.verify_chain(session)
    assert not report.intact and report.broken_at == ids[-2]


# --- the keyed chain (issue 17 §4) ---------------------------------------------------------------------


def _rehash_from(session, first_id: int) -> None:
    """What an attacker without the key can do: recompute plain SHA-256 hashes from a row on, reset the head."""
    prev = session.execute(text("SELECT hash FROM audit_event WHERE id < :id ORDER BY id DESC LIMIT 1"),
                           {"id": first_id}).scalar() or audit.GENESIS  # fmt: skip
    for event in session.scalars(
        select(audit.AuditEvent).where(audit.AuditEvent.id >= first_id).order_by(audit.AuditEvent.id)
    ):
        event.prev_hash = prev
        event.hash = audit.event_hash(event)  # no key
        prev = event.hash
    session.flush()
    session.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})


def test_edited_event_with_the_chain_recomputed_without_the_key_is_named(runtime):
    _events(runtime, 5)
    with runtime.factory() as session, session.begin():
        target = session.execute(
            text("SELECT id FROM audit_event ORDER BY id DESC LIMIT 1 OFFSET 2")
        ).scalar()
        with append_only_off(session):
            session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": target})
            session.expire_all()
            _rehash_from(session, target)
    with runtime.factory() as session:
        report = audit.verify_chain(session)
    assert not report.intact and report.broken_at == target and "audit key" in report.reason


def test_whole_chain_rebuilt_without_the_key_is_refused(runtime):
    _events(runtime, 3)
    with runtime.factory() as session, session.begin(), append_only_off(session):
        _rehash_from(session, 1)
    with runtime.factory() as session:
        report = audit.verify_chain(session)
    assert not report.intact and report.broken_at == 1  # the key start, which no one can sign without the key


def test_forged_event_appended_without_the_key_is_named(runtime):
    _events(runtime, 3)
    with runtime.factory() as session, session.begin():
        head = session.get(audit.AuditHead, 1)
        forged = audit.AuditEvent(
            id=head.last_event_id + 1, at=utcnow(), actor="alice", role="", action="document.destroy",
            object_type="document", object_id="7", archive_no="", result="ok", client="", reference="",
            details={}, prev_hash=head.last_hash, hash="",
        )  # fmt: skip
        forged.hash = audit.event_hash(forged)
        session.add(forged)  # PostgreSQL's trigger allows INSERT: the MAC is what refuses it
        session.flush()
        head.last_event_id, head.last_hash = forged.id, forged.hash
        forged_id = forged.id
    with runtime.factory() as session:
        report = audit.verify_chain(session)
    assert not report.intact and report.broken_at == forged_id


def test_truncated_tail_with_the_head_reset_is_named_by_the_checkpoint(runtime):
    _events(runtime, 3)
    checkpoint = write_checkpoint(runtime)
    _events(runtime, 2)
    with runtime.factory() as session, session.begin():
        keep = session.execute(
            text("SELECT id, hash FROM audit_event WHERE id < :id ORDER BY id DESC LIMIT 1"),
            {"id": checkpoint.head_id},
        ).one()
        session.execute(
            text("UPDATE audit_head SET last_event_id = :id, last_hash = :h"), {"id": keep.id, "h": keep.hash}
        )
        with append_only_off(session):
            session.execute(text("DELETE FROM audit_event WHERE id > :id"), {"id": keep.id})
    with runtime.factory() as session:
        assert audit.verify_chain(session).intact  # the database alone cannot tell
        report = audit.verify_chain(session, checkpoints=stored_checkpoints(runtime))
    assert not report.intact and report.checkpoint == checkpoint.name and checkpoint.name in report.reason
    assert report.broken_at == checkpoint.head_id


def test_forged_checkpoint_is_named(runtime):
    _events(runtime, 2)
    real = write_checkpoint(runtime)
    forged = replace(real, head_hash="f" * 64)
    put = runtime.store.put_stream(io.BytesIO(forged.to_json()), kind="checkpoint")
    with runtime.factory() as session:
        report = audit.verify_chain(session, checkpoints=stored_checkpoints(runtime))
    assert not report.intact and report.checkpoint == put.key and "not signed" in report.reason


def test_checkpoints_agree_with_an_intact_chain(runtime):
    _events(runtime, 2)
    write_checkpoint(runtime)
    _events(runtime, 2)
    write_checkpoint(runtime)
    with runtime.factory() as session:
        report = audit.verify_chain(session, checkpoints=stored_checkpoints(runtime))
    assert report.intact and report.checkpoints == 2


def test_key_file_is_private_and_no_key_reaches_the_database(runtime):
    _events(runtime, 1)
    path = runtime.settings.audit_key_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [key] = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    with runtime.factory() as session:
        dump = json.dumps([audit.event_content(e) for e in session.scalars(select(audit.AuditEvent))])
        head = session.get(audit.AuditHead, 1)
    assert key not in dump and head.key_id == key_id(bytes.fromhex(key)) and head.key_id in dump


def test_rotation_is_recorded_in_the_chain_and_older_segments_still_verify(runtime):
    _events(runtime, 2)
    with runtime.factory() as session, session.begin():
        old, new = audit.rotate_key(session, actor="admin")
    _events(runtime, 2)
    ring = [
        line for line in runtime.settings.audit_key_path.read_text().splitlines() if not line.startswith("#")
    ]
    assert [key_id(bytes.fromhex(k)) for k in ring] == [old, new]
    with runtime.factory() as session:
        [rotation] = session.scalars(
            select(audit.AuditEvent).where(audit.AuditEvent.action == audit.KEY_ROTATE)
        )
        assert rotation.details == {"old_key_id": old, "new_key_id": new}
        assert rotation.hash == audit.event_hash(rotation, bytes.fromhex(ring[0]))  # signed with the old key
        last = session.scalars(select(audit.AuditEvent).order_by(audit.AuditEvent.id.desc()).limit(1)).one()
        assert last.hash == audit.event_hash(last, bytes.fromhex(ring[1]))  # and onward with the new
        report = audit.verify_chain(session)
    assert report.intact and report.key_id == new


def test_event_signed_with_the_old_key_after_a_rotation_is_named(runtime):
    with runtime.factory() as session, session.begin():
        old, _new = audit.rotate_key(session, actor="admin")
    with runtime.factory() as session, session.begin():
        session.execute(text("UPDATE audit_head SET key_id = :k"), {"k": old})  # sign with the retired key
        event = audit.record(session, actor="alice", action="view")
        event_id = event.id
    with runtime.factory() as session:
        report = audit.verify_chain(session)
    assert not report.intact and report.broken_at == event_id


def test_an_unkeyed_chain_is_continued_by_a_keyed_segment_whose_first_link_is_the_old_head(settings):
    engine = make_engine(settings)
    metadata.create_all(engine)
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():  # a chain from before keys, as main wrote it
        prev = audit.GENESIS
        for i in range(1, 4):
            event = audit.AuditEvent(
                id=i, at=utcnow(), actor="alice", role="", action="view", object_type="document",
                object_id=str(i), archive_no="", result="ok", client="", reference="", details={},
                prev_hash=prev, hash="",
            )  # fmt: skip
            event.hash = audit.event_hash(event)
            session.add(event)
            prev = event.hash
        session.flush()
        session.add(audit.AuditHead(id=1, last_event_id=3, last_hash=prev))
    assert not settings.audit_key_path.exists()
    with factory() as session, session.begin():
        audit.record(session, actor="bob", action="view")
    with factory() as session:
        start = session.get(audit.AuditEvent, 4)
        report = audit.verify_chain(session)
    engine.dispose()
    assert start.action == audit.KEY_START and start.prev_hash == prev and start.details["after_hash"] == prev
    assert report.intact and report.checked == 5 and report.keyed_from == 4
    assert stat.S_IMODE(settings.audit_key_path.stat().st_mode) == 0o600


def test_missing_key_is_an_error_not_a_silent_unkeyed_event(runtime):
    _events(runtime, 1)
    runtime.settings.audit_key_path.rename(runtime.settings.audit_key_path.with_suffix(".gone"))
    with pytest.raises(AuditKeyError), runtime.factory() as session, session.begin():
        audit.record(session, actor="alice", action="view")


def test_checkpoints_are_kept_under_object_lock_where_the_store_has_it(settings, s3_server, s3_bucket):
    from core.settings import Settings
    from workflows.runtime import Runtime
    from workflows.setup import initialise

    locked = Settings(
        **(settings.model_dump() | s3_server.settings(s3_bucket) | {"s3_object_lock": "governance"}),
        _env_file=None,
    )
    runtime = Runtime(locked)
    try:
        initialise(runtime)
        checkpoint = write_checkpoint(runtime)
        store = runtime.store
        retention = store.client.get_object_retention(store.bucket, checkpoint.name)
        assert retention.retain_until_date.year == utcnow().year + locked.s3_lock_permanent_years
        with pytest.raises(PermissionError):  # not even the store's admin key removes it early
            store.delete(checkpoint.name)
        with runtime.factory() as session:
            report = audit.verify_chain(session, checkpoints=stored_checkpoints(runtime))
        assert report.intact and report.checkpoints == 1
    finally:
        runtime.close()
