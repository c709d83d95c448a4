"""Capture, step one: hash, check and store an original, and record it (FIX-1, FIX-2).

After a rejection nothing is left behind; after success the object and its row exist together.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core import audit
from core.db import reading, utcnow
from core.errors import DanganError, RejectedInput
from core.process import identity
from core.settings import Settings
from ingest.detect import detect
from records.models import Document
from storage.base import ObjectStore

CHUNK = 1024 * 1024


@dataclass
class Received:
    """What capture made of one file."""

    file: str
    status: str  # ingested | duplicate | rejected
    document_id: int | None = None
    sha256: str | None = None
    reason: str | None = None
    reason_code: str | None = None
    page_count: int = 0
    kind: str | None = None  # pdf | png | jpeg | tiff, as detected from the content
    error: DanganError | None = None


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def receive(
    factory: sessionmaker[Session],
    store: ObjectStore,
    settings: Settings,
    *,
    path: Path,
    filename: str | None = None,
    actor: str,
    source: str = "cli",
    sha256: str | None = None,
    client: str = "",
) -> Received:
    """Check one file and store it as a new document (state `queued`), or say why not."""
    name = filename or path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return _rejected(factory, name, RejectedInput("input.not_found", path=name), actor, client)
    if size > settings.max_upload_bytes:
        err = RejectedInput("input.too_large", size=size, limit=settings.max_upload_bytes)
        return _rejected(factory, name, err, actor, client)
    digest = sha256 or sha256_file(path)
    with reading(factory) as session:
        existing = session.scalar(select(Document.id).where(Document.sha256 == digest))
    if existing is not None:
        return Received(name, "duplicate", existing, digest, reason_code="document.duplicate")
    try:
        detected = detect(path, settings=settings)
    except RejectedInput as err:
        return _rejected(factory, name, err, actor, client, sha256=digest)
    put = store.put_file(path, kind="original", sha256=digest)
    try:
        with factory() as session, session.begin():
            doc = Document(
                sha256=digest,
                size=size,
                mime=detected.mime,
                original_filename=name[:500],
                object_key=put.key,
                title=Path(name).stem[:500],
                page_count=detected.page_count,
                state="queued",
                source=source,
                created_by=actor,
                claimed_by=identity(),  # this process reads it next, or hands it to the job queue
                heartbeat_at=utcnow(),
            )
            session.add(doc)
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="capture",
                object_type="document",
                object_id=doc.id,
                client=client,
                details={
                    "sha256": digest,
                    "file": name,
                    "size": size,
                    "mime": detected.mime,
                    "source": source,
                },
            )
            doc_id = doc.id
    except IntegrityError:
        # The same bytes arrived by another way at the same moment: theirs is the document.
        with factory() as session:
            existing = session.scalar(select(Document.id).where(Document.sha256 == digest))
        if existing is None:
            raise
        return Received(name, "duplicate", existing, digest, reason_code="document.duplicate")
    except BaseException:
        if put.created:
            _forget_object(factory, store, put.key, digest)
        raise
    return Received(name, "ingested", doc_id, digest, page_count=detected.page_count, kind=detected.kind)


def _forget_object(factory: sessionmaker[Session], store: ObjectStore, key: str, digest: str) -> None:
    """Remove an object we just wrote when its row could not be written (no object without a row)."""
    # A read that takes no write lock: the row may have failed because another process holds it.
    with reading(factory) as session:
        if session.scalar(select(Document.id).where(Document.sha256 == digest)) is None:
            with contextlib.suppress(FileNotFoundError):
                store.delete(key)


def _rejected(
    factory: sessionmaker[Session],
    name: str,
    err: DanganError,
    actor: str,
    client: str,
    sha256: str | None = None,
) -> Received:
    with factory() as session, session.begin():
        audit.record(
            session,
            actor=actor,
            action="capture",
            object_type="file",
            object_id=os.path.basename(name)[:100],
            result="rejected",
            client=client,
            details={
                "reason": err.code,
                "params": {k: str(v) for k, v in err.params.items()},
                "sha256": sha256,
            },
        )
    return Received(name, "rejected", None, sha256, reason=err.both(), reason_code=err.code, error=err)
