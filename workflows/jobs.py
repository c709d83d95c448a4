"""Background jobs on huey: SQLite-backed by default, Redis for many workers, immediate in tests."""

from __future__ import annotations

import logging
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

from ingest.process import Processed, process_document
from workflows.filing import file_and_index
from workflows.runtime import Runtime

log = logging.getLogger(__name__)

# The runtime a worker process uses; set by `build_queue` (each process builds its own).
_runtime: Runtime | None = None


def process_and_index(
    runtime: Runtime,
    *,
    document_id: int,
    actor: str,
    local_path: Path | None = None,
    customer: str | None = None,
    doc_type: str | None = None,
) -> Processed:
    """Read and file one document, then index it (workflows.filing, as every entry point)."""
    result = process_document(
        runtime.factory,
        runtime.store,
        runtime.settings,
        runtime.ocr_map(),
        document_id=document_id,
        actor=actor,
        local_path=local_path,
        customer=customer,
        doc_type=doc_type,
    )
    if result.state == "filed" and file_and_index(runtime, [document_id]):
        result.state = "indexed"
    return result


def build_queue(runtime: Runtime) -> Huey:
    """The job queue for these settings, with our tasks registered on it."""
    global _runtime
    _runtime = runtime
    settings = runtime.settings
    if settings.queue_backend == "redis":
        huey: Huey = RedisHuey(settings.queue_name, url=settings.redis_url)
    elif settings.queue_backend == "immediate":
        huey = MemoryHuey(settings.queue_name, immediate=True)
    else:
        settings.home.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(settings.queue_name, filename=str(settings.queue_path))

    @huey.task(retries=2, retry_delay=5, name="process_document")
    def process_task(
        document_id: int, actor: str, customer: str | None = None, doc_type: str | None = None
    ) -> str:
        assert _runtime is not None
        result = process_and_index(
            _runtime, document_id=document_id, actor=actor, customer=customer, doc_type=doc_type
        )
        log.info("document %s: %s", document_id, result.state)
        return result.state

    huey.dangan_process = process_task  # type: ignore[attr-defined]
    return huey
