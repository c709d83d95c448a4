"""Where a backup is written: a folder, or a prefix in an S3 bucket on another server or bucket.

A target holds files under relative paths ("objects/originals/ab/cd/…", "generations/…/manifest-sha256.txt").
Every write is whole or absent: a folder writes a temporary file, syncs it and renames it into place; S3
makes an object visible only when its upload completes. Errors become builtins, StorageUnavailable (the
server does not answer: retry) or a DanganError with a bilingual message (full disk, read-only folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from minio import Minio

from core.errors import DanganError, disk_faults
from storage.base import CHUNK_SIZE, walk_files
from storage.s3 import _http_client, _translated


class TargetUnusable(DanganError):
    """The backup place cannot be written or read: full, read-only, absent, refused."""

    status_code = 503


def _local(path: str) -> AbstractContextManager[None]:
    """A full disk or a read-only folder says so in both languages, naming the place."""
    return disk_faults(TargetUnusable, "backup", path)


class BackupTarget(ABC):
    """Files under relative paths, each written whole or not at all."""

    @property
    @abstractmethod
    def description(self) -> str:
        """Where it is, without secrets (a folder, s3://bucket/prefix)."""

    @abstractmethod
    def list(self, prefix: str) -> dict[str, int]:
        """Path → size of every file under prefix."""

    @abstractmethod
    def size(self, path: str) -> int | None:
        """A file's size, None when absent."""

    @abstractmethod
    def put_file(self, path: str, local: Path) -> None:
        """Write a local file under path (replacing what is there), atomically."""

    @abstractmethod
    def open(self, path: str) -> AbstractContextManager[BinaryIO]:
        """A readable binary stream of the file; FileNotFoundError when absent."""

    @abstractmethod
    def delete(self, path: str) -> None:
        """Remove a file (absent is fine)."""

    def put_bytes(self, path: str, data: bytes, scratch: Path | None = None) -> None:
        """Write bytes under path, atomically."""
        fd, name = tempfile.mkstemp(dir=scratch, prefix=".put-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            self.put_file(path, Path(name))
        finally:
            Path(name).unlink(missing_ok=True)

    def read_bytes(self, path: str) -> bytes:
        """The whole file (small files only: manifests, registers)."""
        with self.open(path) as stream:
            return stream.read()

    def get_file(self, path: str, local: Path) -> None:
        """Copy the file to a local path."""
        with self.open(path) as stream, open(local, "wb") as out:
            shutil.copyfileobj(stream, out, CHUNK_SIZE)


class FolderTarget(BackupTarget):
    """A folder on this machine (another disk, a mounted share)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    @property
    def description(self) -> str:
        return str(self.root)

    def _path(self, path: str) -> Path:
        if path.startswith("/") or ".." in path.split("/"):
            raise ValueError(f"path must stay inside the backup: {path!r}")
        return self.root / path

    def list(self, prefix: str) -> dict[str, int]:
        base = self._path(prefix.rstrip("/")) if prefix else self.root
        root = str(self.root).rstrip("/") + "/"
        # No sort, and only plain strings: a listing of 100k copies is what a backup with --recheck costs.
        with _local(str(self.root)):
            return {entry.path.removeprefix(root): entry.stat().st_size for entry in walk_files(str(base))}

    def size(self, path: str) -> int | None:
        try:
            return self._path(path).stat().st_size
        except FileNotFoundError:
            return None

    def put_file(self, path: str, local: Path) -> None:
        final = self._path(path)
        with _local(str(self.root)):
            final.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=final.parent, prefix=".part-")
            try:
                with os.fdopen(fd, "wb") as out, open(local, "rb") as source:
                    shutil.copyfileobj(source, out, CHUNK_SIZE)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(name, final)
            except BaseException:
                Path(name).unlink(missing_ok=True)
                raise

    @contextmanager
    def open(self, path: str) -> Iterator[BinaryIO]:
        with open(self._path(path), "rb") as stream:
            yield stream

    def delete(self, path: str) -> None:
        with _local(str(self.root)):
            self._path(path).unlink(missing_ok=True)

    def local_path(self, path: str) -> Path:
        """The file itself (a folder target's files can be read in place)."""
        return self._path(path)


class S3Target(BackupTarget):
    """A prefix in a bucket (created when missing), through the minio SDK."""

    def __init__(
        self, endpoint: str, access_key: str | None, secret_key: str | None, bucket: str, prefix: str = "",
        *, secure: bool = False, retries: int = 2,
    ) -> None:  # fmt: skip
        self.client = Minio(
            endpoint, access_key, secret_key, secure=secure, http_client=_http_client(secure, retries)
        )
        self.endpoint, self.bucket, self.prefix = endpoint, bucket, prefix.strip("/")
        self._ready = False

    @property
    def description(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/") + f" @ {self.endpoint}"

    def _key(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def _path(self, key: str) -> str:
        return key[len(self.prefix) + 1 :] if self.prefix else key

    def _ensure(self) -> None:
        if self._ready:
            return
        with _translated():
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)
        self._ready = True

    def list(self, prefix: str) -> dict[str, int]:
        found: dict[str, int] = {}
        self._ensure()
        with _translated():
            for obj in self.client.list_objects(self.bucket, prefix=self._key(prefix), recursive=True):
                if not obj.is_dir and obj.object_name:
                    found[self._path(obj.object_name)] = obj.size or 0
        return found

    def size(self, path: str) -> int | None:
        self._ensure()
        try:
            with _translated(path):
                return self.client.stat_object(self.bucket, self._key(path)).size
        except FileNotFoundError:
            return None

    def put_file(self, path: str, local: Path) -> None:
        self._ensure()
        with _translated(path):
            self.client.fput_object(self.bucket, self._key(path), str(local), part_size=16 * 1024 * 1024)

    @contextmanager
    def open(self, path: str) -> Iterator[BinaryIO]:
        self._ensure()
        with _translated(path):
            response = self.client.get_object(self.bucket, self._key(path))
            try:
                yield response  # type: ignore[misc]
            finally:
                response.close()
                response.release_conn()

    def delete(self, path: str) -> None:
        self._ensure()
        with _translated(path):
            self.client.remove_object(self.bucket, self._key(path))


def open_target(
    where: str,
    *,
    endpoint: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    secure: bool = False,
) -> BackupTarget:
    """The target a destination names: `s3://bucket/prefix` (with these credentials) or a folder path."""
    if where.startswith("s3://"):
        parsed = urlparse(where)
        if not parsed.netloc or not endpoint:
            raise TargetUnusable("backup.bad_target", target=where)
        return S3Target(endpoint, access_key, secret_key, parsed.netloc, parsed.path, secure=secure)
    if "://" in where:
        raise TargetUnusable("backup.bad_target", target=where)
    return FolderTarget(where)


__all__ = ["BackupTarget", "FolderTarget", "S3Target", "TargetUnusable", "open_target"]
