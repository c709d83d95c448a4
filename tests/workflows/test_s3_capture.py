"""The capture path against a real S3 server (SeaweedFS started by the fixture)."""

from __future__ import annotations

import hashlib

import pytest

from core.settings import Settings
from tests.api.test_cli_ingest import LICENCE
from tests.ingest import samples
from workflows.capture import ingest_files
from workflows.runtime import Runtime
from workflows.setup import initialise


@pytest.fixture
def s3_runtime(settings, s3_server, new_s3_bucket_name, ocr_pool):
    s3 = Settings(**(settings.model_dump() | s3_server.settings(new_s3_bucket_name())), _env_file=None)
    rt = Runtime(s3, ocr_pool=ocr_pool)
    initialise(rt)
    yield rt
    rt.close()


def test_ingest_stores_original_in_s3_and_processes_from_it(s3_runtime, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    summary = ingest_files(s3_runtime, [pdf], actor="t")
    assert summary.ingested == 1
    keys = [o.key for o in s3_runtime.store.list()]
    assert len(keys) == 1 and keys[0].startswith("originals/")
    assert s3_runtime.store.verify(keys[0], hashlib.sha256(pdf.read_bytes()).hexdigest())


def test_capture_into_a_worm_bucket_retains_the_original_until_its_due_date(
    settings, s3_server, new_s3_bucket_name, ocr_pool, tmp_path
):
    from datetime import date

    from sqlalchemy import select

    from records.models import Document
    from retention.models import RecordRetention

    s3 = Settings(
        **(
            settings.model_dump()
            | s3_server.settings(new_s3_bucket_name())
            | {"s3_object_lock": "governance"}
        ),
        _env_file=None,
    )
    rt = Runtime(s3, ocr_pool=ocr_pool)
    try:
        initialise(rt)
        pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
        assert ingest_files(rt, [pdf], actor="t").ingested == 1
        with rt.factory() as session:
            doc = session.scalars(select(Document)).one()
            retention = session.get_one(RecordRetention, doc.id)
            key, locked = doc.object_key, retention.locked_until
        assert locked is not None and locked > date.today()
        assert rt.store.client.get_object_retention(rt.store.bucket, key).retain_until_date.date() == locked
        with pytest.raises(PermissionError):  # not even the archive's own key deletes it early
            rt.store.delete(key)
        assert rt.store.exists(key)
    finally:
        rt.close()
