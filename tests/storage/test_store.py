"""The same behaviour from both object stores: files on disk and a real S3 server (SeaweedFS)."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from minio.versioningconfig import ENABLED, VersioningConfig

from core.errors import Conflict, RejectedInput, StorageUnavailable
from core.settings import Settings
from storage import FilesystemStore, ObjectStore, S3Store, key_for, make_store, parse_key
from tests.support.s3server import S3Server, start_s3_server, stop_s3_server

PART_SIZE = 5 * 1024 * 1024
MiB = 1024 * 1024


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read(store: ObjectStore, key: str) -> bytes:
    with store.open(key) as stream:
        return stream.read()


def tamper(store: ObjectStore, key: str, data: bytes) -> None:
    """Change stored bytes behind the store's back, as a failing disk or a rogue admin would."""
    if isinstance(store, FilesystemStore):
        path = store.root / key
        path.chmod(0o644)
        path.write_bytes(data)
    else:
        assert isinstance(store, S3Store)
        store.client.put_object(store.bucket, key, io.BytesIO(data), len(data))


def leftovers(store: ObjectStore) -> list[Path]:
    """Temp files a put left behind."""
    directory = store.root / ".incoming" if isinstance(store, FilesystemStore) else store.spool_dir
    return sorted(directory.iterdir()) if directory and directory.exists() else []


class RepeatingStream:
    """`total` bytes of a fixed random 1 MiB block, made on demand so the test holds only the block."""

    def __init__(self, total: int) -> None:
        self.block = hashlib.sha256(b"seed").digest() * (MiB // 32)
        self.total, self.offset = total, 0

    def read(self, size: int = -1) -> bytes:
        size = min(MiB if size < 0 else size, MiB, self.total - self.offset)
        start = self.offset % MiB
        chunk = (self.block[start:] + self.block[:start])[:size]
        self.offset += len(chunk)
        return chunk


def new_s3_store(server: S3Server, bucket: str, tmp_path: Path, **options: Any) -> S3Store:
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir(exist_ok=True)
    return S3Store(
        server.endpoint, server.access_key, server.secret_key, bucket,
        part_size=PART_SIZE, spool_dir=spool_dir, **options,
    )  # fmt: skip


@pytest.fixture(params=["fs", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "fs":
        return FilesystemStore(tmp_path / "objects")
    return new_s3_store(request.getfixturevalue("s3_server"), request.getfixturevalue("s3_bucket"), tmp_path)


@pytest.fixture
def s3_store(s3_server: S3Server, s3_bucket: str, tmp_path: Path) -> S3Store:
    return new_s3_store(s3_server, s3_bucket, tmp_path)


def test_put_stream_then_open_returns_the_same_bytes(store: ObjectStore) -> None:
    result = store.put_stream(io.BytesIO("客户档案 contract".encode()), kind="original")
    assert read(store, result.key) == "客户档案 contract".encode()


def test_key_is_kind_prefix_and_sha256_of_content(store: ObjectStore, tmp_path: Path) -> None:
    data = b"%PDF-1.7 business licence"
    source = tmp_path / "licence.pdf"
    source.write_bytes(data)
    result = store.put_file(source, kind="derivative")
    digest = sha(data)
    assert result.key == f"derivatives/{digest[:2]}/{digest[2:4]}/{digest}"
    assert (result.sha256, result.size, result.created) == (digest, len(data), True)
    assert store.stat(result.key).size == len(data)


def test_same_bytes_twice_are_not_stored_again_and_object_is_unchanged(
    store: ObjectStore, tmp_path: Path
) -> None:
    first = store.put_stream(io.BytesIO(b"title deed"), kind="original")
    before = store.stat(first.key)
    source = tmp_path / "again.pdf"
    source.write_bytes(b"title deed")
    again = store.put_file(source, kind="original")
    again_with_hash = store.put_file(source, kind="original", sha256=first.sha256)
    assert (again.created, again_with_hash.created) == (False, False)
    assert again.key == again_with_hash.key == first.key
    assert store.stat(first.key) == before
    assert [info.key for info in store.list()] == [first.key]


def test_existing_object_of_another_size_is_a_conflict_and_not_overwritten(store: ObjectStore) -> None:
    first = store.put_stream(io.BytesIO(b"original bytes"), kind="original")
    tamper(store, first.key, b"truncated")
    with pytest.raises(Conflict):
        store.put_stream(io.BytesIO(b"original bytes"), kind="original")
    assert read(store, first.key) == b"truncated"


def test_put_file_with_wrong_sha256_stores_nothing(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "scan.png"
    source.write_bytes(b"scan")
    with pytest.raises(ValueError, match="hashes to"):
        store.put_file(source, kind="original", sha256=sha(b"something else"))
    assert list(store.list()) == []
    assert leftovers(store) == []


@pytest.mark.parametrize("operation", ["stat", "open", "delete", "verify"])
def test_missing_object_raises_file_not_found(store: ObjectStore, operation: str) -> None:
    key = key_for("original", sha(b"never stored"))
    with pytest.raises(FileNotFoundError):
        if operation == "open":
            with store.open(key):
                pass
        else:
            getattr(store, operation)(key)
    assert not store.exists(key)


def test_delete_removes_the_object(store: ObjectStore) -> None:
    kept = store.put_stream(io.BytesIO(b"kept"), kind="original")
    gone = store.put_stream(io.BytesIO(b"destroyed"), kind="original")
    store.delete(gone.key)
    assert not store.exists(gone.key)
    assert store.exists(kept.key)
    with pytest.raises(FileNotFoundError):
        store.stat(gone.key)


def test_list_yields_objects_under_prefix_in_key_order(store: ObjectStore) -> None:
    originals = [store.put_stream(io.BytesIO(data), kind="original") for data in (b"a", b"b", b"c")]
    derivative = store.put_stream(io.BytesIO(b"a"), kind="derivative")
    listed = list(store.list("originals/"))
    assert [info.key for info in listed] == sorted(result.key for result in originals)
    assert [info.size for info in listed] == [1, 1, 1]
    assert {info.key for info in store.list()} == {derivative.key, *(result.key for result in originals)}
    assert list(store.list("registers/")) == []


def test_verify_passes_intact_object_and_detects_tampering(store: ObjectStore) -> None:
    result = store.put_stream(io.BytesIO(b"loan slip 001"), kind="original")
    assert store.verify(result.key, result.sha256)
    assert store.verify(result.key)
    tamper(store, result.key, b"loan slip 002")
    assert not store.verify(result.key, result.sha256)


def test_download_writes_the_object_to_a_file(store: ObjectStore, tmp_path: Path) -> None:
    result = store.put_stream(io.BytesIO(b"register of destruction"), kind="register")
    dest = tmp_path / "out.bin"
    store.download(result.key, dest)
    assert dest.read_bytes() == b"register of destruction"


def test_stream_over_max_bytes_is_rejected_and_leaves_nothing(store: ObjectStore) -> None:
    with pytest.raises(RejectedInput) as caught:
        store.put_stream(RepeatingStream(3 * MiB), kind="original", max_bytes=2 * MiB)
    assert caught.value.code == "input.too_large"
    assert caught.value.params["limit"] == 2 * MiB
    assert caught.value.params["size"] > 2 * MiB
    assert list(store.list()) == []
    assert leftovers(store) == []


def test_oversized_file_stream_reports_its_full_size(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "big.tif"
    source.write_bytes(b"x" * (3 * MiB))
    with source.open("rb") as stream, pytest.raises(RejectedInput) as caught:
        store.put_stream(stream, kind="original", max_bytes=MiB)
    assert caught.value.params["size"] == 3 * MiB


def test_empty_stream_is_rejected(store: ObjectStore) -> None:
    with pytest.raises(RejectedInput) as caught:
        store.put_stream(io.BytesIO(b""), kind="original")
    assert caught.value.code == "input.empty"
    assert list(store.list()) == []
    assert leftovers(store) == []


def test_large_stream_is_hashed_correctly_with_bounded_memory(store: ObjectStore) -> None:
    total = 40 * MiB
    expected = hashlib.sha256()
    source = RepeatingStream(total)
    while chunk := source.read(MiB):
        expected.update(chunk)
    tracemalloc.start()
    try:
        result = store.put_stream(RepeatingStream(total), kind="original")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (result.sha256, result.size) == (expected.hexdigest(), total)
    assert peak < 3 * PART_SIZE, f"peak {peak / MiB:.1f} MiB for a {total // MiB} MiB object"
    assert store.verify(result.key)


@pytest.mark.parametrize("key", ["../../etc/passwd", "originals/ab/cd/xyz", "originals/00/00/" + "ab" * 32])
def test_malformed_key_is_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(ValueError, match="malformed"):
        store.stat(key)


@pytest.mark.parametrize(
    ("kind", "digest"),
    [("thumbnail", "a" * 64), ("original", "A" * 64), ("original", "a" * 63), ("original", "g" * 64)],
)
def test_key_for_refuses_unknown_kind_or_non_sha256(kind: str, digest: str) -> None:
    with pytest.raises(ValueError):
        key_for(kind, digest)


def test_parse_key_inverts_key_for() -> None:
    digest = sha(b"x")
    assert parse_key(key_for("register", digest)) == ("register", digest)


def test_filesystem_objects_are_read_only_and_no_temp_files_remain(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path / "objects")
    result = store.put_stream(io.BytesIO(b"contract"), kind="original")
    assert (store.root / result.key).stat().st_mode & 0o777 == 0o444
    assert leftovers(store) == []


def test_filesystem_store_has_no_presigned_url(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path / "objects")
    result = store.put_stream(io.BytesIO(b"contract"), kind="original")
    assert store.presigned_url(result.key, timedelta(minutes=5)) is None


@pytest.mark.s3
def test_presigned_url_downloads_the_bytes(s3_store: S3Store) -> None:
    result = s3_store.put_stream(io.BytesIO(b"service record"), kind="original")
    url = s3_store.presigned_url(result.key, timedelta(minutes=5))
    assert url is not None and url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"service record"


def versions(store: S3Store, key: str) -> list[str | None]:
    return [
        obj.version_id for obj in store.client.list_objects(store.bucket, prefix=key, include_version=True)
    ]


@pytest.mark.s3
def test_versioned_bucket_delete_removes_every_version(s3_store: S3Store) -> None:
    s3_store.ensure_bucket()
    s3_store.client.set_bucket_versioning(s3_store.bucket, VersioningConfig(ENABLED))
    result = s3_store.put_stream(io.BytesIO(b"version one"), kind="original")
    tamper(s3_store, result.key, b"version two")
    assert len(versions(s3_store, result.key)) == 2
    s3_store.delete(result.key)
    assert versions(s3_store, result.key) == []
    assert not s3_store.exists(result.key)


@pytest.mark.s3
def test_delete_of_latest_only_keeps_history_in_versioned_bucket(s3_store: S3Store) -> None:
    s3_store.ensure_bucket()
    s3_store.client.set_bucket_versioning(s3_store.bucket, VersioningConfig(ENABLED))
    result = s3_store.put_stream(io.BytesIO(b"version one"), kind="original")
    s3_store.delete(result.key, all_versions=False)
    assert not s3_store.exists(result.key)
    assert versions(s3_store, result.key) != []
    s3_store.delete(result.key)
    assert versions(s3_store, result.key) == []


@pytest.mark.s3
def test_bucket_is_created_with_object_lock_when_asked(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    store = new_s3_store(s3_server, s3_bucket, tmp_path, object_lock=True)
    store.put_stream(io.BytesIO(b"worm"), kind="original")
    store.client.get_object_lock_config(s3_bucket)  # raises when the bucket has no object lock


@pytest.mark.s3
def test_stopped_s3_server_raises_storage_unavailable(tmp_path: Path) -> None:
    server = start_s3_server()
    try:
        store = new_s3_store(server, "outage", tmp_path, retries=1)
        stored = store.put_stream(io.BytesIO(b"before the outage"), kind="original")
    finally:
        stop_s3_server(server)
    with pytest.raises(StorageUnavailable):
        store.stat(stored.key)
    with pytest.raises(StorageUnavailable):
        store.put_stream(io.BytesIO(b"during the outage"), kind="original")
    assert leftovers(store) == []


@pytest.mark.s3
def test_wrong_s3_credentials_raise_permission_error(s3_server: S3Server, s3_bucket: str) -> None:
    store = S3Store(s3_server.endpoint, s3_server.access_key, "not-the-secret", s3_bucket)
    with pytest.raises(PermissionError):
        store.stat(key_for("original", sha(b"anything")))


def test_make_store_chooses_the_backend_from_settings(tmp_path: Path) -> None:
    fs = make_store(Settings(home=tmp_path))
    s3 = make_store(
        Settings(
            home=tmp_path,
            storage_backend="s3",
            s3_endpoint="127.0.0.1:1",
            s3_bucket="archive",
            s3_part_size=PART_SIZE,
        )
    )
    assert isinstance(fs, FilesystemStore) and fs.root == tmp_path / "objects"
    assert isinstance(s3, S3Store) and (s3.bucket, s3.part_size) == ("archive", PART_SIZE)
