"""Capture, step two: read the text, extract, classify and file a received document.

A job runs this with a document id; it reloads what it needs and can run twice without harm.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from core import audit
from core.db import reading, transaction, utcnow
from core.errors import DanganError
from core.process import gone, identity
from core.settings import Settings
from ingest.classify import classify
from ingest.detect import MIME
from ingest.extract.fields import Extracted, extract_fields
from ingest.extract.fuzzyname import closest_known_name
from ingest.ocr.page import OcrResult, PageJob
from ingest.ocr.searchable import build_searchable_pdf
from ingest.textlayer import PageText as TextLayerPage
from ingest.textlayer import extract_text_layer
from records import numbering
from records.customer_aliases import learn_aliases
from records.customers import given_customer, match_customer
from records.document_counts import keeping_counts
from records.models import Derivative, Document, DocumentType, Page
from storage.base import ObjectStore

# Runs page jobs, calling back (job index, result) as each page finishes.
OcrMap = Callable[[list[PageJob], Callable[[int, OcrResult], None]], None]
TextLayerReader = Callable[..., list[TextLayerPage]]  # (path, *, settings) like extract_text_layer
KINDS = {mime: kind for kind, mime in MIME.items()}  # a document's stored mime back to its kind
_CJK = re.compile(r"[\u4e00-\u9fff]")
SEALED_TAG = "盖章"  # the tag a document with a red seal on a page carries


@dataclass
class PageText:
    number: int
    text: str
    method: str
    confidence: float | None = None
    rotation: int = 0
    skew: float = 0.0
    seconds: float = 0.0
    engine: str | None = None  # the OCR engine whose reading was kept (issue 18)
    steps: list[str] = field(default_factory=list)  # clean-ups the page was read after
    seals: list[dict[str, float]] = field(default_factory=list)  # red seals found on the page


@dataclass
class Processed:
    document_id: int
    state: str
    pages: int = 0
    ocr_pages: int = 0
    ocr_seconds: float = 0.0
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def local_copy(store: ObjectStore, key: str, given: Path | None, work: Path) -> Path:
    """The original as a local file: the path we were given, or a streamed download into work/."""
    if given is not None and given.exists():
        return given
    dest = work / "original"
    store.download(key, dest)
    return dest


def process_document(
    factory: sessionmaker[Session],
    store: ObjectStore,
    settings: Settings,
    ocr_map: OcrMap,
    *,
    document_id: int,
    actor: str,
    local_path: Path | None = None,
    customer: str | None = None,
    doc_type: str | None = None,
    read_text_layer: TextLayerReader = extract_text_layer,
    text_only: bool = False,
) -> Processed:
    """Read, extract, classify and file one document; idempotent.

    read_text_layer may read in another process (OcrPool.text_layer); by default it reads here. With
    text_only, a document with any page to OCR is left queued as it was, in state "needs_ocr".
    """
    # A text-only read is over in milliseconds: no one would see "processing", so it only reads here.
    with reading(factory) if text_only else transaction(factory) as session:
        doc = session.get(Document, document_id, with_for_update=not text_only)
        if doc is None:
            raise DanganError("document.not_found", id=document_id)
        if doc.state in ("filed", "indexed"):
            return Processed(document_id, doc.state, doc.page_count)
        if not text_only and not _claim(doc, settings):
            return Processed(document_id, "processing", doc.page_count)  # another live process has it
        # Capture already judged the bytes (content-addressed, so the stored copy is the same file).
        key, total, kind = doc.object_key, doc.page_count, KINDS[doc.mime]
    try:
        with _workdir(settings) as work:
            path = local_copy(store, key, local_path, work)
            if text_only:
                layers = read_text_layer(path, settings=settings) if kind == "pdf" else []
                if not layers or not all(layer.has_text_layer for layer in layers):
                    return Processed(document_id, "needs_ocr", total)  # left as it was: nothing written
                read_text_layer = lambda path, *, settings: layers  # noqa: E731 - read once, above
            pages, tables, page_pdfs = _read_pages(
                factory, settings, ocr_map, read_text_layer, path, kind, work, document_id, total
            )
            derivative = _store_searchable(store, work, path, pages, page_pdfs)
    except DanganError as err:
        return _fail(factory, settings, document_id, actor, err.both(), retryable=False)
    except Exception as err:  # noqa: BLE001 - a job must record why it failed, then it is retried
        _fail(factory, settings, document_id, actor, f"{type(err).__name__}: {err}", retryable=True)
        raise
    text = "\n\n".join(p.text for p in pages if p.text)
    extracted = extract_fields(text, org_name=settings.org_name, tables=tables)
    with factory() as session, session.begin():
        # Locked and read again: another process that resumed the same document may have filed it meanwhile,
        # and a document is numbered once.
        doc = session.get(Document, document_id, with_for_update=True, populate_existing=True)
        if doc.state in ("filed", "indexed"):
            return Processed(document_id, doc.state, doc.page_count)
        with keeping_counts(session, documents=[doc.id]):  # the customer analysis' counts (issue 12)
            _file(
                session,
                settings,
                doc,
                pages,
                extracted,
                derivative,
                text,
                customer=customer,
                doc_type=doc_type,
            )
        audit.record(
            session,
            actor=actor,
            action="file",
            object_type="document",
            object_id=doc.id,
            archive_no=doc.archive_no,
            details={"doc_type": doc.doc_type, "customer_id": doc.customer_id, "pages": len(pages)},
        )
    ocr_seconds = sum(p.seconds for p in pages if p.method == "ocr")
    return Processed(document_id, "filed", len(pages), len(page_pdfs), ocr_seconds)


@contextmanager
def _workdir(settings: Settings) -> Iterator[Path]:
    """A scratch folder under DANGAN_HOME/tmp, removed afterwards."""
    tmp_root = settings.home / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as work:
        yield Path(work)


def _read_pages(
    factory: sessionmaker[Session],
    settings: Settings,
    ocr_map: OcrMap,
    read_text_layer: TextLayerReader,
    path: Path,
    kind: str,
    work: Path,
    document_id: int,
    total: int,
) -> tuple[list[PageText], list, dict[int, Path]]:
    """Every page's text: the text layer where there is one, else OCR (page PDFs land in work/)."""
    pages: dict[int, PageText] = {}
    tables: list = []
    jobs: list[PageJob] = []
    if kind == "pdf":
        for layer in read_text_layer(path, settings=settings):
            if layer.has_text_layer:
                pages[layer.number] = PageText(layer.number, layer.text, "text_layer")
                tables.extend(layer.tables)
            else:
                jobs.append(_job(path, kind, layer.number, settings))
    else:
        jobs = [_job(path, kind, n, settings) for n in range(1, total + 1)]
    if jobs:  # with no page to OCR, filing sets the progress with everything else
        _set_progress(factory, document_id, len(pages))
    page_pdfs: dict[int, Path] = {}
    last = time.monotonic()

    def on_page(index: int, result: OcrResult) -> None:
        nonlocal last
        number = jobs[index].page_index + 1
        page_pdfs[number] = work / f"page-{number:06d}.pdf"
        page_pdfs[number].write_bytes(result.pdf_bytes)
        pages[number] = PageText(
            number,
            result.text,
            "ocr",
            result.confidence,
            result.rotation_degrees,
            result.skew_degrees,
            result.seconds,
            result.engine,
            list(result.steps),
            list(result.seals),
        )
        if time.monotonic() - last > 0.5 or len(pages) == total:
            last = time.monotonic()
            _set_progress(factory, document_id, len(pages))

    ocr_map(jobs, on_page)
    return [pages[n] for n in sorted(pages)], tables, page_pdfs


def _job(path: Path, kind: str, number: int, settings: Settings) -> PageJob:
    return PageJob(
        path=str(path),
        kind=kind,
        page_index=number - 1,
        dpi=settings.ocr_dpi,
        languages=settings.ocr_languages,
        max_pixels=settings.max_image_pixels,
        engine=settings.ocr_engine,
        doubtful_confidence=settings.ocr_low_confidence,
    )


def _claim(doc: Document, settings: Settings) -> bool:
    """Take the document for this process, unless another process that still runs is reading it."""
    me = identity()
    lease = timedelta(seconds=settings.processing_lease)
    if (
        doc.state == "processing"
        and doc.claimed_by != me
        and not gone(doc.claimed_by, doc.heartbeat_at, lease=lease)
    ):
        return False
    doc.state, doc.claimed_by, doc.heartbeat_at = "processing", me, utcnow()
    doc.attempts, doc.retry_at = (doc.attempts or 0) + 1, None
    return True


def _set_progress(factory: sessionmaker[Session], document_id: int, done: int) -> None:
    with factory() as session, session.begin():
        session.execute(
            update(Document).where(Document.id == document_id).values(pages_done=done, heartbeat_at=utcnow())
        )


def _store_searchable(
    store: ObjectStore, work: Path, path: Path, pages: list[PageText], page_pdfs: dict[int, Path]
) -> Derivative | None:
    """A searchable PDF for scans (tesseract's text over the page image), stored with its own hash."""
    if not page_pdfs:
        return None
    out = build_searchable_pdf(
        work / "searchable.pdf", page_pdfs=page_pdfs, original=path, page_count=len(pages)
    )
    put = store.put_file(out, kind="derivative")
    return Derivative(kind="searchable_pdf", sha256=put.sha256, size=put.size, object_key=put.key)


def _fail(
    factory: sessionmaker[Session],
    settings: Settings,
    document_id: int,
    actor: str,
    reason: str,
    *,
    retryable: bool,
) -> Processed:
    """Record the failure; one that may pass by itself (an outage, a crash) is retried later, up to the limit."""
    with factory() as session, session.begin():
        doc = session.get(Document, document_id)
        doc.state = "failed"
        doc.error = reason[:2000]
        doc.claimed_by = None
        attempts = max(doc.attempts or 0, 1)
        doc.retry_at = (
            utcnow() + timedelta(seconds=settings.retry_delay * 4 ** (attempts - 1))
            if retryable and attempts < settings.retry_limit
            else None
        )
        audit.record(
            session,
            actor=actor,
            action="file",
            object_type="document",
            object_id=document_id,
            result="failed",
            details={"error": reason[:500]},
        )
    return Processed(document_id, "failed", error=reason)


def _title(text: str, fallback: str) -> str:
    """The document's own heading: its first short line with Chinese in it."""
    for line in text.splitlines()[:8]:
        line = line.strip()
        if 2 <= len(line) <= 40 and _CJK.search(line):
            return line
    return fallback


def _file(
    session: Session,
    settings: Settings,
    doc: Document,
    pages: list[PageText],
    extracted,  # ingest.extract.fields.Extracted
    derivative: Derivative | None,
    text: str,
    *,
    customer: str | None,
    doc_type: str | None,
) -> None:
    """Pages, customer, type, level and archive number, in one transaction."""
    session.execute(Page.__table__.delete().where(Page.document_id == doc.id))
    for p in pages:
        session.add(
            Page(
                document_id=doc.id,
                number=p.number,
                text=p.text,
                method=p.method,
                confidence=p.confidence,
                rotation=p.rotation,
                skew=p.skew,
                seconds=p.seconds,
                engine=p.engine,
                steps=p.steps or None,
                seals=p.seals or None,
            )
        )
    if derivative is not None:
        session.execute(
            Derivative.__table__.delete().where(
                (Derivative.document_id == doc.id) & (Derivative.kind == derivative.kind)
            )
        )
        derivative.document_id = doc.id
        session.add(derivative)
    reasons: list[str] = []
    types = {t.code: t for t in session.scalars(select(DocumentType)).all()}
    if doc_type:
        if doc_type not in types:
            raise DanganError("doctype.unknown", name=doc_type)
        doc.doc_type, doc.type_confidence, doc.type_source = doc_type, 1.0, "user"
    else:
        result = classify(text, [t.rule for t in types.values()], title=_title(text, ""))
        doc.doc_type, doc.type_confidence, doc.type_source = result.code, result.confidence, "rule"
        if result.code == "other" or result.confidence < 0.5:
            reasons.append("unclassified")
    if customer:
        match = given_customer(session, customer)
    else:
        best = extracted.customer[0] if extracted.customer else None
        read_name = best.name if best else None
        # A near-miss of a known file's name (OCR under a seal, a photocopy) is that file, not a new one;
        # matching by credit code still comes first inside match_customer.
        near = closest_known_name(session, read_name)
        if near is not None:
            reasons.append("customer_fuzzy")
        match = match_customer(
            session,
            name=near or read_name,
            credit_code=(best.credit_code if best else None)
            or _only([c.value for c in extracted.credit_codes if not c.own]),
            org_name=settings.org_name,
            offered=_offered(extracted),
        )
        if match.matched_by in ("new", "unmatched"):
            reasons.append("customer_" + match.matched_by)
        if match.created:
            learn_aliases(session, match.customer)
    doc.customer_id = match.customer.id
    dtype = types.get(doc.doc_type)
    doc.level = dtype.default_level if dtype else "internal"
    doc.doc_date = _parse_date(extracted.doc_date)
    doc.title = _title(text, doc.title)[:500]
    doc.extracted = extracted.to_dict()
    if any(p.seals for p in pages):
        # A red seal on any page: found by `tag:盖章` and shown on the page (issue 18).
        doc.extracted["tags"] = sorted({*doc.extracted.get("tags", []), SEALED_TAG})
    low = [p.number for p in pages if p.method == "ocr" and (p.confidence or 0) < settings.ocr_low_confidence]
    if low:
        reasons.append("low_confidence")
    if not text.strip():
        reasons.append("no_text")
    doc.review_reasons = reasons
    doc.needs_review = bool(reasons)
    year = (doc.doc_date or utcnow().date()).year
    number = numbering.allocate(
        session,
        settings.archive_pattern,
        fonds=settings.fonds_code,
        cls=settings.archive_class,
        year=year,
        retention=dtype.retention if dtype else "D10",
        unit=settings.archive_unit,
    )
    doc.archive_no, doc.item_no = number.value, number.item
    doc.page_count = len(pages)
    doc.pages_done = len(pages)
    doc.state = "filed"
    doc.processed_at = utcnow()
    doc.heartbeat_at = doc.processed_at
    doc.error = None
    doc.retry_at = None


def _offered(extracted: Extracted) -> dict[str, object]:
    """Profile values a document states (a licence's registered capital), offered to its customer file."""
    capital = extracted.registered_capital
    return {"registered_capital": capital.fen} if capital is not None else {}


def _only(values: list) -> str | None:
    return values[0] if len(values) == 1 else None


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
