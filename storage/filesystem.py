"""Objects as read-only files under one root directory, written atomically and never overwritten."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from storage.base import (
    ObjectInfo,
    ObjectStore,
    PutResult,
    check_same_size,
    key_for,
    parse_key,
    spool,
    walk_files,
)

INCOMING = ".incoming"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FilesystemStore(ObjectStore):
    """Objects under `root/<kind>s/ab/cd/<sha256>`; temp files in `root/.incoming` (same filesystem)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        parse_key(key)
        return self.root / key

    def _incoming(self) -> Path:
        incoming = self.root / INCOMING
        incoming.mkdir(parents=True, exist_ok=True)
        return incoming

    def put_file(self, path: str | os.PathLike[str], *, kind: str, sha256: str | None = None) -> PutResult:
        """Store a file unless its content is already stored; sha256, if given, is checked while copying."""
        if sha256 is not None:
            final = self.root / key_for(kind, sha256)
            if final.exists():
                return self._existing(key_for(kind, sha256), sha256, os.stat(path).st_size)
        with open(path, "rb") as source:
            temp, digest, size = spool(source, self._incoming(), fsync=True)
        if sha256 is not None and digest != sha256:
            temp.unlink()
            raise ValueError(f"{path}: content hashes to {digest}, not the given {sha256}")
        return self._link(temp, kind, digest, size)

    def put_stream(self, stream: BinaryIO, *, kind: str, max_bytes: int | None = None) -> PutResult:
        """Store a stream, hashing it on the way; RejectedInput when empty or over max_bytes."""
        temp, digest, size = spool(stream, self._incoming(), max_bytes=max_bytes, fsync=True)
        return self._link(temp, kind, digest, size)

    def _link(self, temp: Path, kind: str, sha256: str, size: int) -> PutResult:
        key = key_for(kind, sha256)
        final = self.root / key
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            # Read-only before it is visible under its key; the mode lives on the shared inode.
            temp.chmod(0o444)
            # link() fails if the name exists, unlike rename(): an object is never replaced.
            os.link(temp, final)
        except FileExistsError:
            return self._existing(key, sha256, size)
        finally:
            temp.unlink(missing_ok=True)
        for directory in (final.parent, final.parent.parent, final.parent.parent.parent):
            _fsync_dir(directory)
        return PutResult(key, sha256, size, created=True)

    def _existing(self, key: str, sha256: str, size: int) -> PutResult:
        check_same_size(key, (self.root / key).stat().st_size, size)
        return PutResult(key, sha256, size, created=False)

    def stat(self, key: str) -> ObjectInfo:
        """Size and modification time of an object; FileNotFoundError when absent."""
        st = self._path(key).stat()
        return ObjectInfo(key, st.st_size, None, datetime.fromtimestamp(st.st_mtime, UTC))

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        """The object's file, opened for reading."""
        with open(self._path(key), "rb") as stream:
            yield stream

    def download(self, key: str, dest: str | os.PathLike[str]) -> None:
        """Copy an object to a local file (a plain, writable copy)."""
        shutil.copyfile(self._path(key), dest)

    def delete(self, key: str, *, all_versions: bool = True) -> None:
        """Remove an object's file; FileNotFoundError when absent. (Files have one version.)"""
        path = self._path(key)
        path.unlink()
        _fsync_dir(path.parent)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with prefix, in key order."""
        if prefix.startswith("/") or ".." in prefix.split("/"):
            raise ValueError(f"prefix must stay inside the store: {prefix!r}")
        start = self.root / prefix.rpartition("/")[0]
        root = str(self.root).rstrip("/") + "/"
        yield from self._walk(str(start), root, prefix)

    def _walk(self, directory: str, root: str, prefix: str) -> Iterator[ObjectInfo]:
        # os.scandir and plain strings, in key order (names sorted); temp files (".…") are not objects.
        # A listing is the fixed cost of every backup and check (issue 14).
        try:
            with os.scandir(directory) as found:
                entries = sorted((e for e in found if not e.name.startswith(".")), key=lambda e: e.name)
        except FileNotFoundError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from self._walk(entry.path, root, prefix)
                continue
            key = entry.path.removeprefix(root)
            if key.startswith(prefix):
                st = entry.stat()
                yield ObjectInfo(key, st.st_size, None, datetime.fromtimestamp(st.st_mtime, UTC))

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every object's key under prefix, unsorted and without a stat each: the directory entries alone
        (how an incremental backup finds the audit checkpoints)."""
        if prefix.startswith("/") or ".." in prefix.split("/"):
            raise ValueError(f"prefix must stay inside the store: {prefix!r}")
        root = str(self.root).rstrip("/") + "/"
        for entry in walk_files(str(self.root / prefix.rpartition("/")[0])):
            if (key := entry.path.removeprefix(root)).startswith(prefix):
                yield key

    def presigned_url(self, key: str, expires: timedelta) -> str | None:
        """None: files have no URL of their own; the API streams them."""
        return None
