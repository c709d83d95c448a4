"""Ingest many files at once: store each, read them in parallel, index in batches, report each file."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from api.indexing import index_documents
from api.runtime import Runtime
from core.messages import bilingual
from ingest.process import Processed, process_document
from ingest.receive import Received, receive

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    """One input file's outcome, as `dangan ingest --json` prints it."""

    file: str
    status: str
    document_id: int | None
    sha256: str | None
    reason: str | None
    pages: int = 0
    ocr_seconds: float = 0.0

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "status": self.status,
            "document_id": self.document_id,
            "sha256": self.sha256,
            "reason": self.reason,
        }


@dataclass
class Summary:
    ingested: int = 0
    duplicate: int = 0
    rejected: int = 0
    failed: int = 0
    pages: int = 0
    ocr_seconds: float = 0.0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, result: FileResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        self.pages += result.pages
        self.ocr_seconds += result.ocr_seconds
        if result.reason and result.status in ("rejected", "failed"):
            self.reasons[result.reason] = self.reasons.get(result.reason, 0) + 1


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and every file below folders named (sorted, hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    yield child
        else:
            yield path


def ingest_files(
    runtime: Runtime,
    files: list[Path],
    *,
    actor: str,
    customer: str | None = None,
    doc_type: str | None = None,
    on_result: Callable[[FileResult], None] = lambda r: None,
    on_pages: Callable[[int], None] = lambda n: None,
    on_total: Callable[[int], None] = lambda n: None,
    source: str = "cli",
) -> Summary:
    """Ingest files; on_result is called per file once its document is indexed (or refused)."""
    started = time.monotonic()
    summary = Summary()
    received: list[tuple[Path, Received]] = []
    for path in files:
        try:
            got = receive(
                runtime.factory, runtime.store, runtime.settings, path=path, actor=actor, source=source
            )
        except Exception as err:  # noqa: BLE001 - one file's fault (a store outage, a bug) must not end the batch
            log.exception("capture of %s failed", path)
            result = FileResult(
                str(path), "failed", None, None, bilingual("capture.failed", detail=repr(err))
            )
            summary.add(result)
            on_result(result)
            continue
        if got.status == "ingested":
            received.append((path, got))
            on_total(got.page_count)
        else:
            result = FileResult(str(path), got.status, got.document_id, got.sha256, got.reason)
            summary.add(result)
            on_result(result)
    ocr = runtime.ocr_map()
    lock = threading.Lock()

    def counted(jobs, on_page):  # type: ignore[no-untyped-def]
        def page_done(i: int, result) -> None:  # type: ignore[no-untyped-def]
            on_page(i, result)
            with lock:
                on_pages(1)

        return ocr(jobs, page_done)

    def work(path: Path, got: Received) -> Processed:
        result = process_document(
            runtime.factory,
            runtime.store,
            runtime.settings,
            counted,
            document_id=got.document_id,
            actor=actor,
            local_path=path,
            customer=customer,
            doc_type=doc_type,
        )
        text_pages = result.pages - result.ocr_pages
        if text_pages > 0:
            on_pages(text_pages)
        return result

    # More documents in flight than OCR workers, so the pool never waits on a document's own steps.
    threads = max(2, runtime.settings.ocr_workers * 2)
    pending_index: list[tuple[Path, Received, Processed]] = []
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal last_flush
        ids = [p.document_id for _, _, p in pending_index if p.state == "filed"]
        if ids:
            with runtime.factory() as session, session.begin():
                index_documents(session, runtime.index, ids)
        for path, got, processed in pending_index:
            status = "ingested" if processed.state == "filed" else "failed"
            result = FileResult(
                str(path),
                status,
                got.document_id,
                got.sha256,
                processed.error,
                processed.pages,
                processed.ocr_seconds,
            )
            summary.add(result)
            on_result(result)
        pending_index.clear()
        last_flush = time.monotonic()

    with ThreadPoolExecutor(threads, thread_name_prefix="ingest") as pool:
        futures: dict[Future[Processed], tuple[Path, Received]] = {
            pool.submit(work, path, got): (path, got) for path, got in received
        }
        while futures:
            done, _ = wait(futures, timeout=1.0, return_when=FIRST_COMPLETED)
            for future in done:
                path, got = futures.pop(future)
                try:
                    processed = future.result()
                except Exception as err:  # noqa: BLE001 - recorded on the document by process_document
                    processed = Processed(got.document_id, "failed", error=f"{type(err).__name__}: {err}")
                pending_index.append((path, got, processed))
            batch_full = len(pending_index) >= runtime.settings.index_batch_size
            if pending_index and (batch_full or not futures or time.monotonic() - last_flush > 2.0):
                flush()
    flush()
    summary.seconds = time.monotonic() - started
    return summary
