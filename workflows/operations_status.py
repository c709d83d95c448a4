"""Where backup and integrity stand, for the admin page and `GET /api/admin/backups|fixity` (admins).

Names records by archive number only: an admin sees no confidential content by role alone (titles can be).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.job_runs import last_runs
from records.models import Derivative, Document
from storage.fixity import quarantined
from storage.models import OperationRun

RECENT = 10


def _run(run: OperationRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.id, "kind": run.kind, "state": run.state, "target": run.target, "generation": run.generation,
        "actor": run.actor, "started_at": run.started_at, "finished_at": run.finished_at, "objects": run.objects,
        "copied": run.copied, "bytes": run.bytes, "error": run.error,
        "summary": {k: v for k, v in (run.summary or {}).items() if not isinstance(v, list | dict)},
    }  # fmt: skip


def _recent(session: Session, kind: str, limit: int = RECENT) -> list[OperationRun]:
    query = (
        select(OperationRun).where(OperationRun.kind == kind).order_by(OperationRun.id.desc()).limit(limit)
    )
    return list(session.scalars(query))


def quarantine_list(session: Session) -> list[dict[str, Any]]:
    """Each quarantined object with the record it belongs to (id and archive number)."""
    rows = quarantined(session)
    keys = [r.key for r in rows]
    owners: dict[str, tuple[int, str | None]] = {}
    for doc_id, key, archive_no in session.execute(
        select(Document.id, Document.object_key, Document.archive_no).where(Document.object_key.in_(keys))
    ):
        owners[key] = (doc_id, archive_no)
    for doc_id, key, archive_no in session.execute(
        select(Derivative.document_id, Derivative.object_key, Document.archive_no)
        .join(Document, Document.id == Derivative.document_id)
        .where(Derivative.object_key.in_(keys))
    ):
        owners.setdefault(key, (doc_id, archive_no))
    return [
        {
            "key": r.key, "result": r.result, "since": r.quarantined_at, "checked_at": r.checked_at,
            "actual_sha256": r.actual_sha256, "document_id": owners.get(r.key, (None, None))[0],
            "archive_no": owners.get(r.key, (None, None))[1],
        }
        for r in rows
    ]  # fmt: skip


def backup_status(session: Session) -> dict[str, Any]:
    """The latest backups and restores, and the scheduled jobs' last runs."""
    backups = _recent(session, "backup")
    last_complete = session.scalar(
        select(OperationRun).where(OperationRun.kind == "backup", OperationRun.state == "complete")
        .order_by(OperationRun.id.desc()).limit(1)
    )  # fmt: skip
    return {
        "last": _run(backups[0] if backups else None),
        "last_complete": _run(last_complete),
        "recent": [_run(r) for r in backups],
        "restores": [_run(r) for r in _recent(session, "restore")],
        "jobs": [run.__dict__ for run in last_runs(session).values()],
    }


def fixity_status(session: Session) -> dict[str, Any]:
    """The latest fixity runs and what is in quarantine."""
    runs = _recent(session, "fixity")
    return {
        "last": _run(runs[0] if runs else None),
        "recent": [_run(r) for r in runs],
        "quarantined": quarantine_list(session),
    }
