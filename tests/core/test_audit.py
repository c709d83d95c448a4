"""The audit chain: each event links to the one before; tampering is found and named."""

from __future__ import annotations

from sqlalchemy import text

from core import audit
from tests.support.tamper import append_only_off


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
