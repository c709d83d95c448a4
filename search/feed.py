"""The feed: an index entry (search.schema.IndexDoc) built from a filed record as the database holds it.

A document's stamp is the latest of its processing, its metadata revisions and its customer file's change:
an index entry older than that is stale (it may show an old title, level or department to the permission
filter). search reads records' models here (records sits below search); joining the database and the index
(marking documents indexed, rebuilds, checks) is workflows.indexing's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from records.customer_aliases import alias_names
from records.models import Customer, Document, Revision
from search.schema import IndexDoc

INDEXABLE = ("filed", "indexed")


def _values(items: Iterable[Any], key: str) -> list[str]:
    return [item[key] if isinstance(item, dict) else str(item) for item in items]


def index_doc(doc: Document, *, stamp: datetime | None = None, aliases: Sequence[str] = ()) -> IndexDoc:
    """The index entry for a filed document (stamp: its latest change, see module docstring; aliases: its
    customer file's short names, records.customer_aliases)."""
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
        aliases=list(aliases),
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


def entries(session: Session, ids: Sequence[int]) -> list[IndexDoc]:
    """The index entries of the indexable documents among ids, in id order (others are left out)."""
    if not ids:
        return []
    docs = session.scalars(
        select(Document)
        .where(Document.id.in_(list(ids)), Document.state.in_(INDEXABLE))
        .options(selectinload(Document.pages), selectinload(Document.customer))
        .order_by(Document.id)
    ).all()
    changed = stamps(session, [d.id for d in docs])
    aliases = alias_names(session, sorted({d.customer_id for d in docs if d.customer_id is not None}))
    return [index_doc(d, stamp=changed.get(d.id), aliases=aliases.get(d.customer_id or 0, ())) for d in docs]


def entries_after(session: Session, after_id: int, limit: int) -> list[IndexDoc]:
    """The next limit indexable documents' entries with ids above after_id (a rebuild's chunk)."""
    ids = session.scalars(
        select(Document.id)
        .where(Document.id > after_id, Document.state.in_(INDEXABLE))
        .order_by(Document.id)
        .limit(limit)
    ).all()
    return entries(session, ids)


def count_indexable(session: Session) -> int:
    """How many documents a rebuild indexes."""
    return (
        session.scalar(select(func.count()).select_from(Document).where(Document.state.in_(INDEXABLE))) or 0
    )
