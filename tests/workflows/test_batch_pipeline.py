"""A batch's pipeline: PDFs read and filed in worker processes, commits in an indexing process, pdfium
used by one thread at a time, and nothing lost when a worker path has to fall back."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

import workflows.capture
from ingest.detect import detect
from ingest.process import process_document
from ingest.receive import Received, receive
from ingest.textlayer import extract_text_layer
from records.models import Document, Page
from search.query import search
from tests.ingest import samples
from workflows.capture import FileResult, _Filing, ingest_files
from workflows.indexer import Indexer


def _text_pdfs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        samples.write_text_pdf(
            folder / f"letter-{n}.pdf",
            [
                [f"致：客户{n}号有限公司", f"关于第{n}号合同续签事宜的函", "此致敬礼"],
                [f"附页：第{n}号合同的服务清单与付款安排说明", "双方确认以上内容无误"],
            ],
            table=[["项目", "金额"], [f"服务{n}", "人民币100元"]],
        )
        for n in range(count)
    ]


def test_pdfium_serves_many_threads_without_mixing_their_documents(tmp_path, settings):
    pdfs = _text_pdfs(tmp_path / "pdfs", 6)
    expected = {p: [page.text for page in extract_text_layer(p, settings=settings)] for p in pdfs}

    def read(path: Path) -> tuple[Path, list[str], int]:
        pages = detect(path, settings=settings).page_count
        return path, [page.text for page in extract_text_layer(path, settings=settings)], pages

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(read, pdfs * 8))
    for path, texts, pages in results:
        assert texts == expected[path]
        assert pages == 2


def test_large_batch_files_pdfs_in_workers_and_scans_by_ocr_then_indexes_all(tmp_path, runtime, monkeypatch):
    monkeypatch.setattr(
        workflows.capture, "OWN_PROCESS_MIN_FILES", 2
    )  # the indexing process takes this batch
    pdfs = _text_pdfs(tmp_path / "in", 4)
    scan = samples.write_image_pdf(tmp_path / "in" / "scan.pdf", [samples.render_page()])
    mixed = samples.write_mixed_pdf(
        tmp_path / "in" / "mixed.pdf",
        ["关于第九号合同续签事宜的函", "贵公司与我司签订的服务合同将于本月底到期，请确认续签安排。"],
        samples.render_page(),
    )
    results: list[FileResult] = []
    summary = ingest_files(runtime, [*pdfs, scan, mixed], actor="admin", on_result=results.append)

    assert summary.ingested == 6 and summary.failed == 0
    assert summary.pages == 4 * 2 + 1 + 2
    with runtime.factory() as session:
        docs = {Path(d.original_filename).name: d for d in session.scalars(select(Document))}
        assert {d.state for d in docs.values()} == {"indexed"}
        methods = {
            name: [
                p.method
                for p in session.scalars(select(Page).where(Page.document_id == d.id).order_by(Page.number))
            ]
            for name, d in docs.items()
        }
    assert methods["letter-0.pdf"] == ["text_layer", "text_layer"]
    assert methods["scan.pdf"] == ["ocr"]
    assert methods["mixed.pdf"] == ["text_layer", "ocr"]
    hits = search(runtime.index, "续签", limit=20)
    assert {h.document_id for h in hits.hits} >= {docs[f"letter-{n}.pdf"].id for n in range(4)}


def test_text_only_reading_leaves_a_scan_queued_for_ocr(tmp_path, runtime):
    scan = samples.write_image_pdf(tmp_path / "scan.pdf", [samples.render_page()])
    got = receive(runtime.factory, runtime.store, runtime.settings, path=scan, actor="admin")

    def no_ocr(jobs, on_page):  # type: ignore[no-untyped-def]
        raise AssertionError("text_only must not OCR")

    processed = process_document(
        runtime.factory,
        runtime.store,
        runtime.settings,
        no_ocr,
        document_id=got.document_id,
        actor="admin",
        local_path=scan,
        text_only=True,
    )
    assert processed.state == "needs_ocr"
    with runtime.factory() as session:
        doc = session.get_one(Document, got.document_id)
        assert doc.state == "queued"
        assert session.scalars(select(Page).where(Page.document_id == doc.id)).all() == []


def test_batch_indexes_in_this_process_when_the_indexing_process_dies(tmp_path, runtime):
    pdfs = _text_pdfs(tmp_path / "in", 2)
    entries = []
    for path in pdfs:
        got = receive(runtime.factory, runtime.store, runtime.settings, path=path, actor="admin")
        processed = process_document(
            runtime.factory,
            runtime.store,
            runtime.settings,
            runtime.ocr_map(),
            document_id=got.document_id,
            actor="admin",
            local_path=path,
        )
        entries.append((path, got, processed))
    indexer = Indexer(runtime, own_process=True)
    assert indexer.submit([]).result() == 0  # the indexing process is up
    for pid in list(indexer.executor._processes):  # type: ignore[attr-defined]
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    reported: list[FileResult] = []
    with _Filing(runtime, indexer, reported.append) as filing:
        filing.take(entries)
    assert [r.status for r in reported] == ["ingested", "ingested"]
    with runtime.factory() as session:
        states = set(session.scalars(select(Document.state)))
    assert states == {"indexed"}
    assert isinstance(entries[0][1], Received)
