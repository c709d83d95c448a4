"""SearchEngine: batched idempotent writes, deletes, consistency reads, merges, schema guard."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from whoosh.index import LockError

from search.engine import IndexSchemaMismatch, SearchEngine
from search.engines import make_index
from search.query import search
from search.schema import IndexDoc, to_fields
from search.whoosh_index import WhooshIndex
from tests.search.corpus import BY_ID, DOCS


def _doc(document_id: int, text: str = "借款合同", **fields: object) -> IndexDoc:
    return IndexDoc(document_id=document_id, title=f"文件{document_id}", text=text, **fields)  # type: ignore[arg-type]


def test_open_or_create_makes_an_empty_index(tmp_path: Path) -> None:
    with WhooshIndex(tmp_path / "new") as index:
        assert index.doc_ids() == set()
        assert index.doc_count() == 0
        assert search(index, "借款").total == 0
        assert search(index, "借款", filter_ids={1}).total == 0


def test_documents_are_committed_in_batches(whoosh_empty: SearchEngine) -> None:
    assert whoosh_empty.add_documents(_doc(i) for i in range(1, 13)) == 12
    # batch_size=5: three commits, so three generations after the empty one
    assert whoosh_empty.ix.latest_generation() == 3
    assert whoosh_empty.doc_ids() == set(range(1, 13))


def test_readding_a_document_replaces_it(empty_index: SearchEngine) -> None:
    empty_index.add_documents([_doc(1, "旧的文本 抵押"), _doc(2)])
    empty_index.add_documents([_doc(1, "新的文本 质押")])
    assert empty_index.doc_count() == 2
    assert search(empty_index, "质押").hits[0].document_id == 1
    assert search(empty_index, "抵押").total == 0


def test_duplicates_within_one_batch_keep_the_last(empty_index: SearchEngine) -> None:
    empty_index.add_documents([_doc(7, "第一版"), _doc(7, "第二版")])
    assert empty_index.doc_count() == 1
    assert search(empty_index, "第二版").total == 1
    assert search(empty_index, "第一版").total == 0


def test_delete_removes_documents(empty_index: SearchEngine) -> None:
    empty_index.add_documents(_doc(i) for i in range(1, 4))
    assert empty_index.delete_documents([2, 99]) == 1
    assert empty_index.doc_ids() == {1, 3}
    assert {hit.document_id for hit in search(empty_index, "借款合同").hits} == {1, 3}
    assert empty_index.delete_documents([]) == 0


def test_versions_report_updated_at(empty_index: SearchEngine) -> None:
    stamp = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    empty_index.add_documents([_doc(1, updated_at=stamp), _doc(2)])
    assert empty_index.versions() == {1: stamp, 2: None}


def test_a_searcher_sees_commits_made_after_it_was_opened(empty_index: SearchEngine) -> None:
    empty_index.add_documents([_doc(1)])
    assert search(empty_index, "借款").total == 1
    empty_index.add_documents([_doc(2)])
    empty_index.add_documents([_doc(2)])  # replacing must not show the old copy
    assert search(empty_index, "借款").total == 2
    assert empty_index.doc_count() == 2


def test_failed_batch_is_rolled_back(empty_index: SearchEngine) -> None:
    def docs():
        yield _doc(1)
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        empty_index.add_documents(docs())
    assert empty_index.doc_ids() == set()
    empty_index.add_documents([_doc(2)])  # the write lock was released
    assert empty_index.doc_ids() == {2}


def test_a_second_writer_waits_for_the_lock_then_gives_up(tmp_path: Path) -> None:
    first = WhooshIndex(tmp_path / "ix").open_or_create()
    second = WhooshIndex(tmp_path / "ix", lock_timeout=0.2).open_or_create()
    writer = first.ix.writer()
    try:
        with pytest.raises(LockError):
            second.add_documents([_doc(1)])
    finally:
        writer.cancel()
    second.add_documents([_doc(1)])
    assert first.doc_ids() == {1}
    first.close()
    second.close()


def test_segments_are_merged_in_tiers(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path / "ix", batch_size=1).open_or_create()
    index.add_documents(_doc(i) for i in range(1, 26))
    segments = index.ix._segments()
    # 25 one-document commits: every tenth merges the small tier, so far fewer segments remain
    assert len(segments) < 10
    assert index.doc_ids() == set(range(1, 26))
    assert search(index, "借款合同").total == 25
    index.close()


def test_heavily_deleted_segments_are_rewritten(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path / "ix", batch_size=10).open_or_create()
    index.add_documents(_doc(i) for i in range(1, 11))
    index.delete_documents(range(1, 6))
    index.add_documents([_doc(11)])
    assert sum(s.deleted_count() for s in index.ix._segments()) == 0
    assert index.doc_ids() == {6, 7, 8, 9, 10, 11}
    index.close()


def test_recreate_empties_the_index(empty_index: SearchEngine) -> None:
    empty_index.add_documents([_doc(1)])
    empty_index.recreate()
    assert empty_index.doc_ids() == set()
    empty_index.add_documents([_doc(2)])
    assert empty_index.doc_ids() == {2}


def test_index_from_another_schema_version_is_refused(engine: str, tmp_path: Path) -> None:
    make_index(engine, tmp_path / "ix").open_or_create().close()
    (tmp_path / "ix" / "dangan-search.json").write_text(json.dumps({"schema_version": 0}))
    with pytest.raises(IndexSchemaMismatch):
        make_index(engine, tmp_path / "ix").open_or_create()


def test_using_a_closed_index_is_an_error(engine: str, tmp_path: Path) -> None:
    index = make_index(engine, tmp_path / "ix")
    with pytest.raises(RuntimeError):
        index.add_documents([_doc(1)])


def test_from_settings_uses_index_dir_and_batch_size(tmp_path: Path) -> None:
    from core.settings import Settings

    index = WhooshIndex.from_settings(Settings(home=tmp_path, index_batch_size=17))
    assert index.path == tmp_path / "index"
    assert index.batch_size == 17


def test_only_ids_and_versions_are_stored(whoosh_corpus: SearchEngine) -> None:
    with whoosh_corpus.searcher() as searcher:
        stored = {name for fields in searcher.reader().all_stored_fields() for name in fields}
        assert stored == {"id", "updated_at"}
        assert not any(field.vector for _, field in searcher.schema.items())


def test_empty_values_are_left_out() -> None:
    doc = IndexDoc(
        document_id=5, title=" ", customer="明远", text="文本", department=None, codes=["", "HT-1"]
    )
    fields = to_fields(doc)
    assert fields["head"] == "明远"
    assert "department" not in fields and "doc_type" not in fields
    assert fields["codes"] == "HT-1"


def test_head_parts_cannot_join_into_a_phrase(empty_index: SearchEngine) -> None:
    empty_index.add_documents([IndexDoc(document_id=1, title="借款合同", customer="杭州明远")])
    assert search(empty_index, "合同杭州").total == 0
    assert search(empty_index, "合同").total == 1


def test_corpus_index_holds_every_document(corpus_index: SearchEngine) -> None:
    assert corpus_index.doc_ids() == set(BY_ID)
    assert corpus_index.doc_count() == len(DOCS)
