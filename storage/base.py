"""The object-store interface: content-addressed keys, put-if-absent, streamed reads, fixity."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat as stat_module
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from core.errors import Conflict, DanganError, RejectedInput

CHUNK_SIZE = 1024 * 1024
KIND_PREFIXES = {
    "original": "originals",
    "derivative": "derivatives",
    "register": "registers",
    "checkpoint": "checkpoints",  # of the audit chain's head (core.audit_checkpoints)
}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_KEY = re.compile(r"(?P<prefix>[a-z]+)/(?P<a>[0-9a-f]{2})/(?P<b>[0-9a-f]{2})/(?P<sha>[0-9a-f]{64})")
_PREFIX_KINDS = {prefix: kind for kind, prefix in KIND_PREFIXES.items()}


@dataclass(frozen=True)
class PutResult:
    """What a put stored: the key, the content's SHA-256 and size, and whether it was new."""

    key: str
    sha256: str
    size: int
    created: bool


@dataclass(frozen=True)
class ObjectInfo:
    """One stored object: key, size in bytes, etag (S3 only) and last-modified time (UTC)."""

    key: str
    size: int
    etag: str | None
    modified: datetime


def key_for(kind: str, sha256: str) -> str:
    """The content-addressed key for an object, e.g. `originals/ab/cd/abcd…`."""
    if kind not in KIND_PREFIXES:
        raise ValueError(f"unknown object kind {kind!r}; expected one of {sorted(KIND_PREFIXES)}")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    return f"{KIND_PREFIXES[kind]}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def parse_key(key: str) -> tuple[str, str]:
    """(kind, sha256) of a well-formed key; ValueError for anything else (so no key escapes the store)."""
    match = _KEY.fullmatch(key) if isinstance(key, str) else None
    if (
        not match
        or match["prefix"] not in _PREFIX_KINDS
        or (match["a"], match["b"]) != (match["sha"][:2], match["sha"][2:4])
    ):
        raise ValueError(f"malformed object key: {key!r}")
    return _PREFIX_KINDS[match["prefix"]], match["sha"]


def walk_files(directory: str) -> Iterator[os.DirEntry[str]]:
    """Every file below directory, unsorted and without a stat each (os.scandir), leaving out names that start
    with a dot (temporary files of writes in progress); a missing directory has none."""
    stack = [directory]
    while stack:
        try:
            found = os.scandir(stack.pop())
        except FileNotFoundError:
            continue
        with found:
            for entry in found:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    yield entry


def hash_stream(stream: BinaryIO) -> tuple[str, int]:
    """SHA-256 hex digest and byte count of a stream, read in 1 MiB chunks."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def hash_file(path: str | os.PathLike[str]) -> tuple[str, int]:
    """SHA-256 hex digest and byte count of a file, streamed."""
    with open(path, "rb") as stream:
        return hash_stream(stream)


def _declared_size(stream: BinaryIO) -> int | None:
    try:
        st = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return st.st_size if stat_module.S_ISREG(st.st_mode) else None


def spool(
    stream: BinaryIO, directory: Path | None, *, max_bytes: int | None = None, fsync: bool = False
) -> tuple[Path, str, int]:
    """Copy a stream into a new temp file in `directory` while hashing; (path, sha256, size)."""
    # Empty or oversized input is rejected, and the temp file never outlives a failure.
    fd, name = tempfile.mkstemp(dir=directory, prefix=".incoming-")
    path, digest, size = Path(name), hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK_SIZE):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    # Stop reading at once: an oversized upload must not fill the disk first.
                    reported = max(_declared_size(stream) or 0, size)
                    raise RejectedInput("input.too_large", size=reported, limit=max_bytes)
                digest.update(chunk)
                out.write(chunk)
            if fsync:
                out.flush()
                os.fsync(out.fileno())
        if size == 0:
            raise RejectedInput("input.empty")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size


def check_same_size(key: str, stored: int, size: int) -> None:
    """Raise Conflict when an existing object's size differs from the content being put."""
    if stored != size:
        raise Conflict("storage.object_mismatch", key=key, size=size, stored=stored)


class ObjectStore(ABC):
    """Bytes under content-addressed keys: put-if-absent, never overwritten, read as streams."""

    @abstractmethod
    def put_file(self, path: str | os.PathLike[str], *, kind: str, sha256: str | None = None) -> PutResult:
        """Store a file unless its content is already stored; sha256, if given, is checked while copying."""

    @abstractmethod
    def put_stream(self, stream: BinaryIO, *, kind: str, max_bytes: int | None = None) -> PutResult:
        """Store a stream, hashing it on the way; RejectedInput when empty or over max_bytes."""

    @abstractmethod
    def stat(self, key: str) -> ObjectInfo:
        """Size, etag and time of an object; FileNotFoundError when absent."""

    @abstractmethod
    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A context manager yielding the object as a readable binary stream."""

    @abstractmethod
    def delete(self, key: str, *, all_versions: bool = True) -> None:
        """Remove an object (every version, where the store keeps versions); FileNotFoundError when absent."""

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with prefix."""

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every object's key under prefix, in no set order: the cheapest listing the store has (no sizes)."""
        return (info.key for info in self.list(prefix))

    @abstractmethod
    def presigned_url(self, key: str, expires: timedelta) -> str | None:
        """A time-limited URL that downloads the object, or None when the store has no such thing."""

    # Whether the store itself can refuse early deletion (S3 object lock); see set_retention, set_legal_hold.
    supports_lock = False

    def versions(self, key: str) -> int:
        """How many versions (delete markers included) are kept under key; a store without versions has 0 or 1."""
        return 1 if self.exists(key) else 0

    def set_retention(self, key: str, until: date) -> None:
        """Have the store refuse to delete the object before `until` (every version); only where supports_lock."""
        raise NotImplementedError(f"{type(self).__name__} cannot lock objects")

    def set_legal_hold(self, key: str, on: bool) -> None:
        """Set or lift the store's legal hold on the object (every version); only where supports_lock."""
        raise NotImplementedError(f"{type(self).__name__} cannot lock objects")

    def delete_many(
        self, keys: list[str], *, on_deleted: Callable[[str], None] | None = None, workers: int = 8
    ) -> dict[str, str | None]:
        """Delete objects (every version), `workers` at a time; key → None when it is gone (or was already),
        else why it is not. on_deleted is called with each key once it is gone."""

        def one(key: str) -> tuple[str, str | None]:
            try:
                self.delete(key, all_versions=True)
            except FileNotFoundError:
                pass
            except (DanganError, OSError) as exc:
                return key, f"{type(exc).__name__}: {exc}"[:300]
            if on_deleted is not None:
                on_deleted(key)
            return key, None

        if len(keys) <= 1 or workers <= 1:
            return dict(one(k) for k in keys)
        with ThreadPoolExecutor(min(workers, len(keys))) as pool:
            return dict(pool.map(one, keys))

    def exists(self, key: str) -> bool:
        """Whether an object is stored under key."""
        try:
            self.stat(key)
        except FileNotFoundError:
            return False
        return True

    def download(self, key: str, dest: str | os.PathLike[str]) -> None:
        """Copy an object to a local file, streamed."""
        with self.open(key) as source, open(dest, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK_SIZE)

    def verify(self, key: str, sha256: str | None = None) -> bool:
        """Fixity: whether the stored bytes still hash to sha256 (default: the hash in the key)."""
        expected = sha256 if sha256 is not None else parse_key(key)[1]
        with self.open(key) as source:
            return hash_stream(source)[0] == expected
