"""Ingest many files at once: store each, read them in parallel, index in batches, report each file."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import DanganError
from core.messages import bilingual
from ingest.process import Processed, process_document
from ingest.receive import Received, receive
from ingest.textlayer import extract_text_layer
from workflows import metrics
from workflows.born_digital import file_born_digital
from workflows.filing import file_and_index
from workflows.indexer import OWN_PROCESS_MIN_FILES, Indexer
from workflows.recovery import take_over
from workflows.runtime import Runtime

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
    resumed: int = 0  # a duplicate of a document whose processing had been interrupted: finished now
    duplicate: int = 0
    rejected: int = 0
    failed: int = 0
    pages: int = 0
    ocr_seconds: float = 0.0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, result: FileResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        metrics.record_file(
            result.status, result.pages, result.pages if result.ocr_seconds else 0, result.ocr_seconds
        )  # issue 14: /metrics
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
    """Ingest files; on_result is called per file once its document is indexed (or refused).

    Capture, reading and indexing overlap: each file is read as soon as it is stored, and filed documents
    are committed to the index in batches while later files are still being captured and read.
    """
    started = time.monotonic()
    summary = Summary()

    def report(result: FileResult) -> None:
        summary.add(result)
        on_result(result)

    # A large batch spreads over processes: PDFs are read and filed in the OCR pool's workers, index
    # commits run in a process of their own. A few files (one huge PDF, say) stay in this process.
    large = len(files) >= OWN_PROCESS_MIN_FILES
    reader = _Reader(runtime, actor, customer, doc_type, on_pages, in_workers=large)
    indexer = Indexer(runtime, own_process=large)
    # More documents in flight than OCR workers, so the pool never waits on a document's own steps.
    threads = max(2, runtime.settings.ocr_workers * 2)
    # The pool is left (its reads finished) before the filing, which commits what is still waiting.
    with _Filing(runtime, indexer, report) as filing, ThreadPoolExecutor(threads, "ingest") as pool:
        reading: dict[Future[Processed], tuple[Path, Received]] = {}
        for path in files:
            got = _capture(runtime, path, actor=actor, source=source)
            if isinstance(got, FileResult):
                report(got)
                continue
            on_total(got.page_count)
            reading[reader.start(pool, path, got)] = (path, got)
            filing.take(reader.settle(_finished(reading, timeout=0), pool, reading))
        while reading:
            filing.take(reader.settle(_finished(reading, timeout=1.0), pool, reading))
    summary.seconds = time.monotonic() - started
    return summary


def _capture(runtime: Runtime, path: Path, *, actor: str, source: str) -> Received | FileResult:
    """The file stored and registered, or the outcome that ends its way here (duplicate, refused, failed)."""
    try:
        got = receive(runtime.factory, runtime.store, runtime.settings, path=path, actor=actor, source=source)
    except Exception as err:  # noqa: BLE001 - one file's fault (a store outage, a bug) must not end the batch
        log.exception("capture of %s failed", path)
        # A fault the user can read (a locked database, a full disk) says so; anything else is named as is.
        reason = err.both() if isinstance(err, DanganError) else bilingual("capture.failed", detail=repr(err))
        return FileResult(str(path), "failed", None, None, reason)
    if got.status == "ingested":
        return got
    if got.status == "duplicate" and got.document_id is not None:
        # Its processing never finished (a killed run, an outage): this run finishes it.
        resumed = take_over(runtime, document_id=got.document_id, file=got.file)
        if resumed is not None:
            return resumed
    return FileResult(str(path), got.status, got.document_id, got.sha256, got.reason)


def _finished(
    reading: dict[Future[Processed], tuple[Path, Received]], *, timeout: float
) -> list[tuple[Path, Received, Processed]]:
    """The documents whose reading has ended (within timeout), taken out of reading."""
    if not reading:
        return []
    done, _ = wait(reading, timeout=timeout, return_when=FIRST_COMPLETED)
    finished = []
    for future in done:
        path, got = reading.pop(future)
        try:
            processed = future.result()
        except Exception as err:  # noqa: BLE001 - recorded on the document by process_document
            processed = Processed(got.document_id, "failed", error=f"{type(err).__name__}: {err}")
        finished.append((path, got, processed))
    return finished


@dataclass
class _Reader:
    """Reads one received document: text layer or OCR, extraction, classification, filing."""

    runtime: Runtime
    actor: str
    customer: str | None
    doc_type: str | None
    on_pages: Callable[[int], None]
    in_workers: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, threads: ThreadPoolExecutor, path: Path, got: Received) -> Future[Processed]:
        """Begin reading: a PDF in a worker process of the OCR pool, anything else in a thread here."""
        workers = getattr(self.runtime.ocr_map(), "executor", None) if self.in_workers else None
        if got.kind != "pdf" or workers is None:
            return threads.submit(self.read, path, got)
        return workers.submit(
            file_born_digital,
            self.runtime.settings,
            document_id=got.document_id,
            actor=self.actor,
            path=str(path),
            customer=self.customer,
            doc_type=self.doc_type,
        )

    def settle(
        self,
        finished: list[tuple[Path, Received, Processed]],
        threads: ThreadPoolExecutor,
        reading: dict[Future[Processed], tuple[Path, Received]],
    ) -> list[tuple[Path, Received, Processed]]:
        """The documents done; a PDF that turned out to need OCR goes back to be read here."""
        done = []
        for path, got, processed in finished:
            if processed.state == "needs_ocr":
                reading[threads.submit(self.read, path, got)] = (path, got)
                continue
            if processed.ocr_pages == 0 and processed.pages:
                self.on_pages(processed.pages)
            done.append((path, got, processed))
        return done

    def read(self, path: Path, got: Received) -> Processed:
        result = process_document(
            self.runtime.factory,
            self.runtime.store,
            self.runtime.settings,
            self._counted,
            document_id=got.document_id,
            actor=self.actor,
            local_path=path,
            customer=self.customer,
            doc_type=self.doc_type,
            read_text_layer=self.runtime.ocr_map().text_layer if self.in_workers else extract_text_layer,
        )
        # Pages OCR'd were counted one by one; settle() counts a document's text pages when it is done.
        if result.ocr_pages and result.pages > result.ocr_pages:
            self.on_pages(result.pages - result.ocr_pages)
        return result

    def _counted(self, jobs, on_page):  # type: ignore[no-untyped-def]
        def page_done(i: int, result) -> None:  # type: ignore[no-untyped-def]
            on_page(i, result)
            with self.lock:
                self.on_pages(1)

        return self.runtime.ocr_map()(jobs, page_done)


class _Filing:
    """Read documents on their way into the index: committed in batches, reported once indexed."""

    def __init__(self, runtime: Runtime, indexer: Indexer, report: Callable[[FileResult], None]) -> None:
        self.runtime = runtime
        self.indexer = indexer
        self.report = report
        self.waiting: list[tuple[Path, Received, Processed]] = []
        self.committing: list[tuple[Future[int], list[tuple[Path, Received, Processed]]]] = []
        self.last_flush = time.monotonic()

    def __enter__(self) -> _Filing:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.flush()
            for future, entries in self.committing:
                self._settle(future, entries)
            self.committing.clear()
        finally:
            self.indexer.close()

    def take(self, finished: list[tuple[Path, Received, Processed]]) -> None:
        """Queue read documents; commit a batch when it is full or has waited long enough."""
        self.waiting.extend(finished)
        batch_full = len(self.waiting) >= self.runtime.settings.index_batch_size
        if self.waiting and (batch_full or time.monotonic() - self.last_flush > 2.0):
            self.flush()
        still = []
        for future, entries in self.committing:
            if future.done():
                self._settle(future, entries)
            else:
                still.append((future, entries))
        self.committing = still

    def flush(self) -> None:
        """Send the waiting documents to the index in one commit."""
        if self.waiting:
            ids = [p.document_id for _, _, p in self.waiting if p.state == "filed"]
            self.committing.append((self.indexer.submit(ids), self.waiting))
        self.waiting = []
        self.last_flush = time.monotonic()

    def _settle(self, future: Future[int], entries: list[tuple[Path, Received, Processed]]) -> None:
        try:
            future.result()
        except Exception:  # noqa: BLE001 - the indexing process died: commit here instead
            log.exception("indexing process failed; indexing in this process")
            file_and_index(self.runtime, [p.document_id for _, _, p in entries if p.state == "filed"])
        for path, got, processed in entries:
            status = (
                ("resumed" if got.status == "resumed" else "ingested")
                if processed.state == "filed"
                else "failed"
            )
            reason = (
                bilingual("document.resumed", id=got.document_id) if status == "resumed" else processed.error
            )
            self.report(
                FileResult(
                    str(path),
                    status,
                    got.document_id,
                    got.sha256,
                    reason,
                    processed.pages,
                    processed.ocr_seconds,
                )
            )
