"""Joins records and search: what the index holds for a document, and keeping the two in step."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from core.db import utcnow
from records.models import Document
from search.index import IndexDoc, SearchIndex


def index_doc(doc: Document) -> IndexDoc:
    """The index entry for a filed document."""
    ex = doc.extracted or {}
    codes: list[str] = []
    for item in ex.get("contract_numbers", []):
        codes.append(item["value"] if isinstance(item, dict) else str(item))
    codes += [c["value"] if isinstance(c, dict) else str(c) for c in ex.get("credit_codes", [])]
    codes += [p["value"] if isinstance(p, dict) else str(p) for p in ex.get("phones", [])]
    if doc.customer and doc.customer.credit_code:
        codes.append(doc.customer.credit_code)
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
        updated_at=doc.processed_at or doc.created_at,
    )


def index_documents(session: Session, index: SearchIndex, ids: Iterable[int]) -> int:
    """Index the filed documents among ids in one commit; marks them indexed. Idempotent."""
    ids = list(ids)
    if not ids:
        return 0
    docs = session.scalars(
        select(Document)
        .where(Document.id.in_(ids), Document.state.in_(("filed", "indexed")))
        .options(selectinload(Document.pages), selectinload(Document.customer))
    ).all()
    if not docs:
        return 0
    index.add_documents(index_doc(d) for d in docs)
    session.execute(
        update(Document)
        .where(Document.id.in_([d.id for d in docs]))
        .values(state="indexed", indexed_at=utcnow())
    )
    return len(docs)
