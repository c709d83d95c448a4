"""A sealed scan through capture (issue 18): the seal recorded on its page, the engine kept, found by 盖章."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sqlalchemy import select

from bench import paper as degrade
from records.models import Document, Page
from search.query import search
from tests.ingest import samples
from workflows.capture import ingest_files


def test_sealed_scan_records_its_seal_and_engine_and_is_found_as_sealed(tmp_path: Path, runtime) -> None:
    sealed = degrade.seal(samples.render_page(), np.random.default_rng(3))
    plain = samples.render_page(title="借款合同（副本）")
    paths = [
        samples.save_png(sealed, tmp_path / "sealed.png"),
        samples.save_png(plain, tmp_path / "plain.png"),
    ]
    summary = ingest_files(runtime, paths, actor="admin")
    assert summary.ingested == 2 and summary.failed == 0
    with runtime.factory() as session:
        docs = {Path(d.original_filename).name: d for d in session.scalars(select(Document))}
        page = session.scalars(select(Page).where(Page.document_id == docs["sealed.png"].id)).one()
        assert page.engine in ("tesseract", "rapidocr") and "seal_suppressed" in page.steps
        assert len(page.seals) == 1 and abs(page.seals[0]["x"] - 0.62) < 0.02
        assert "91310115MA1K4Q8X21" in page.text
        other = session.scalars(select(Page).where(Page.document_id == docs["plain.png"].id)).one()
        assert other.engine == "tesseract" and not other.seals
        assert "盖章" in docs["sealed.png"].extracted["tags"]
    hits = search(runtime.index, "tag:盖章", limit=10)
    assert [h.document_id for h in hits.hits] == [docs["sealed.png"].id]
