"""Accepted work is finished: documents whose processing was interrupted (a killed process, an outage, a
restart) are found and resumed, and failed ones retried.

A document is unfinished while it is received, queued, processing or filed but not yet indexed. Each names
the process working on it (core.process): when that process is gone, the document is orphaned and anyone may
take it over — capture does when the same file arrives again, the worker and `dangan serve` do at start and
every DANGAN_RESUME_INTERVAL seconds, `dangan check --repair` does on demand. A document that failed by
itself (an outage, a crash) carries the moment of its next retry, backing off fourfold up to
DANGAN_RETRY_LIMIT attempts; any failed document can be retried by a person (`dangan retry`, the REST API,
its page). Processing and filing are idempotent and a document is claimed and numbered under a row lock, so
two processes that resume the same document at once file it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access.duties import require_capture, uploaded
from access.models import User
from access.policy import can_read
from core import audit
from core.db import utcnow
from core.errors import Conflict, NotFound
from core.process import gone, identity
from ingest.process import KINDS, Processed
from ingest.receive import Received
from records.models import Document
from workflows.filing import process_and_index
from workflows.runtime import Runtime

log = logging.getLogger(__name__)

UNFINISHED = ("received", "queued", "processing", "filed")


@dataclass(frozen=True)
class Pending:
    """A document not yet filed and indexed, as `dangan check` reports it."""

    document_id: int
    state: str
    age_seconds: int  # since it was captured
    attempts: int
    orphaned: bool  # no running process works on it: the next resume takes it over
    retry_at: datetime | None
    error: str | None

    def as_json(self) -> dict:
        return {
            "document_id": self.document_id,
            "state": self.state,
            "age_seconds": self.age_seconds,
            "attempts": self.attempts,
            "orphaned": self.orphaned,
            "retry_at": self.retry_at.isoformat() if self.retry_at else None,
            "error": self.error,
        }


def pending(session: Session, *, lease_seconds: int) -> list[Pending]:
    """Unfinished documents, and failed ones that will be retried, oldest first."""
    now = utcnow()
    lease = timedelta(seconds=lease_seconds)
    rows = session.scalars(
        select(Document)
        .where(
            or_(Document.state.in_(UNFINISHED), (Document.state == "failed") & Document.retry_at.is_not(None))
        )
        .order_by(Document.id)
    )
    return [
        Pending(
            document_id=doc.id,
            state=doc.state,
            age_seconds=int((now - doc.created_at).total_seconds()),
            attempts=doc.attempts or 0,
            orphaned=_orphaned(doc, now=now, lease=lease),
            retry_at=doc.retry_at,
            error=doc.error,
        )
        for doc in rows
    ]


def _orphaned(doc: Document, *, now: datetime, lease: timedelta) -> bool:
    if doc.state == "failed":
        return doc.retry_at is not None and doc.retry_at <= now
    return gone(doc.claimed_by, doc.heartbeat_at, lease=lease)


def _claim(doc: Document, now: datetime) -> None:
    """Take the document for this process; a failed one goes back to the queue. One already filed stays filed
    (it only lacks indexing and filing's follow-ups): reading it again would number it twice."""
    if doc.state == "failed":
        doc.state, doc.error, doc.retry_at = "queued", None, None
    doc.claimed_by, doc.heartbeat_at = identity(), now


def take_over(runtime: Runtime, *, document_id: int, file: str) -> Received | None:
    """Claim an orphaned document for this process (capture met its file again); None when it is finished,
    failed for good, or another running process works on it."""
    now = utcnow()
    with runtime.factory() as session, session.begin():
        doc = session.get(Document, document_id, with_for_update=True)
        if doc is None:
            return None
        lease = timedelta(seconds=runtime.settings.processing_lease)
        retryable = doc.state == "failed" and doc.retry_at is not None
        if not (doc.state in UNFINISHED and _orphaned(doc, now=now, lease=lease)) and not retryable:
            return None
        _claim(doc, now)
        return Received(
            file,
            "resumed",
            doc.id,
            doc.sha256,
            page_count=doc.page_count,
            kind=KINDS.get(doc.mime),
        )


def resume(runtime: Runtime, document_ids: list[int], *, actor: str) -> list[Processed]:
    """Read, file and index these documents; one that fails is recorded as failed and the rest go on."""
    results = []
    for document_id in document_ids:
        try:
            results.append(process_and_index(runtime, document_id=document_id, actor=actor))
        except Exception as err:  # noqa: BLE001 - recorded on the document (with its next retry); go on
            log.warning("resuming document %s failed: %s", document_id, err)
            results.append(Processed(document_id, "failed", error=f"{type(err).__name__}: {err}"))
    return results


def resume_interrupted(runtime: Runtime, *, actor: str = "system") -> list[Processed]:
    """Resume every orphaned document and every failed one whose retry is due; what became of each."""
    with runtime.factory() as session:
        due = [
            p.document_id
            for p in pending(session, lease_seconds=runtime.settings.processing_lease)
            if p.orphaned
        ]
    if not due:
        return []
    claimed = []
    for document_id in due:
        if take_over(runtime, document_id=document_id, file="") is not None:
            claimed.append(document_id)
    if claimed:
        log.info("resuming %d interrupted or failed documents: %s", len(claimed), claimed)
        with runtime.factory() as session, session.begin():
            audit.record(session, actor=actor, action="document.resume", details={"documents": claimed})
    return resume(runtime, claimed, actor=actor)


def queue_retry(runtime: Runtime, *, document_id: int, user_id: int, client: str = "") -> str:
    """A person asks for a failed (or orphaned) document to be read again: those who may capture and may read
    it or took it in. It is queued (claimed by this process) and audited; the caller runs or enqueues it.
    Returns the person's login."""
    with runtime.factory() as session, session.begin():
        user = session.get_one(User, user_id)
        require_capture(user, client=client)
        doc = session.get(Document, document_id, with_for_update=True)
        if doc is None or not (uploaded(user, doc) or can_read(session, user, doc).allowed):
            raise NotFound("document.not_found", id=document_id)
        lease = timedelta(seconds=runtime.settings.processing_lease)
        if not (
            doc.state == "failed" or (doc.state in UNFINISHED and _orphaned(doc, now=utcnow(), lease=lease))
        ):
            raise Conflict("document.not_retryable", id=document_id, state=doc.state)
        _claim(doc, utcnow())
        audit.record(
            session,
            actor=user.login,
            role=user.role_label,
            action="document.retry",
            object_type="document",
            object_id=doc.id,
            archive_no=doc.archive_no,
            client=client,
        )
        return user.login


def retry(runtime: Runtime, *, document_id: int, user_id: int, client: str = "") -> Processed:
    """queue_retry, then read, file and index the document here (the command line waits for it)."""
    login = queue_retry(runtime, document_id=document_id, user_id=user_id, client=client)
    (result,) = resume(runtime, [document_id], actor=login)
    return result
