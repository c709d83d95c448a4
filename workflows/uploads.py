"""Taking one uploaded file: spooled to a private temporary file while hashed, then captured."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import BinaryIO

from core.errors import RejectedInput
from ingest.receive import Received, receive
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
        return receive(
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
