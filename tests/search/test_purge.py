"""purge_deleted: after a destruction batch nothing of a destroyed record is left in the index files, on both
engines, proven by reading the files themselves (not through the engine object that did the purge)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import tantivy
from whoosh.filedb.filestore import FileStorage

from search import IndexDoc, PurgeReport, SearchEngine, make_index, search
from search.schema import ID_FIELD, TEXT_CODES, TEXT_WORDS
from tests.search.corpus import DOCS

WORD = "zyxwvquorum"  # in the destroyed records' text only
CODE = "qzx774411"  # their contract number, as the code field holds it
VICTIMS = [
    dataclasses.replace(
        DOCS[n], document_id=900 + n, text=f"档案销毁验证 {WORD} 合同编号 QZX-774411 {DOCS[n].text}"
    )
    for n in (2, 9, 17)
]


def _refeed(docs: Sequence[IndexDoc]):  # type: ignore[no-untyped-def]
    by_id = {d.document_id: d for d in docs}
    asked: list[int] = []

    def refeed(ids: Sequence[int]) -> list[IndexDoc]:
        asked.extend(ids)
        return [by_id[i] for i in ids if i in by_id]

    return refeed, asked


@pytest.fixture
def index(engine: str, tmp_path: Path) -> Any:
    """Several segments (5 documents a commit), the destroyed records spread over three of them."""
    ix = make_index(engine, tmp_path / "ix", batch_size=5).open_or_create()
    ix.add_documents(DOCS + VICTIMS)
    yield ix
    ix.close()


def _whoosh_files(path: Path) -> dict[str, Any]:
    """The Whoosh index read from disk: raw bytes of every file, and each segment of the latest commit."""
    raw = sorted(p.name for p in path.iterdir() if p.is_file() and WORD.encode() in p.read_bytes())
    ix = FileStorage(str(path), supports_mmap=False).open_index()
    deleted, id_terms, stored_ids, word_terms = 0, set(), set(), 0
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            deleted += leaf.segment().deleted_count()
            id_terms |= {v.document_id for v in VICTIMS if (ID_FIELD, v.document_id) in leaf}
            word_terms += (TEXT_WORDS, WORD) in leaf
            stored_ids |= {leaf.stored_fields(n)[ID_FIELD] for n in range(leaf.doc_count_all())}
    ix.close()
    return {
        "raw": raw,
        "deleted": deleted,
        "id_terms": id_terms,
        "stored": stored_ids,
        "word_terms": word_terms,
    }


def _tantivy_files(path: Path) -> dict[str, Any]:
    """The tantivy index read from disk: meta.json's segments and a fresh reader's term dictionaries."""
    from search.tantivy_index import build_schema

    meta = json.loads((path / "meta.json").read_text())
    searcher = tantivy.Index(build_schema(), path=str(path), reuse=True).searcher()
    return {
        "deletes": [s["deletes"] for s in meta["segments"] if s["deletes"]],
        "segments": {s["segment_id"].replace("-", "") for s in meta["segments"]},
        "files": {p.name.split(".")[0] for p in path.iterdir() if p.suffix in (".idx", ".term", ".store")},
        # The term dictionary lists a term while any segment holds it, deleted entries included.
        "word_terms": searcher.terms_with_prefix(TEXT_WORDS, WORD),
        "code_df": searcher.doc_freq(TEXT_CODES, CODE),
        "id_df": {v.document_id for v in VICTIMS if searcher.doc_freq(ID_FIELD, v.document_id)},
    }


def test_deleting_alone_leaves_the_destroyed_records_in_the_files(index: SearchEngine, engine: str) -> None:
    index.delete_documents([v.document_id for v in VICTIMS], merge=False)
    assert search(index, WORD).total == 0  # unsearchable already ...
    if engine == "whoosh":  # ... but still on disk: what purge_deleted is for
        files = _whoosh_files(index.path)
        assert (
            files["raw"] and files["deleted"] == 3 and files["id_terms"] == {v.document_id for v in VICTIMS}
        )
    else:
        files = _tantivy_files(index.path)
        assert files["deletes"] and files["word_terms"] and files["code_df"] == 3 and files["id_df"]


def test_purge_leaves_no_term_stored_field_or_posting_of_destroyed_records(
    index: SearchEngine, engine: str
) -> None:
    victims = [v.document_id for v in VICTIMS]
    search_before = len({h.document_id for h in search(index, "合同", limit=100).hits} - set(victims))
    before = _tantivy_files(index.path) if engine == "tantivy" else None
    index.delete_documents(victims, merge=False)
    doomed = _tantivy_files(index.path)["segments"] if engine == "tantivy" else set()
    refeed, asked = _refeed(DOCS)
    report = index.purge_deleted(ids=victims, refeed=refeed)
    assert isinstance(report, PurgeReport) and report.clean, report
    assert report.engine == engine and report.deleted_left == 0 and report.ids_left == []
    if engine == "whoosh":
        files = _whoosh_files(index.path)
        assert files["raw"] == []  # the word's bytes are in no file of the directory
        assert files["deleted"] == 0 and files["id_terms"] == set() and files["word_terms"] == 0
        assert files["stored"] == {d.document_id for d in DOCS}  # every stored record is a live one
        assert asked == []  # Whoosh copies live entries from its own segments
    else:
        files = _tantivy_files(index.path)
        assert files["deletes"] == []  # no segment in meta.json has a delete file
        assert files["word_terms"] == [] and files["code_df"] == 0 and files["id_df"] == set()
        gone = doomed - files["segments"]
        assert before is not None and gone  # the segments that held a victim were dropped ...
        assert not gone & files["files"]  # ... and their files removed from the directory
        assert set(asked) and not set(asked) & set(victims)  # only live neighbours were re-added
    assert index.doc_count() == len(DOCS)
    assert index.doc_ids() == {d.document_id for d in DOCS}
    # The rewritten neighbours are found as before, once each.
    assert search(index, "合同", limit=100).total == search_before


def test_purge_of_an_index_without_deletions_rewrites_nothing(index: SearchEngine) -> None:
    refeed, asked = _refeed(DOCS)
    report = index.purge_deleted(ids=[123456], refeed=refeed)
    assert report.clean and report.rewritten == 0 and asked == []
    assert index.doc_count() == len(DOCS) + len(VICTIMS)


def test_the_report_says_what_is_left_when_the_files_still_hold_a_record(index: SearchEngine) -> None:
    index.delete_documents([VICTIMS[0].document_id], merge=False)
    left = index.verify_purged([VICTIMS[0].document_id])  # type: ignore[attr-defined]
    assert not left.clean and left.deleted_left == 1 and left.ids_left == [VICTIMS[0].document_id]
    check = left.as_check()
    assert check["check"] == "index_files_purged" and check["ok"] is False


def test_purging_the_last_entries_leaves_an_empty_clean_index(engine: str, tmp_path: Path) -> None:
    index = make_index(engine, tmp_path / "ix", batch_size=2).open_or_create()
    try:
        index.add_documents(VICTIMS)
        victims = [v.document_id for v in VICTIMS]
        index.delete_documents(victims, merge=False)
        report = index.purge_deleted(ids=victims, refeed=_refeed([])[0])
        assert report.clean and report.ids_left == [] and index.doc_count() == 0
        assert search(index, WORD).total == 0
    finally:
        index.close()
