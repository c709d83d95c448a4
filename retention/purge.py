"""Removing destroyed records from the search index, and then from its files.

With Whoosh, deleting an entry only marks it deleted in its segment; its stored fields and postings stay
in the segment files until the segment is rewritten. Destruction wants them gone from disk too, so a batch
deletes its entries chunk by chunk without merging (a merge per chunk would rewrite the same segments
again and again) and, when the batch ends, rewrites every segment that holds deleted entries once
(`purge_deleted`). With tantivy (DANGAN_SEARCH_ENGINE=tantivy) the engine's own delete and merge are used.
"""

from __future__ import annotations

from collections.abc import Iterable

from search.schema import ID_FIELD


def _whoosh(index) -> bool:  # type: ignore[no-untyped-def]  # index: the runtime's search index
    return getattr(index, "engine", "whoosh") == "whoosh"


def _writer(index):  # type: ignore[no-untyped-def]
    # Whoosh's own WRITELOCK serialises this writer with SearchIndex's (and other processes').
    return index.ix.writer(procs=1, limitmb=index.limitmb, timeout=index.lock_timeout)


def delete_entries(index, ids: Iterable[int]) -> int:  # type: ignore[no-untyped-def]
    """Delete the records' entries in one commit (Whoosh: without merging); how many were deleted."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    if not _whoosh(index):
        return index.delete_documents(wanted)
    writer = _writer(index)
    try:
        deleted = sum(writer.delete_by_term(ID_FIELD, document_id) for document_id in wanted)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)
    return deleted


def present(index, ids: list[int]) -> set[int]:  # type: ignore[no-untyped-def]
    """Which of the records still have an index entry."""
    if not _whoosh(index):
        return index.doc_ids() & set(ids)
    with index.searcher() as searcher:
        return {i for i in ids if searcher.document_number(**{ID_FIELD: i}) is not None}


def _rewrite_deleted(writer, segments):  # type: ignore[no-untyped-def]
    """Whoosh merge policy: rewrite every segment with deleted entries (their live entries only)."""
    from whoosh.reading import SegmentReader

    keep = []
    for segment in segments:
        if segment.has_deletions():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            keep.append(segment)
    return keep


def purge_deleted(index) -> None:  # type: ignore[no-untyped-def]
    """Rewrite the segments holding deleted entries so no destroyed record's text stays in the index files."""
    if not _whoosh(index):
        index.optimize()
        return
    _writer(index).commit(mergetype=_rewrite_deleted)


def deleted_entries(index) -> int | None:  # type: ignore[no-untyped-def]
    """How many deleted entries the index files still hold (0 after purge_deleted; None: the engine won't say)."""
    if not _whoosh(index):
        return None
    with index.searcher() as searcher:
        reader = searcher.reader()
        return reader.doc_count_all() - reader.doc_count()
