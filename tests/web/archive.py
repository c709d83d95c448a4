"""Documents with real originals for the web tests: a text PDF in the store, its page text, indexed."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

from records.models import Document, Page
from tests.api.world import World
from tests.ingest.samples import write_text_pdf
from workflows.indexing import index_documents


def add_pdf_document(
    world: World,
    customer: str,
    level: str,
    *,
    title: str,
    lines: Sequence[str],
    doc_type: str | None = None,
    confidence: float | None = None,
    needs_review: Sequence[str] = (),
) -> int:
    """A filed, indexed document whose original is a one-page PDF with these lines."""
    runtime = world.runtime
    with tempfile.TemporaryDirectory() as tmp:
        path = write_text_pdf(Path(tmp) / "doc.pdf", [[title, *lines]])
        put = runtime.store.put_file(path, kind="original")
    with runtime.factory() as session, session.begin():
        doc = Document(
            sha256=put.sha256,
            size=put.size,
            mime="application/pdf",
            original_filename=f"{title}.pdf",
            object_key=put.key,
            title=title,
            doc_type=doc_type,
            customer_id=world.customers[customer],
            level=level,
            state="filed",
            page_count=1,
            pages_done=1,
            created_by="scanner",
            needs_review=bool(needs_review),
            review_reasons=list(needs_review),
            archive_no=f"A001-KH·2025-D30-XS-{uuid.uuid4().hex[:6]}",
        )
        method = "ocr" if confidence is not None else "text_layer"
        doc.pages = [Page(number=1, text="\n".join([title, *lines]), method=method, confidence=confidence)]
        session.add(doc)
        session.flush()
        index_documents(session, runtime.index, [doc.id])
        return doc.id
