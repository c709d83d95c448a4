"""8 users searching at once over HTTP against `dangan serve --workers N`, for N = 1 and more (issue 14: p95 <
100 ms at 100k documents). Used by `bench.web --processes 1,2`.

Each user is a thread with its own HTTP connection signed in as staff member bob, sending GET /api/search
(a query from bench.web.QUERIES, 20 hits, facets) back to back for --seconds after a warm-up (every query of
the pool once per user, so each process has read the posting lists it will be asked for); wall time per
request. The references, measured in the same run: the same load against one process, and one user alone.
The machine's load average (1 minute) at the end of each row is reported beside it: the machine is shared.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.api.world import PASSWORD


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_load(home: Path, processes: int, users: int, seconds: float, queries: tuple[str, ...]) -> tuple:
    """(processes, users, requests, p50, p95, max, requests/s, load average) for users searching at once for
    `seconds`."""
    port = _free_port()
    env = {**os.environ, "DANGAN_HOME": str(home), "DANGAN_SERVE_WORKER": "false", "DANGAN_QUEUE_BACKEND": "sqlite",
           "DANGAN_LOG_LEVEL": "WARNING", "DANGAN_COOKIE_SECURE": "never", "DANGAN_OCR_WORKERS": "1"}  # fmt: skip
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--workers", str(processes),
         "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not come up")
            time.sleep(0.5)
        times: list[float] = []
        lock = threading.Lock()
        start = threading.Barrier(users)

        def user(n: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                assert (
                    client.post("/api/login", json={"login": "bob", "password": PASSWORD}).status_code == 200
                )
                for k in range(len(queries)):  # warm-up: this process's searchers and caches
                    client.get("/api/search", params={"q": queries[(n + k) % len(queries)], "limit": 20,
                                                      "facets": "true"})  # fmt: skip
                start.wait()
                mine, k, until = [], n, time.monotonic() + seconds
                while time.monotonic() < until:
                    t0 = time.perf_counter()
                    answer = client.get("/api/search", params={"q": queries[k % len(queries)], "limit": 20,
                                                               "facets": "true"})  # fmt: skip
                    mine.append((time.perf_counter() - t0) * 1000)
                    assert answer.status_code == 200, answer.text[:200]
                    k += 1
                with lock:
                    times.extend(mine)

        threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return (processes, users, len(times), statistics.median(times), _percentile(times, 0.95), max(times),
            len(times) / seconds, os.getloadavg()[0])  # fmt: skip
