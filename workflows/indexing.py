"""Joins records and search: what the index holds for a document, and keeping the two in step.

index_documents is the indexing job's body; rebuild_from_database feeds `dangan index rebuild`;
check_index and repair_index are `dangan check [--repair]`. A document's stamp is the latest of its
processing, its metadata revisions and its customer file's change: an index entry older than that
is stale (it may show an old title, level or department to the permission filter).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from core.db import utcnow
from records.models import Customer, Document, DocumentType, Revision
from search.analysis import add_user_words
from search.index import IndexDoc, SearchIndex
from search.rebuild import RebuildResult, rebuild

INDEXABLE = ("filed", "indexed")
_vocabulary_loaded = False
_vocabulary_lock = threading.Lock()


def load_vocabulary(session: Session) -> int:
    """Teach the segmenter the customer names and document-type names, once per process.

    Later customers are taught as their documents are indexed (index_documents). Segmentation only
    ranks (matching is by bigrams and codes), so a word learnt late never hides a document.
    """
    global _vocabulary_loaded
    with _vocabulary_lock:
        if _vocabulary_loaded:
            return 0
        names = list(session.scalars(select(Customer.name)))
        names += [
            n for row in session.execute(select(DocumentType.name_zh, DocumentType.code)) for n in row if n
        ]
        added = add_user_words(names)
        _vocabulary_loaded = True
        return added


def _values(items: Iterable[Any], key: str) -> list[str]:
    return [item[key] if isinstance(item, dict) else str(item) for item in items]


def index_doc(doc: Document, *, stamp: datetime | None = None) -> IndexDoc:
    """The index entry for a filed document (stamp: its latest change, see module docstring)."""
    ex = doc.extracted or {}
    codes = _values(ex.get("contract_numbers", []), "value")
    codes += _values(ex.get("credit_codes", []), "value")
    codes += _values(ex.get("phones", []), "value")
    if doc.customer and doc.customer.credit_code:
        codes.append(doc.customer.credit_code)
    amounts = [a.get("fen") for a in ex.get("amounts", []) if isinstance(a, dict)]
    return IndexDoc(
        document_id=doc.id,
        title=doc.title,
        text=doc.text,
        customer=doc.customer.name if doc.customer else "",
        doc_type=doc.doc_type or "",
        archive_no=doc.archive_no or "",
        codes=sorted(set(codes)),
        doc_date=doc.doc_date,
        level=doc.level,
        department=doc.customer.department if doc.customer else None,
        owner=doc.customer.owner if doc.customer else None,
        customer_id=doc.customer_id,
        updated_at=stamp or doc.processed_at or doc.created_at,
        tags=[str(t) for t in ex.get("tags", []) if t],
        amounts=sorted({a for a in amounts if isinstance(a, int) and 0 <= a < 2**62}),
    )


def stamps(session: Session, ids: Sequence[int] | None = None) -> dict[int, datetime]:
    """Each indexable document's latest change (of the given ids, or all)."""
    revised = (
        select(Revision.document_id, func.max(Revision.at).label("at"))
        .group_by(Revision.document_id)
        .subquery()
    )
    query = (
        select(Document.id, Document.processed_at, Document.created_at, revised.c.at, Customer.updated_at)
        .outerjoin(revised, revised.c.document_id == Document.id)
        .outerjoin(Customer, Customer.id == Document.customer_id)
        .where(Document.state.in_(INDEXABLE))
    )
    if ids is not None:
        query = query.where(Document.id.in_(list(ids)))
    out: dict[int, datetime] = {}
    for document_id, processed, created, revised_at, customer_changed in session.execute(query):
        out[document_id] = max(
            t for t in (processed or created, revised_at, customer_changed) if t is not None
        )
    return out


def _load(session: Session, ids: Sequence[int]) -> list[IndexDoc]:
    docs = session.scalars(
        select(Document)
        .where(Document.id.in_(list(ids)), Document.state.in_(INDEXABLE))
        .options(selectinload(Document.pages), selectinload(Document.customer))
        .order_by(Document.id)
    ).all()
    changed = stamps(session, [d.id for d in docs])
    return [index_doc(d, stamp=changed.get(d.id)) for d in docs]


def index_documents(session: Session, index: SearchIndex, ids: Iterable[int]) -> int:
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
    load_vocabulary(session)
    docs = _load(session, ids)
    add_user_words({d.customer for d in docs if d.customer})
    return docs


def mark_indexed(session: Session, ids: list[int]) -> None:
    """Record that these documents are in the index."""
    session.execute(update(Document).where(Document.id.in_(ids)).values(state="indexed", indexed_at=utcnow()))


def count_indexable(session: Session) -> int:
    """How many documents a rebuild indexes."""
    return (
        session.scalar(select(func.count()).select_from(Document).where(Document.state.in_(INDEXABLE))) or 0
    )


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
            load_vocabulary(session)
            ids = session.scalars(
                select(Document.id)
                .where(Document.id > after_id, Document.state.in_(INDEXABLE))
                .order_by(Document.id)
                .limit(limit)
            ).all()
            return _load(session, ids) if ids else []

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


def check_index(session: Session, index: SearchIndex) -> CheckReport:
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
    session: Session, index: SearchIndex, report: CheckReport, *, chunk: int = 500
) -> tuple[int, int]:
    """Index what is missing or stale and drop entries with no document; (indexed, removed)."""
    todo = sorted(set(report.missing) | set(report.stale))
    added = 0
    for start in range(0, len(todo), chunk):
        added += index_documents(session, index, todo[start : start + chunk])
    removed = index.delete_documents(report.orphaned)
    return added, removed
