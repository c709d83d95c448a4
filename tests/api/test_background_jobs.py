"""Uploads return at once; a real huey worker (SQLite queue, or Redis) files and indexes in the background."""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import Settings
from tests.api.test_cli_ingest import LICENCE
from tests.api.world import build_world
from tests.ingest import samples


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _wait_indexed(client: TestClient, document_id: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/api/documents/{document_id}/status").json()
        if status["state"] in ("indexed", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"document {document_id} still {status['state']} after {timeout}s")


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_worker_processes_uploads_in_the_background(backend, settings, ocr_pool, tmp_path):
    if backend == "redis" and not _redis_up():
        pytest.fail("Redis is part of this machine kind and must be running on 127.0.0.1:6379")
    queued = Settings(
        **(settings.model_dump() | {"queue_backend": backend, "queue_name": f"t{uuid.uuid4().hex[:10]}"}),
        _env_file=None,
    )
    app = create_app(queued, start_worker=True)
    app.state.runtime.ocr_pool = ocr_pool
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    with TestClient(app):
        world = build_world(app, app.state.runtime)
        archivist = world.client("archivist")
        with open(pdf, "rb") as fh:
            response = archivist.post("/api/documents", files={"file": ("licence.pdf", fh)})
        assert response.status_code == 202
        assert response.json()["state"] in ("queued", "processing", "filed", "indexed")
        status = _wait_indexed(archivist, response.json()["document_id"])
        assert status["state"] == "indexed"
        hits = world.client("md").get("/api/search", params={"q": "明远贸易"}).json()["hits"]
        assert [h["document_id"] for h in hits] == [response.json()["document_id"]]
    if backend == "redis":
        server = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in server.scan_iter(f"huey.*{queued.queue_name}*"):
            server.delete(key)
