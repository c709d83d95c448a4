"""Concurrent ingests number their documents without gaps or duplicates (CLS-2, CLS-4)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from records.models import Document
from tests.api.test_cli_ingest import LICENCE
from tests.ingest import samples
from workflows.capture import ingest_files


def test_parallel_ingests_number_gaplessly(runtime, tmp_path):
    files = [
        samples.write_text_pdf(tmp_path / f"l{i}.pdf", [[*LICENCE, f"副本编号：{i:03d}"]]) for i in range(12)
    ]

    def one(path):
        return ingest_files(runtime, [path], actor="t")

    with ThreadPoolExecutor(6) as pool:
        summaries = list(pool.map(one, files))
    assert sum(s.ingested for s in summaries) == 12
    with runtime.factory() as session:
        docs = session.scalars(select(Document)).all()
    items = sorted(d.item_no for d in docs)
    assert items == list(range(1, 13))
    assert len({d.archive_no for d in docs}) == 12
