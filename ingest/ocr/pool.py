"""OCR pages in parallel worker processes, one single-threaded tesseract per core."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import as_completed
from pathlib import Path

from core.settings import Settings
from ingest.ocr.page import OcrResult, PageJob, make_ocr_pool, ocr_page
from ingest.textlayer import PageText, extract_text_layer


class OcrPool:
    """A process pool shared by every document being processed in this process."""

    def __init__(self, workers: int) -> None:
        self.executor = make_ocr_pool(max(1, workers))

    def __call__(self, jobs: list[PageJob], on_page: Callable[[int, OcrResult], None]) -> None:
        """OCR the pages, handing each result to on_page(job index, result) as it finishes.

        Results are not kept here: a long scan's page PDFs would otherwise pile up in memory.
        """
        futures = {self.executor.submit(ocr_page, job): i for i, job in enumerate(jobs)}
        try:
            for future in as_completed(futures):
                on_page(futures[future], future.result())
        finally:
            for future in futures:
                future.cancel()

    def text_layer(self, path: Path | str, *, settings: Settings) -> list[PageText]:
        """The PDF's text layer read in a worker: pdfplumber's layout pass is pure Python, and the workers
        are otherwise idle while born-digital PDFs go through."""
        return self.executor.submit(extract_text_layer, str(path), settings=settings).result()

    def close(self) -> None:
        """Stop the workers."""
        self.executor.shutdown(wait=True, cancel_futures=True)
