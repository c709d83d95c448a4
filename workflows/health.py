"""Health of the running parts (issue 14): database, object store, search index and job queue, each with its
state and latency. Checks run side by side with a time limit, so one part that hangs is reported as down
instead of holding the answer."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from storage.base import key_for
from workflows.runtime import Runtime

# The key of the empty file's hash: asking whether it exists is a round trip to the store, whatever the answer.
PROBE_KEY = key_for("checkpoint", hashlib.sha256(b"").hexdigest())
LIMIT = 5.0  # seconds a check may take before its part counts as down


@dataclass(frozen=True)
class PartHealth:
    """One part: up or down, how long the check took, and what failed (a class name and short reason)."""

    state: str
    latency_ms: float
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        found = {"state": self.state, "latency_ms": self.latency_ms}
        return found | ({"detail": self.detail} if self.detail else {})


@dataclass(frozen=True)
class Health:
    parts: dict[str, PartHealth]

    @property
    def ok(self) -> bool:
        return all(p.state == "up" for p in self.parts.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "down",
            "parts": {k: v.as_json() for k, v in self.parts.items()},
        }


def _database(runtime: Runtime, queue: Any) -> str:
    with runtime.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return ""


def _store(runtime: Runtime, queue: Any) -> str:
    runtime.store.exists(PROBE_KEY)
    return ""


def _index(runtime: Runtime, queue: Any) -> str:
    return f"{runtime.index.doc_count()} documents"


def _queue(runtime: Runtime, queue: Any) -> str:
    if queue is None:
        raise RuntimeError("no job queue in this process")
    return f"{queue.pending_count()} pending"


CHECKS = {"database": _database, "object_store": _store, "index": _index, "queue": _queue}


def _timed(check, runtime: Runtime, queue: Any) -> PartHealth:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        detail, state = check(runtime, queue), "up"
    except Exception as err:  # noqa: BLE001 - any failure of a part is its being down
        detail, state = f"{type(err).__name__}: {str(err)[:200]}", "down"
    return PartHealth(state, round((time.perf_counter() - started) * 1000, 1), detail)


def check_health(runtime: Runtime, queue: Any, *, limit: float = LIMIT) -> Health:
    """Every part's state and latency (a part slower than `limit` seconds is down)."""
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="health")
    futures = {name: pool.submit(_timed, check, runtime, queue) for name, check in CHECKS.items()}
    deadline = time.monotonic() + limit
    parts = {}
    for name, future in futures.items():
        try:
            parts[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            parts[name] = PartHealth("down", limit * 1000, f"no answer within {limit:g} s")
    pool.shutdown(wait=False)
    return Health(parts)
