"""Object storage: originals, derivatives and registers under content-addressed keys."""

from __future__ import annotations

from core.settings import Settings
from storage.base import KIND_PREFIXES, ObjectInfo, ObjectStore, PutResult, key_for, parse_key
from storage.filesystem import FilesystemStore
from storage.s3 import S3Store

__all__ = [
    "KIND_PREFIXES",
    "FilesystemStore",
    "ObjectInfo",
    "ObjectStore",
    "PutResult",
    "S3Store",
    "key_for",
    "make_store",
    "parse_key",
]


def make_store(settings: Settings) -> ObjectStore:
    """The store the settings choose: files under objects_dir, or the S3 bucket."""
    if settings.storage_backend == "s3":
        return S3Store(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key,
            settings.s3_bucket,
            secure=settings.s3_secure,
            region=settings.s3_region,
            part_size=settings.s3_part_size,
            object_lock=settings.s3_object_lock != "off",
            lock_mode="compliance" if settings.s3_object_lock == "compliance" else "governance",
        )
    return FilesystemStore(settings.objects_dir)
