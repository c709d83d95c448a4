"""Search and show, for the CLI and the API: every read goes through access.policy and is audited.

A read is decided and recorded in one transaction that is committed whatever the answer, so a denied
read stays in the trail (AUD-2); only then is the refusal raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from access.duties import uploaded
from access.errors import AccessDenied
from access.models import User
from access.policy import Decision, decide, record_read, search_scope
from api.indexing import load_vocabulary
from core import audit
from core.errors import NotFound
from core.messages import CATALOGUE, translate
from records.models import Customer, Document, DocumentType, Revision
from retention.views import record_retention
from search.highlight import snippet
from search.index import SearchIndex
from search.query import search
from search.results import FacetCount, SearchResult
from search.similar import more_like_this

T = TypeVar("T")


def run_search(
    session: Session,
    index: SearchIndex,
    *,
    query: str,
    user: User,
    limit: int = 10,
    offset: int = 0,
    sort: str = "relevance",
    facets: bool = False,
    client: str = "",
    language: str = "zh-CN",
) -> dict:
    """Hits the user may read, with titles, archive numbers and snippets; hits, total and facets are all filtered."""
    # The user's scope (levels, departments, owners, grants) is read from the database now, and the index
    # filters on it, so neither the total, a facet count nor a page of hits counts a document the user may
    # not read. A grant or a new post counts at once; a level or customer-file change re-indexes what it
    # changes.
    load_vocabulary(session)
    scope = search_scope(session, user)
    result = search(index, query, limit=limit, offset=offset, scope=scope, sort=sort, facets=facets)
    hits = _shown_hits(session, scope, result, query)
    audit.record(
        session,
        actor=user.login,
        role=user.role_label,
        action="search",
        client=client,
        details={
            "query": query[:500],
            "sort": sort,
            "total": result.total,
            "returned": len(hits),
            "documents": [h["document_id"] for h in hits],
        },
    )
    return {
        "total": result.total,
        "hits": hits,
        "facets": facet_labels(session, result.facets, language=language),
    }


def _shown_hits(session: Session, scope: Any, result: SearchResult, query: str) -> list[dict]:
    """The page of hits as shown: database titles and snippets, each re-checked against the policy."""
    ids = [h.document_id for h in result.hits]
    docs = {
        d.id: d
        for d in session.scalars(
            select(Document)
            .where(Document.id.in_(ids))
            .options(selectinload(Document.pages), selectinload(Document.customer))
        )
    }
    hits = []
    for hit in result.hits:
        doc = docs.get(hit.document_id)
        # Gone from the database, or the index lags a change the database already holds (a failed
        # re-index): the database decides, so a stale entry never shows a title or snippet.
        if doc is None or not decide(scope, doc).allowed:
            continue
        hits.append(
            {
                "document_id": doc.id,
                "sha256": doc.sha256,
                "title": doc.title,
                "archive_no": doc.archive_no,
                "doc_type": doc.doc_type,
                "doc_date": doc.doc_date.isoformat() if doc.doc_date else None,
                "level": doc.level,
                "customer": doc.customer.name if doc.customer else None,
                "score": round(float(hit.score), 4),
                "snippet": snippet(doc.text, query),
            }
        )
    return hits


def facet_labels(
    session: Session, facets: dict[str, list[FacetCount]], *, language: str = "zh-CN"
) -> dict[str, list[dict]]:
    """Facet counts with what a person reads: customer names, type names, level names."""
    if not facets:
        return {}
    customer_ids = [int(f.value) for f in facets.get("customer", []) if f.value.isdigit()]
    names = (
        dict(session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(customer_ids))).all())
        if customer_ids
        else {}
    )
    types = {t.code: t for t in session.scalars(select(DocumentType))} if facets.get("type") else {}

    def label(name: str, value: str) -> str:
        if name == "customer":
            return names.get(int(value), value) if value.isdigit() else value
        if name == "type":
            found = types.get(value) or next((t for c, t in types.items() if c.lower() == value), None)
            return (found.name_en if language == "en" else found.name_zh) if found else value
        if name == "level":
            return (
                translate(f"search.level.{value}", language)
                if f"search.level.{value}" in CATALOGUE
                else value
            )
        return value

    return {
        name: [{"value": f.value, "label": label(name, f.value), "count": f.count} for f in counts]
        for name, counts in facets.items()
    }


def similar_documents(
    factory: sessionmaker[Session],
    index: SearchIndex,
    *,
    user_id: int,
    document_id: int,
    limit: int = 10,
    client: str = "",
) -> dict:
    """Documents like one the user may read (the read is decided and audited), within what they may read."""

    def show(session: Session, doc: Document, decision: Decision) -> dict:
        user = session.get_one(User, user_id)
        scope = search_scope(session, user)
        result = more_like_this(index, doc.id, scope=scope, limit=limit, text=doc.text, title=doc.title)
        hits = _shown_hits(session, scope, result, "")
        audit.record(
            session,
            actor=user.login,
            role=user.role_label,
            action="search",
            object_type="document",
            object_id=doc.id,
            archive_no=doc.archive_no,
            client=client,
            details={
                "similar_to": doc.id,
                "total": result.total,
                "returned": len(hits),
                "documents": [h["document_id"] for h in hits],
            },
        )
        return {"document_id": doc.id, "total": result.total, "hits": hits}

    return read_document(
        factory, user_id=user_id, document_id=document_id, action="similar", client=client, show=show
    )


def read_document(
    factory: sessionmaker[Session],
    *,
    user_id: int,
    document_id: int,
    action: str,
    client: str,
    show: Callable[[Session, Document, Decision], T],
    uploader_may: bool = False,
) -> T:
    """Decide and record one read; `show` builds the answer when it is allowed.

    With uploader_may, the document's uploader is also answered (the status of their own capture).
    """
    with factory() as session:
        with session.begin():
            user = session.get_one(User, user_id)
            doc = session.get(Document, document_id)
            if doc is None:
                audit.record(
                    session,
                    actor=user.login,
                    role=user.role_label,
                    action=action,
                    object_type="document",
                    object_id=document_id,
                    result="not_found",
                    client=client,
                )
            elif uploader_may and uploaded(user, doc):
                audit.record(
                    session,
                    actor=user.login,
                    role=user.role_label,
                    action=action,
                    object_type="document",
                    object_id=doc.id,
                    archive_no=doc.archive_no,
                    client=client,
                    details={"reason": "access.reason.uploader", "level": doc.level},
                )
                return show(session, doc, Decision(True, "access.reason.uploader"))
            else:
                decision = record_read(session, user=user, document=doc, action=action, client=client)
                if decision.allowed:
                    return show(session, doc, decision)
        # Committed: the refusal is in the trail.
        if doc is None:
            raise NotFound("document.not_found", id=document_id)
        raise AccessDenied(decision.reason_code)


def status_view(session: Session, doc: Document, decision: Decision) -> dict:
    """Processing state: queued → processing (page k of n) → filed → indexed, or failed."""
    return {
        "document_id": doc.id,
        "state": doc.state,
        "pages_done": doc.pages_done,
        "page_count": doc.page_count,
        "error": doc.error,
    }


def history_view(session: Session, doc: Document, decision: Decision) -> dict:
    """The document's metadata revisions, oldest first (POL-10)."""
    revisions = session.scalars(
        select(Revision).where(Revision.document_id == doc.id).order_by(Revision.at, Revision.id)
    )
    return {
        "document_id": doc.id,
        "revisions": [
            {
                "id": r.id,
                "at": r.at.isoformat(),
                "actor": r.actor,
                "reason": r.reason,
                "before": r.before,
                "after": r.after,
            }
            for r in revisions
        ],
    }


def original_view(session: Session, doc: Document, decision: Decision) -> tuple[str, str, str]:
    """Where the original's bytes are: (object key, MIME type, file name)."""
    if doc.state in ("destroying", "destroyed"):  # destroyed by a batch: only its residual record remains
        raise NotFound("batch.item.destroyed", id=doc.id, archive_no=doc.archive_no or "")
    return doc.object_key, doc.mime, doc.original_filename


def detail_view(session: Session, doc: Document, decision: Decision) -> dict[str, Any]:
    """Everything about one document, for `show --json` and GET /api/documents/ID."""
    ex = doc.extracted or {}
    return {
        "document_id": doc.id,
        "title": doc.title,
        "doc_type": doc.doc_type,
        "type_confidence": doc.type_confidence,
        "archive_no": doc.archive_no,
        "customer": doc.customer.name if doc.customer else None,
        "customer_id": doc.customer_id,
        "sha256": doc.sha256,
        "size": doc.size,
        "mime": doc.mime,
        "original_filename": doc.original_filename,
        "level": doc.level,
        "state": doc.state,
        "error": doc.error,
        "doc_date": doc.doc_date.isoformat() if doc.doc_date else None,
        "needs_review": doc.needs_review,
        "review_reasons": doc.review_reasons,
        "page_count": doc.page_count,
        "pages_done": doc.pages_done,
        "created_at": doc.created_at.isoformat(),
        "access": {"reason": decision.reason_code, "grant_id": decision.grant_id},
        "retention": record_retention(session, doc.id),  # due date and why (RET-2)
        "pages": [
            {
                "number": p.number,
                "text": p.text,
                "method": p.method,
                "confidence": p.confidence,
                "rotation": p.rotation,
            }
            for p in doc.pages
        ],
        "derivatives": [{"kind": d.kind, "sha256": d.sha256, "size": d.size} for d in doc.derivatives],
        "extracted": {
            k: ex.get(k, []) for k in ("dates", "contract_numbers", "amounts", "credit_codes", "phones")
        }
        | {"customer": ex.get("customer", []), "doc_date": ex.get("doc_date")},
    }


def document_detail(
    factory: sessionmaker[Session], *, user_id: int, document_id: int, client: str = ""
) -> dict:
    """The document for a user cleared to read it (the view is audited, with the grant it relied on)."""
    return read_document(
        factory, user_id=user_id, document_id=document_id, action="view", client=client, show=detail_view
    )
