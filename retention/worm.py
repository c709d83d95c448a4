"""Retention enforced by the store itself (WORM, DANGAN_S3_OBJECT_LOCK): retain-until and legal hold on S3.

With an object-lock bucket each record's objects (original and derivatives) are retained until its due date,
so not even the storage admin key can delete them early. The date only moves later (S3 compliance mode
cannot shorten it); permanent records, and records whose due date is not known yet, get a far date
(DANGAN_S3_LOCK_PERMANENT_YEARS ahead) that `lock_records` renews once half of it has run. A Dangan legal
hold sets the S3 legal hold on the record's objects and lifts it when no hold covers the record any more.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Derivative, Document
from retention.holds import covered_by, held_ids
from retention.models import Hold, RecordRetention
from retention.schedule import add_years


def object_keys(session: Session, document_ids: Iterable[int]) -> dict[int, list[str]]:
    """Every object key of each record: its original and its derivatives."""
    ids = list(document_ids)
    keys: dict[int, list[str]] = {}
    for document_id, key in session.execute(
        select(Document.id, Document.object_key).where(Document.id.in_(ids))
    ):
        keys.setdefault(document_id, []).append(key)
    for document_id, key in session.execute(
        select(Derivative.document_id, Derivative.object_key).where(Derivative.document_id.in_(ids))
    ):
        keys.setdefault(document_id, []).append(key)
    return keys


def lock_records(
    session: Session, store, *, today: date, permanent_years: int, document_ids: Iterable[int] | None = None
) -> int:  # store: storage.ObjectStore
    """Retain each record's objects until its due date (far date when permanent or unknown); how many moved."""
    if not store.supports_lock:
        return 0
    query = (
        select(RecordRetention)
        .join(Document, Document.id == RecordRetention.document_id)
        .where(Document.state.in_(("filed", "indexed")))
    )
    if document_ids is not None:
        query = query.where(RecordRetention.document_id.in_(list(document_ids)))
    rows = list(session.scalars(query))
    keys = object_keys(session, [r.document_id for r in rows])
    far = add_years(today, permanent_years)
    moved = 0
    for row in rows:
        if row.due_date is not None and not row.permanent:
            wanted = row.due_date
        elif row.locked_until is None or row.locked_until < add_years(today, permanent_years // 2 or 1):
            wanted = far
        else:
            continue
        if wanted <= today or (row.locked_until is not None and wanted <= row.locked_until):
            continue
        for key in keys.get(row.document_id, []):
            store.set_retention(key, wanted)
        row.locked_until = wanted
        moved += 1
    session.flush()
    return moved


def sync_legal_holds(
    session: Session, store, document_ids: Iterable[int]
) -> int:  # store: storage.ObjectStore
    """Set the S3 legal hold on the objects of held records and lift it from the rest; how many records."""
    if not store.supports_lock:
        return 0
    ids = list(document_ids)
    held = held_ids(session, ids)
    for document_id, keys in object_keys(session, ids).items():
        for key in keys:
            try:
                store.set_legal_hold(key, document_id in held)
            except FileNotFoundError:
                continue  # destroyed already: nothing to hold
    return len(ids)


def after_hold(session: Session, store, hold: Hold) -> int:  # store: storage.ObjectStore
    """Bring the S3 legal holds of the records a hold covers in line after it was placed or released."""
    return sync_legal_holds(session, store, covered_by(session, hold))


def sync_all_holds(session: Session, store) -> int:  # store: storage.ObjectStore
    """Every record under an active hold gets the S3 legal hold (customer holds cover records filed later)."""
    ids: set[int] = set()
    for hold in session.scalars(select(Hold).where(Hold.released_at.is_(None))):
        ids |= covered_by(session, hold)
    return sync_legal_holds(session, store, ids)
