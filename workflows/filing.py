"""A read document's way into the archive's finding aids: indexed, marked indexed, then what follows filing
(due dates, the store's own lock). Every entry point — the CLI, uploads, the hot folder, jobs, batches — ends
here, through file_and_index."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path

from ingest.process import Processed, process_document
from retention.schedule import recompute
from retention.worm import lock_records
from workflows import metrics
from workflows.indexing import indexable, mark_indexed
from workflows.runtime import Runtime

log = logging.getLogger(__name__)


def file_and_index(runtime: Runtime, document_ids: Iterable[int]) -> int:
    """Index the filed documents among these in one commit, mark them indexed, then after_filing; how many
    were indexed. Idempotent: a document already indexed, or not (yet) filed, is left as it is."""
    ids = list(document_ids)
    # Three short transactions, not one around the commit: on SQLite a transaction holds the write lock
    # (BEGIN IMMEDIATE), and an index commit of a few hundred documents takes seconds, during which
    # every capture and filing in the batch's other processes would wait.
    with runtime.factory() as session, session.begin():
        docs = indexable(session, ids)
    if docs:
        runtime.index.add_documents(docs)
        with runtime.factory() as session, session.begin():
            mark_indexed(session, [d.document_id for d in docs])
    after_filing(runtime, ids)
    return len(docs)


def after_filing(runtime: Runtime, document_ids: Iterable[int]) -> None:
    """Compute the new records' due dates and retain their objects until then where the store can.

    A store that refuses now (an outage) leaves the lock to `dangan retention lock`, which renews and
    catches up every record; the record itself is filed and stays so.
    """
    ids = list(document_ids)
    if not ids:
        return
    with runtime.factory() as session, session.begin():
        recompute(session, document_ids=ids)
    if not runtime.store.supports_lock:
        return
    try:
        with runtime.factory() as session, session.begin():
            lock_records(
                session,
                runtime.store,
                today=runtime.today(),
                permanent_years=runtime.settings.s3_lock_permanent_years,
                document_ids=ids,
            )
    except Exception:  # noqa: BLE001 - see above: `retention lock` catches up
        log.exception("object lock of documents %s not set; `dangan retention lock` will set it", ids)


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
    started = time.perf_counter()
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
    # issue 14: counted for /metrics (outcome, pages, OCR pages and seconds, duration)
    metrics.record_file(result.state, result.pages, result.ocr_pages, result.ocr_seconds)
    metrics.INGEST_SECONDS.observe(time.perf_counter() - started)
    return result
