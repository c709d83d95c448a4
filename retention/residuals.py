"""Destroyed records stay destroyed (DSP-5), also across a restore from a backup older than the destruction.

Every backup writes each destroyed batch — its header, approvals, residual records and register files —
as one JSON file kept beside all generations (workflows.backup). A restore of an older generation reads
them all and re-applies what the restored database does not know yet: the record's objects are deleted
again, its pages and derivatives removed, its row kept as the residual metadata only (state "destroyed"),
and the batch and its register entries written back as they were. The report names each record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.orm import Session

from records.document_counts import keeping_counts
from records.models import Derivative, Document, Page
from retention.models import BatchApproval, DestructionBatch, RegisterEntry, RegisterFile
from storage import key_for

FORMAT = "dangan-destroyed-batch/1"


@dataclass(frozen=True)
class Reapplied:
    """One record a restore destroyed again because a later register says it was destroyed."""

    document_id: int
    archive_no: str
    title: str
    batch_id: int
    keys: tuple[str, ...]


def _plain(row: Any) -> dict[str, Any]:
    out = {}
    for column in inspect(type(row)).columns:
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def _typed(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    columns = {c.key: c for c in inspect(cls).columns}
    out = {}
    for name, value in data.items():
        if name not in columns:
            continue
        column_type = columns[name].type
        column_type = getattr(column_type, "impl_instance", column_type)  # UTCDateTime → DateTime
        try:
            kind = column_type.python_type if value is not None else None
        except NotImplementedError:
            kind = None
        if isinstance(value, str) and kind is datetime:
            value = datetime.fromisoformat(value)
        elif isinstance(value, str) and kind is date:
            value = date.fromisoformat(value)
        out[name] = value
    return out


def destroyed_batch(session: Session, batch_id: int) -> dict[str, Any]:
    """One batch with its approvals, residual records and register files, as plain data."""
    batch = session.get_one(DestructionBatch, batch_id)
    entries = session.scalars(select(RegisterEntry).where(RegisterEntry.batch_id == batch_id))
    files = session.scalars(select(RegisterFile).where(RegisterFile.batch_id == batch_id))
    return {
        "format": FORMAT,
        "batch": _plain(batch),
        "approvals": [_plain(a) for a in batch.approvals],
        "entries": [_plain(e) for e in entries],
        "register_files": [_plain(f) for f in files],
    }


def destroyed_batches(session: Session) -> list[dict[str, Any]]:
    """Every batch with residual records, as plain data (what a backup keeps beside its generations)."""
    return [destroyed_batch(session, batch_id)
            for batch_id in sorted(set(session.scalars(select(RegisterEntry.batch_id))))]  # fmt: skip


def to_reapply(session: Session, batches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The residual records of these batches that the database does not hold."""
    known = set(session.scalars(select(RegisterEntry.document_id)))
    return [e for b in batches for e in b["entries"] if e["document_id"] not in known]


def reapply(session: Session, batches: list[dict[str, Any]]) -> tuple[list[Reapplied], list[str]]:
    """Write back the batches and residual records the database lacks, and strip their records to the
    residual metadata; (what was destroyed again, the object keys to delete from the store)."""
    known = set(session.scalars(select(RegisterEntry.document_id)))
    done: list[Reapplied] = []
    keys: list[str] = []
    for data in batches:
        missing = [e for e in data["entries"] if e["document_id"] not in known]
        if not missing:
            continue
        header = _typed(DestructionBatch, data["batch"])
        batch = session.get(DestructionBatch, header["id"])
        if batch is None:
            session.add(DestructionBatch(**header))
        else:  # the batch was under way when the backup was taken: it is as the register says now
            for name, value in header.items():
                setattr(batch, name, value)
        session.flush()
        have = set(session.scalars(select(BatchApproval.id).where(BatchApproval.batch_id == header["id"])))
        for approval in data["approvals"]:
            if approval["id"] not in have:
                session.add(BatchApproval(**_typed(BatchApproval, approval)))
        for entry in missing:
            doc = session.get(Document, entry["document_id"])
            named: list[str] = []
            if doc is None:
                # Filed after the backup and destroyed since: only its residual metadata ever comes back.
                doc = Document(
                    id=entry["document_id"], sha256=entry["sha256"], size=0, mime="",
                    original_filename="", object_key=key_for("original", entry["sha256"]),
                    title=entry.get("title") or "", archive_no=entry.get("archive_no") or None,
                    state="destroyed",
                )  # fmt: skip
                session.add(doc)
            else:
                named = [doc.object_key, *session.scalars(
                    select(Derivative.object_key).where(Derivative.document_id == doc.id)
                )]  # fmt: skip
            session.flush()
            session.execute(delete(Page).where(Page.document_id == doc.id))
            session.execute(delete(Derivative).where(Derivative.document_id == doc.id))
            with keeping_counts(session, documents=[doc.id]):  # out of the customer analysis' counts
                session.execute(
                    update(Document)
                    .where(Document.id == doc.id)
                    .values(state="destroyed", extracted={}, review_reasons=[], indexed_at=None)
                )
            session.add(RegisterEntry(**_typed(RegisterEntry, entry)))
            keys.extend(named)
            done.append(Reapplied(doc.id, entry.get("archive_no") or "", entry.get("title") or "",
                                  header["id"], tuple(named)))  # fmt: skip
        have_files = set(session.scalars(select(RegisterFile.id)))
        for row in data["register_files"]:
            if row["id"] not in have_files:
                session.add(RegisterFile(**_typed(RegisterFile, row)))
        session.flush()
    return done, list(dict.fromkeys(keys))
