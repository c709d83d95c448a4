"""Destruction and the search index's files, on both engines (DSP-4): a record counts as destroyed only when
the engine, reading its own files after the purge, finds nothing of it left."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select

from retention.destroy import BatchInterrupted
from retention.models import BatchItem
from search import search
from search.schema import ID_FIELD, TEXT_WORDS
from tests.conftest import make_settings
from tests.retention.conftest import add_record
from tests.retention.helpers import approved_batch, execute

WORD = "zyxwvquorum"


@pytest.fixture(params=["whoosh", "tantivy"])
def settings(request, tmp_path, database_url):
    """An archive on each engine."""
    return make_settings(tmp_path / "home", database_url).model_copy(update={"search_engine": request.param})


def _files_hold(index, document_id: int) -> bool:
    """Whether the index files still hold the record: read from disk, past the engine object."""
    path = index.path
    if (path / "meta.json").exists():
        import tantivy

        from search.tantivy_index import build_schema

        meta = json.loads((path / "meta.json").read_text())
        searcher = tantivy.Index(build_schema(), path=str(path), reuse=True).searcher()
        return bool(
            any(s["deletes"] for s in meta["segments"])
            or searcher.doc_freq(ID_FIELD, document_id)
            or searcher.terms_with_prefix(TEXT_WORDS, WORD)
        )
    return any(WORD.encode() in p.read_bytes() for p in path.iterdir() if p.is_file())


def test_a_destroyed_record_leaves_nothing_in_the_index_files_on_either_engine(world):
    doc = add_record(world, text=f"续贷往来函件 {WORD} 请查收")
    neighbours = [add_record(world) for _ in range(3)]
    index = world.runtime.index
    assert index.engine == world.runtime.settings.search_engine
    assert _files_hold(index, doc)
    report = execute(world, approved_batch(world, [doc]))
    assert report.destroyed == [doc] and report.purged is True
    assert report.purge is not None and report.purge.clean and report.purge.engine == index.engine
    assert not _files_hold(index, doc)
    assert index.present(neighbours) == set(neighbours)  # the rewritten neighbours stay searchable
    assert search(index, WORD).total == 0
    check = next(c for c in report.items[0].checks if c["check"] == "index_files_purged")
    assert check["ok"] and check["engine"] == index.engine


def test_a_record_whose_entry_is_still_in_the_files_is_not_counted_destroyed(world, monkeypatch):
    doc = add_record(world)
    index = world.runtime.index
    real = index.purge_deleted

    def leaves_it(**kwargs):  # a fault the real engines cannot be made to produce on demand
        return dataclasses.replace(real(**kwargs), ids_left=[doc])

    monkeypatch.setattr(index, "purge_deleted", leaves_it)
    batch = approved_batch(world, [doc])
    with pytest.raises(BatchInterrupted) as caught:
        execute(world, batch)
    report = caught.value.report
    assert report.destroyed == [] and report.partial == [doc]
    with world.runtime.factory() as session:
        item = session.scalars(select(BatchItem).where(BatchItem.batch_id == batch)).one()
        assert item.state == "partial"
        assert any(c["check"] == "index_files_purged" and not c["ok"] for c in item.checks)
