"""Joins records and search: keeping the index in step with the database.

index_documents is the indexing job's body; rebuild_from_database feeds `dangan index rebuild`;
check_index and repair_index are `dangan check [--repair]`. What an entry holds and when it is stale
is the feed's (search.feed); teaching the segmenter the customer and type names is search.vocabulary's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from core.db import utcnow
from records.models import Document
from search import (
    IndexDoc,
    RebuildResult,
    SearchEngine,
    add_user_words,
    count_indexable,
    ensure_vocabulary,
    entries,
    entries_after,
    rebuild,
    stamps,
)

__all__ = [
    "CheckReport",
    "check_index",
    "count_indexable",
    "index_documents",
    "indexable",
    "mark_indexed",
    "rebuild_from_database",
    "repair_index",
]


def index_documents(session: Session, index: SearchEngine, ids: Iterable[int]) -> int:
    """Index the filed documents among ids in one commit; marks them indexed. Idempotent."""
    docs = indexable(session, ids)
    if not docs:
        return 0
    index.add_documents(docs)
    mark_indexed(session, [d.document_id for d in docs])
    return len(docs)


def indexable(session: Session, ids: Iterable[int]) -> list[IndexDoc]:
    """The index entries of the filed documents among ids (the segmenter taught their customers' names)."""
    ids = list(ids)
    if not ids:
        return []
    ensure_vocabulary(session)
    docs = entries(session, ids)
    add_user_words({d.customer for d in docs if d.customer})
    return docs


def mark_indexed(session: Session, ids: list[int]) -> None:
    """Record that these documents are in the index."""
    session.execute(update(Document).where(Document.id.in_(ids)).values(state="indexed", indexed_at=utcnow()))


def rebuild_from_database(
    factory: sessionmaker[Session],
    root: Path,
    *,
    engine: str,
    chunk: int = 500,
    workers: int = 1,
    on_chunk: Callable[[int], None] | None = None,
) -> RebuildResult:
    """Rebuild the index under root from the database, chunk documents at a time (one short session each)."""

    def fetch(after_id: int, limit: int) -> list[IndexDoc]:
        with factory() as session:
            ensure_vocabulary(session)
            return entries_after(session, after_id, limit)

    return rebuild(root, fetch, engine=engine, chunk=chunk, workers=workers, on_chunk=on_chunk)


@dataclass
class CheckReport:
    """Index and database compared: ids missing from the index, entries with no document, stale entries."""

    documents: int
    indexed: int
    missing: list[int] = field(default_factory=list)
    orphaned: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.orphaned or self.stale)

    def as_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "indexed": self.indexed,
            "missing": self.missing,
            "orphaned": self.orphaned,
            "stale": self.stale,
            "clean": self.clean,
        }


def check_index(session: Session, index: SearchEngine) -> CheckReport:
    """Compare the index with the database."""
    expected = stamps(session)
    entries = index.versions()
    stale = [
        document_id
        for document_id, stamp in entries.items()
        if document_id in expected and (stamp is None or stamp < expected[document_id])
    ]
    return CheckReport(
        documents=len(expected),
        indexed=len(entries),
        missing=sorted(expected.keys() - entries.keys()),
        orphaned=sorted(entries.keys() - expected.keys()),
        stale=sorted(stale),
    )


def repair_index(
    session: Session, index: SearchEngine, report: CheckReport, *, chunk: int = 500
) -> tuple[int, int]:
    """Index what is missing or stale and drop entries with no document; (indexed, removed)."""
    todo = sorted(set(report.missing) | set(report.stale))
    added = 0
    for start in range(0, len(todo), chunk):
        added += index_documents(session, index, todo[start : start + chunk])
    removed = index.delete_documents(report.orphaned)
    return added, removed
