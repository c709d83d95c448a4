"""Several processes on one archive: `dangan serve --workers 2` (two web processes and the worker it starts
beside them) and one more `dangan worker`, against one PostgreSQL, one SeaweedFS and one Redis; files are
uploaded through the web processes while both search, and every one ends up filed and indexed once — found
by a search in either web process — with nothing failed or lost. Their JSON logs carry request ids and no
secret, password, query or document text.

PostgreSQL only (several machines' processes share a database server; SQLite is for one process).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import psutil
import pytest
from huey import RedisHuey
from sqlalchemy import func, select

from core.settings import Settings
from records.models import Document
from tests.api.world import PASSWORD, build_world
from tests.conftest import PG_URL
from tests.ingest import samples
from workflows.runtime import Runtime
from workflows.setup import initialise

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="several processes share PostgreSQL: set DANGAN_TEST_DATABASE_URL"
)
REDIS_DB = 11  # not the default 0: other things on this machine use Redis
FILES = 12


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", *args], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this test started for it
            process.wait(10)


def _levels(runtime: Runtime) -> list[tuple]:
    with runtime.factory() as session:
        return list(
            session.execute(select(Document.id, Document.doc_type, Document.level, Document.customer_id))
        )


def _customers(runtime: Runtime) -> list[tuple]:
    from records.models import Customer

    with runtime.factory() as session:
        return list(session.execute(select(Customer.id, Customer.name, Customer.department)))


def _wait_up(base: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{base} did not come up")


def test_two_web_processes_and_two_workers_ingest_and_search_without_conflicts(tmp_path, database_url, s3_server,
                                                                              s3_bucket):  # fmt: skip
    queue = f"t{uuid.uuid4().hex[:10]}"
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "DANGAN_HOME": str(tmp_path / "home"),
           "DANGAN_DATABASE_URL": database_url or "", "DANGAN_QUEUE_BACKEND": "redis", "DANGAN_REDIS_URL": redis_url,
           "DANGAN_QUEUE_NAME": queue, "DANGAN_OCR_WORKERS": "1", "DANGAN_LOG_FORMAT": "json",
           "DANGAN_SMTP_PASSWORD": "smtp-secret-Zq81", "DANGAN_STORAGE_BACKEND": "s3",
           "DANGAN_S3_ENDPOINT": s3_server.endpoint, "DANGAN_S3_ACCESS_KEY": s3_server.access_key,
           "DANGAN_S3_SECRET_KEY": s3_server.secret_key, "DANGAN_S3_BUCKET": s3_bucket,
           "DANGAN_PROCESSING_LEASE": "60", "DANGAN_COOKIE_SECURE": "never"}  # fmt: skip
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")  # every process here counts into one place
    (tmp_path / "metrics").mkdir()
    settings = Settings(_env_file=None, **{k.removeprefix("DANGAN_").lower(): v for k, v in env.items()
                                           if k.startswith("DANGAN_")})  # fmt: skip
    runtime = Runtime(settings)
    initialise(runtime)
    world = build_world(None, runtime)
    token = world.tokens["archivist"]
    reader = {"Authorization": f"Bearer {world.tokens['bob']}"}  # sales1 reads c1's department-level records
    words = [f"核验词{uuid.uuid4().hex[:8]}" for _ in range(FILES)]
    files = [samples.write_text_pdf(tmp_path / f"f{i}.pdf", [[f"会议记录 第{i}次", f"专用词 {w}", "参会人员 讨论事项"]])
             for i, w in enumerate(words)]  # fmt: skip
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    serve = _start(["serve", "--workers", "2", "--port", str(port)], env, tmp_path / "serve.log")
    worker = _start(["worker"], env, tmp_path / "worker.log")
    errors: list[str] = []
    try:
        _wait_up(base)
        children = psutil.Process(serve.pid).children(recursive=True)
        assert len([c for c in children if "worker" not in " ".join(c.cmdline())]) >= 2  # two web processes
        headers = {"Authorization": f"Bearer {token}"}
        stop = threading.Event()

        def search_all_along() -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                while not stop.is_set():
                    answer = client.get("/api/search", params={"q": "会议记录"})
                    if answer.status_code != 200:
                        errors.append(f"search {answer.status_code}: {answer.text[:200]}")

        def upload(batch: list[Path]) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                for path in batch:
                    answer = client.post(
                        "/api/documents",
                        files={"file": (path.name, path.read_bytes(), "application/pdf")},
                        data={"customer": "客户c1"},
                    )
                    if answer.status_code != 202:
                        errors.append(f"upload {answer.status_code}: {answer.text[:200]}")

        searchers = [threading.Thread(target=search_all_along) for _ in range(2)]
        uploaders = [threading.Thread(target=upload, args=(files[i::2],)) for i in range(2)]
        for thread in searchers + uploaders:
            thread.start()
        for thread in uploaders:
            thread.join()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            with runtime.factory() as session:
                states = dict(
                    session.execute(select(Document.state, func.count()).group_by(Document.state)).all()
                )
            if states.get("indexed", 0) >= FILES or states.get("failed"):
                break
            time.sleep(1)
        stop.set()
        for thread in searchers:
            thread.join()
        assert errors == []
        assert states == {"indexed": FILES}, states
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for word in words:
                for _ in range(2):  # likely both web processes: each reads the index the workers wrote
                    hits = client.get("/api/search", params={"q": word}, headers=reader).json()
                    assert hits["total"] == 1, (word, hits, _levels(runtime), _customers(runtime))
            health = client.get("/healthz").json()
            assert health["status"] == "ok"
            metrics = client.get(
                "/metrics", headers={"Authorization": f"Bearer {world.tokens['admin']}"}
            ).text
        # counted by the worker processes, shown by a web process: multiprocess metrics
        assert f'dangan_ingest_documents_total{{outcome="indexed"}} {float(FILES)}' in metrics
        assert RedisHuey(queue, url=redis_url).pending_count() == 0
    finally:
        _stop(worker)
        _stop(serve)
        RedisHuey(queue, url=redis_url).storage.flush_all()
        runtime.close()
    logs = (tmp_path / "serve.log").read_text() + (tmp_path / "worker.log").read_text()
    requests = [
        json.loads(line)
        for line in logs.splitlines()
        if line.startswith("{") and '"event": "request"' in line
    ]
    assert len(requests) >= FILES and all(r["request_id"] and r["path"] for r in requests)
    for secret in (
        s3_server.secret_key,
        "smtp-secret-Zq81",
        PASSWORD,
        token,
        *words,
        "会议记录",
        world.tokens["bob"],
    ):
        assert secret not in logs, secret
