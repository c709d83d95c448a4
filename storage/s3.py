"""Objects in an S3 bucket (MinIO, SeaweedFS, AWS...) through the minio SDK, streamed both ways."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import BinaryIO, cast

import certifi
import urllib3
from minio import Minio
from minio.datatypes import Object
from minio.deleteobjects import DeleteObject
from minio.error import InvalidResponseError, S3Error, ServerError
from minio.retention import COMPLIANCE, GOVERNANCE, Retention

from core.errors import RejectedInput, StorageUnavailable
from storage.base import (
    ObjectInfo,
    ObjectStore,
    PutResult,
    check_same_size,
    hash_file,
    key_for,
    parse_key,
    spool,
)

MIN_PART_SIZE = 5 * 1024 * 1024  # the S3 minimum for every part but the last
_NOT_FOUND = {"NoSuchKey", "NoSuchBucket", "NoSuchVersion", "NoSuchObject", "ResourceNotFound"}
_DENIED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"}


@contextmanager
def _translated(key: str = "") -> Iterator[None]:
    """SDK and transport errors become builtins or StorageUnavailable, as the interface promises."""
    try:
        yield
    except S3Error as exc:
        if exc.code in _NOT_FOUND:
            raise FileNotFoundError(errno.ENOENT, exc.message or exc.code, key) from exc
        if exc.code in _DENIED:
            raise PermissionError(errno.EACCES, exc.message or exc.code, key) from exc
        raise
    except (ServerError, InvalidResponseError, urllib3.exceptions.HTTPError, ConnectionError) as exc:
        raise StorageUnavailable("storage.unavailable", detail=_cause(exc)) from exc


def _cause(exc: BaseException) -> str:
    """What went wrong in a few words: urllib3 wraps the cause in its retry and pool errors, each naming it."""
    if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
        exc = exc.reason
    text = str(exc) or type(exc).__name__
    if text.startswith(("HTTPConnection", "HTTPSConnection")) and "): " in text:
        text = text.split("): ", 1)[1]  # "HTTPConnection(host=…, port=…): Failed to establish…"
    return text[:200]


class _HashingReader:
    """Hashes what the SDK reads, so the uploaded bytes are the bytes the key names."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _object_info(obj: Object) -> ObjectInfo:
    # S3 always sends the key, size and Last-Modified for a stored object; the SDK types them optional.
    return ObjectInfo(cast(str, obj.object_name), obj.size or 0, obj.etag, cast(datetime, obj.last_modified))


def _http_client(secure: bool, retries: int) -> urllib3.PoolManager:
    # The SDK default waits 5 minutes to connect and retries 5 times; an outage should surface in seconds.
    retry = urllib3.Retry(total=retries, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504])
    timeout = urllib3.Timeout(connect=10, read=300)
    if secure:
        ca_certs = os.environ.get("SSL_CERT_FILE") or certifi.where()
        return urllib3.PoolManager(
            timeout=timeout, retries=retry, cert_reqs="CERT_REQUIRED", ca_certs=ca_certs
        )
    return urllib3.PoolManager(timeout=timeout, retries=retry)


class S3Store(ObjectStore):
    """Objects in one bucket, created on first write (optionally with object lock)."""

    def __init__(
        self,
        endpoint: str,
        access_key: str | None,
        secret_key: str | None,
        bucket: str,
        *,
        secure: bool = False,
        region: str | None = None,
        part_size: int = 16 * 1024 * 1024,
        object_lock: bool = False,
        lock_mode: str = "governance",
        spool_dir: str | os.PathLike[str] | None = None,
        retries: int = 3,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3 minimum)")
        self.client = Minio(
            endpoint,
            access_key,
            secret_key,
            secure=secure,
            region=region,
            http_client=_http_client(secure, retries),
        )
        self.bucket = bucket
        self.part_size = part_size
        self.object_lock = object_lock
        if lock_mode not in ("governance", "compliance"):
            raise ValueError(f"lock_mode must be governance or compliance, not {lock_mode!r}")
        self.lock_mode = COMPLIANCE if lock_mode == "compliance" else GOVERNANCE
        self.supports_lock = object_lock
        self.spool_dir = Path(spool_dir) if spool_dir is not None else None
        self._bucket_ready = False
        self._keeps_versions: bool | None = None

    def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (with object lock if asked for)."""
        if self._bucket_ready:
            return
        with _translated():
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket, object_lock=self.object_lock)
                except S3Error as exc:
                    # Another process won the race to create it.
                    if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise
        self._bucket_ready = True

    def put_file(self, path: str | os.PathLike[str], *, kind: str, sha256: str | None = None) -> PutResult:
        """Store a file unless its content is already stored; the upload is hashed and checked."""
        size = os.stat(path).st_size
        if size == 0:
            raise RejectedInput("input.empty")
        if sha256 is None:
            sha256 = hash_file(path)[0]
        key = key_for(kind, sha256)
        self.ensure_bucket()
        existing = self._stat_or_none(key)
        if existing is not None:
            check_same_size(key, existing.size, size)
            return PutResult(key, sha256, size, created=False)
        return self._upload(Path(path), key, sha256, size)

    def put_stream(self, stream: BinaryIO, *, kind: str, max_bytes: int | None = None) -> PutResult:
        """Spool a stream to a temp file while hashing (bounded memory), then store the file."""
        temp, sha256, size = spool(stream, self.spool_dir, max_bytes=max_bytes)
        try:
            return self.put_file(temp, kind=kind, sha256=sha256)
        finally:
            temp.unlink(missing_ok=True)

    def _upload(self, path: Path, key: str, sha256: str, size: int) -> PutResult:
        # Check-then-put leaves a window where two writers both upload; the bytes are identical
        # (the key is their hash), so the loser at worst adds an identical version.
        with path.open("rb") as source, _translated(key):
            reader = _HashingReader(source)
            result = self.client.put_object(
                self.bucket, key, reader, length=size, part_size=self.part_size,
                # One part in flight keeps memory at about one part_size per upload.
                num_parallel_uploads=1, metadata={"sha256": sha256},
            )  # fmt: skip
        if reader.digest.hexdigest() != sha256 or reader.size != size:
            with _translated(key):
                self.client.remove_object(self.bucket, key, version_id=result.version_id)
            raise ValueError(f"{path}: content hashes to {reader.digest.hexdigest()}, not the given {sha256}")
        return PutResult(key, sha256, size, created=True)

    def _stat_or_none(self, key: str) -> ObjectInfo | None:
        try:
            return self.stat(key)
        except FileNotFoundError:
            return None

    def stat(self, key: str) -> ObjectInfo:
        """Size, etag and time of an object; FileNotFoundError when absent."""
        parse_key(key)
        with _translated(key):
            obj = self.client.stat_object(self.bucket, key)
        return _object_info(obj)

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        """The object's body as a streamed HTTP response, closed and its connection released on exit."""
        parse_key(key)
        with _translated(key):
            response = self.client.get_object(self.bucket, key)
            try:
                yield cast(BinaryIO, response)
            finally:
                response.close()
                response.release_conn()

    def delete(self, key: str, *, all_versions: bool = True) -> None:
        """Remove an object; with all_versions (default) every version and delete marker too."""
        parse_key(key)
        if not all_versions:
            self.stat(key)
            with _translated(key):
                self.client.remove_object(self.bucket, key)
            return
        with _translated(key):
            versions = [
                obj.version_id
                for obj in self.client.list_objects(self.bucket, prefix=key, include_version=True)
                if obj.object_name == key
            ]
            if not versions:
                raise FileNotFoundError(errno.ENOENT, "no such object", key)
            for version_id in versions:
                self.client.remove_object(self.bucket, key, version_id=version_id)

    def _version_ids(self, key: str) -> list[str | None]:
        with _translated(key):
            return [
                obj.version_id
                for obj in self.client.list_objects(self.bucket, prefix=key, include_version=True)
                if obj.object_name == key
            ]

    def _versioned(self) -> bool:
        """Whether the bucket keeps versions (versioning on or suspended, or object lock), asked once."""
        if self._keeps_versions is None:
            with _translated():
                status = self.client.get_bucket_versioning(self.bucket).status
            self._keeps_versions = self.object_lock or status in ("Enabled", "Suspended")
        return self._keeps_versions

    def delete_many(
        self, keys: list[str], *, on_deleted: Callable[[str], None] | None = None, workers: int = 8
    ) -> dict[str, str | None]:
        """Delete objects with every version: one DeleteObjects request per 1,000 keys where the bucket keeps
        no versions, else each key's versions listed and deleted (key → None when gone, else the error).

        When a whole request fails, which of its keys went first is unknown: each is reported "uncertain"."""
        for key in keys:
            parse_key(key)
        if not keys:
            return {}
        self.ensure_bucket()
        if self._versioned():
            return super().delete_many(keys, on_deleted=on_deleted, workers=workers)
        outcome: dict[str, str | None] = dict.fromkeys(keys)
        try:
            with _translated():
                for start in range(0, len(keys), 1000):
                    targets = [DeleteObject(k) for k in keys[start : start + 1000]]
                    for error in self.client.remove_objects(self.bucket, targets):
                        if error.code not in _NOT_FOUND:
                            outcome[error.name or ""] = f"{error.code}: {error.message}"
        except (StorageUnavailable, PermissionError) as exc:
            # The request failed as a whole; a re-run deletes what is left (deleting the absent is harmless).
            return {k: f"uncertain: {type(exc).__name__}: {exc}"[:300] for k in keys}
        for key, error in outcome.items():
            if error is None and on_deleted is not None:
                on_deleted(key)
        return outcome

    def versions(self, key: str) -> int:
        """How many versions and delete markers the bucket keeps under key (0 once every one is gone)."""
        parse_key(key)
        return len(self._version_ids(key))

    def set_retention(self, key: str, until: date) -> None:
        """Retain every version of the object until the start (UTC) of `until`, in the store's lock mode."""
        parse_key(key)
        retention = Retention(self.lock_mode, datetime.combine(until, time(), UTC))
        versions = [v for v in self._version_ids(key) if v]
        if not versions:
            raise FileNotFoundError(errno.ENOENT, "no such object", key)
        with _translated(key):
            for version_id in versions:
                self.client.set_object_retention(self.bucket, key, retention, version_id=version_id)

    def set_legal_hold(self, key: str, on: bool) -> None:
        """Set or lift the S3 legal hold on every version of the object."""
        parse_key(key)
        versions = [v for v in self._version_ids(key) if v]
        if not versions:
            raise FileNotFoundError(errno.ENOENT, "no such object", key)
        with _translated(key):
            for version_id in versions:
                if on:
                    self.client.enable_object_legal_hold(self.bucket, key, version_id=version_id)
                else:
                    self.client.disable_object_legal_hold(self.bucket, key, version_id=version_id)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with prefix, in key order (nothing when the bucket is missing)."""
        try:
            with _translated():
                for obj in self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True):
                    if not obj.is_dir:
                        yield _object_info(obj)
        except FileNotFoundError:
            return

    def presigned_url(self, key: str, expires: timedelta) -> str | None:
        """A presigned GET URL valid for `expires` (S3 allows at most 7 days)."""
        parse_key(key)
        with _translated(key):
            return self.client.presigned_get_object(self.bucket, key, expires=expires)
