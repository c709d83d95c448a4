"""Born-digital PDFs read, extracted and filed whole in the OCR pool's worker processes.

Their text layer needs no OCR, so the pool's processes would sit idle while this process, holding the
GIL, read them one at a time. A document that turns out to need OCR comes back in state "needs_ocr"
and is read here, its pages spread over the pool as usual.
"""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from ingest.process import Processed, process_document
from workflows.runtime import Runtime

_runtime: Runtime | None = None


def file_born_digital(
    settings: Settings,
    *,
    document_id: int,
    actor: str,
    path: str,
    customer: str | None,
    doc_type: str | None,
) -> Processed:
    """In a worker: process_document with text_only (never OCR here)."""
    runtime = _worker_runtime(settings)
    return process_document(
        runtime.factory,
        runtime.store,
        settings,
        _no_ocr,
        document_id=document_id,
        actor=actor,
        local_path=Path(path),
        customer=customer,
        doc_type=doc_type,
        text_only=True,
    )


def _worker_runtime(settings: Settings) -> Runtime:
    """This worker's database engine and store, kept while the settings stay the same."""
    global _runtime
    if _runtime is None or _runtime.settings != settings:
        if _runtime is not None:
            _runtime.close()
        _runtime = Runtime(settings)
    return _runtime


def _no_ocr(jobs, on_page) -> None:  # type: ignore[no-untyped-def]
    if jobs:
        raise AssertionError("text_only processing never OCRs")
