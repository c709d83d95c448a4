"""Taking one uploaded file: spooled to a private temporary file while hashed, then captured.

A duplicate names the record it duplicates only to someone who may see it (its readers and its uploader):
to anyone else the answer is "already in the archive", so that uploading a file cannot tell which record
holds it, nor its state (policy POL-3: reading is decided by access.policy, never by a way around it).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select

from access.duties import uploaded
from access.models import User
from access.policy import can_read
from core.errors import RejectedInput
from ingest.receive import Received, receive
from records.models import Document
from workflows.runtime import Runtime

CHUNK = 1024 * 1024


def take_upload(runtime: Runtime, stream: BinaryIO, *, filename: str, actor: str, client: str) -> Received:
    """Capture an uploaded stream as `actor`; files over DANGAN_MAX_UPLOAD_BYTES are refused while reading."""
    settings = runtime.settings
    tmp_root = settings.home / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as workdir:
        path = Path(workdir) / "upload"
        digest, size = hashlib.sha256(), 0
        with open(path, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise RejectedInput(
                        "input.too_large",
                        size=f">{settings.max_upload_bytes}",
                        limit=settings.max_upload_bytes,
                    )
                digest.update(chunk)
                out.write(chunk)
        got = receive(
            runtime.factory,
            runtime.store,
            settings,
            path=path,
            filename=filename,
            actor=actor,
            source="api",
            sha256=digest.hexdigest(),
            client=client,
        )
    if (
        got.status == "duplicate"
        and got.document_id is not None
        and not _may_see(runtime, actor, got.document_id)
    ):
        got = replace(got, document_id=None, reason_code="document.duplicate_hidden")
    return got


def _may_see(runtime: Runtime, login: str, document_id: int) -> bool:
    """Whether the user may learn that this record exists (a reader of it, or its uploader)."""
    with runtime.factory() as session:
        user = session.scalar(select(User).where(User.login == login))
        doc = session.get(Document, document_id)
        if user is None or doc is None:
            return False
        return uploaded(user, doc) or can_read(session, user, doc).allowed
