"""Destruction against a real S3 server (SeaweedFS): a server stopped mid-batch, and WORM object lock."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from minio.versioningconfig import ENABLED, VersioningConfig

from core.errors import DanganError
from core.settings import Settings
from retention.holds import add_hold, release_hold
from retention.models import DestructionBatch
from retention.schedule import recompute
from retention.worm import after_hold, lock_records
from tests.api.world import build_world
from tests.retention.conftest import add_record, user
from tests.retention.helpers import approved_batch, execute
from tests.retention.test_destroy import keys_of
from tests.support import s3server
from workflows.runtime import Runtime
from workflows.setup import initialise

pytestmark = pytest.mark.s3


def s3_world(settings, server, bucket, **extra):
    s3 = Settings(**(settings.model_dump() | server.settings(bucket) | extra), _env_file=None)
    runtime = Runtime(s3)
    initialise(runtime)
    return build_world(None, runtime)


def restart(server: s3server.S3Server) -> None:
    """Start the stopped server again on its ports and data (the outage ends)."""
    with (server.workdir / "weed.log").open("ab") as log:
        server.process = subprocess.Popen(
            s3server._command(server.workdir, server.ports, server.workdir / "s3.json"),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=server.workdir,
        )  # fmt: skip
    s3server._wait_ready(server, 30)


@pytest.fixture
def outage_server():
    server = s3server.start_s3_server()
    yield server
    s3server.stop_s3_server(server)


def test_store_failure_mid_batch_leaves_it_resumable_and_a_rerun_finishes(settings, outage_server):
    world = s3_world(settings, outage_server, "outage")
    store = world.runtime.store
    store.ensure_bucket()
    store.client.set_bucket_versioning(store.bucket, VersioningConfig(ENABLED))
    docs = [add_record(world) for _ in range(4)]
    keys = {d: keys_of(world, d) for d in docs}
    batch = approved_batch(world, docs)
    deleted: list[str] = []

    def stop_after_third_key(key: str) -> None:
        deleted.append(key)
        if len(deleted) == 3:  # the first key of the second record: the server goes down
            s3server.stop_s3_server(outage_server, keep_workdir=True)

    with pytest.raises(DanganError) as caught:
        execute(world, batch, chunk=1, on_deleted=stop_after_third_key)
    assert caught.value.code == "batch.interrupted"
    with world.runtime.factory() as session:
        state = session.get_one(DestructionBatch, batch)
        assert state.state == "interrupted"
        assert {i.document_id: i.state for i in state.items} == {
            docs[0]: "destroyed",
            docs[1]: "partial",
            docs[2]: "pending",
            docs[3]: "pending",
        }
    assert "destroyed 1, partial 1, untouched 2" in caught.value.message("en")
    restart(outage_server)
    assert not any(store.exists(k) for k in keys[docs[0]])
    assert all(store.exists(k) for d in docs[2:] for k in keys[d])
    report = execute(world, batch)
    assert report.state == "destroyed" and sorted(report.destroyed) == sorted(docs)
    assert all(store.versions(k) == 0 for d in docs for k in keys[d])
    world.runtime.close()


def test_worm_bucket_refuses_early_delete_and_honours_legal_hold(settings, s3_server, s3_bucket):
    world = s3_world(settings, s3_server, s3_bucket, s3_object_lock="governance")
    store = world.runtime.store
    doc = add_record(world, doc_date=date(2030, 3, 5))  # due 2041-01-01
    expired = add_record(world, doc_date=date(2010, 3, 5))  # due 2021-01-01: already past
    with world.runtime.factory() as session, session.begin():
        recompute(session)
        assert lock_records(session, store, today=date.today(), permanent_years=10) == 1
    key = keys_of(world, doc)[0]
    retention = store.client.get_object_retention(store.bucket, key)
    assert retention.retain_until_date.date() == date(2041, 1, 1)
    with pytest.raises(PermissionError):  # even the admin key cannot delete before the due date
        store.delete(key)
    assert store.exists(key)
    deed = add_record(world, doc_type="title_deed")  # permanent: a far date, renewed by the lock job
    with world.runtime.factory() as session, session.begin():
        recompute(session, document_ids=[deed])
        lock_records(session, store, today=date.today(), permanent_years=10)
    far = store.client.get_object_retention(store.bucket, keys_of(world, deed)[0]).retain_until_date.date()
    assert far == date.today().replace(year=date.today().year + 10)
    free = keys_of(world, expired)[0]
    with world.runtime.factory() as session, session.begin():
        hold = add_hold(session, world.runtime.index, actor=user(session, world, "officer"), name="诉讼", reason="法院",
                        scope="documents", document_ids=[expired])  # fmt: skip
        after_hold(session, store, hold)
    assert store.client.is_object_legal_hold_enabled(store.bucket, free)
    with pytest.raises(PermissionError):
        store.delete(free)
    with world.runtime.factory() as session, session.begin():
        released = release_hold(
            session, actor=user(session, world, "officer"), hold_id=hold.id, reason="结案"
        )
        after_hold(session, store, released)
    assert not store.client.is_object_legal_hold_enabled(store.bucket, free)
    batch = approved_batch(world, [expired])
    assert execute(world, batch).destroyed == [expired]
    assert store.versions(free) == 0
    world.runtime.close()


def test_worm_batch_on_a_record_locked_beyond_today_is_refused_by_the_store(settings, s3_server, s3_bucket):
    world = s3_world(settings, s3_server, s3_bucket, s3_object_lock="compliance")
    store = world.runtime.store
    doc = add_record(world, doc_date=date(2030, 3, 5))  # due 2041-01-01; the batch pretends it is 2060
    with world.runtime.factory() as session, session.begin():
        from retention.schedule import recompute

        recompute(session)
        lock_records(session, store, today=date.today(), permanent_years=10)
    batch = approved_batch(world, [doc])
    with pytest.raises(DanganError) as caught:
        execute(world, batch)
    assert caught.value.code == "batch.interrupted" and "PermissionError" in caught.value.message("en")
    assert all(store.exists(k) for k in keys_of(world, doc))
    world.runtime.close()


def test_delete_many_in_one_request_removes_every_key_and_counts_absent_ones_as_gone(
    s3_server, s3_bucket, tmp_path
):
    import io

    from storage import S3Store

    store = S3Store(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, s3_bucket)
    keys = [store.put_stream(io.BytesIO(f"object {i}".encode()), kind="original").key for i in range(5)]
    store.delete(keys[0])
    seen: list[str] = []
    assert store.delete_many(keys, on_deleted=seen.append) == dict.fromkeys(keys)
    assert sorted(seen) == sorted(keys) and not any(store.exists(k) for k in keys)


def test_cli_execute_json_reports_the_interruption_in_its_summary(
    settings, s3_server, s3_bucket, monkeypatch
):
    import json
    from datetime import timedelta

    from typer.testing import CliRunner

    from api.cli import app
    from tests.retention.test_cli import OLD

    world = s3_world(settings, s3_server, s3_bucket, s3_object_lock="compliance")
    for name, value in (world.runtime.settings.model_dump() | {"home": str(settings.home)}).items():
        if name in ("home", "database_url", "storage_backend", "s3_endpoint", "s3_access_key", "s3_secret_key",
                    "s3_bucket", "s3_object_lock") and value is not None:  # fmt: skip
            monkeypatch.setenv(f"DANGAN_{name.upper()}", str(value))
    doc = add_record(world, doc_date=OLD)  # due 2021-01-01, but its store lock runs a day longer
    world.runtime.store.set_retention(keys_of(world, doc)[0], date.today() + timedelta(days=2))
    batch = approved_batch(world, [doc])
    result = CliRunner().invoke(
        app, ["retention", "batch", "execute", str(batch), "--json", "--user", "officer"]
    )
    assert result.exit_code == 1 and "PermissionError" in result.stderr
    summary = json.loads(result.stdout.splitlines()[-1])["summary"]
    assert (
        summary["state"] == "interrupted"
        and summary["partial"] == [doc]
        and summary["error"] == "batch.interrupted"
    )
    world.runtime.close()
