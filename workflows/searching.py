"""Searching, for the CLI, the API and the pages: hits, totals and facets only of what the user may read;
every search is audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from access.models import User
from access.policy import Decision, decide, search_scope
from core import audit
from core.db import reading, transaction
from core.messages import CATALOGUE, translate
from records.models import Customer, Document, DocumentType
from search import (
    FacetCount,
    Highlighter,
    Node,
    SearchEngine,
    SearchResult,
    ensure_vocabulary,
    parse,
    search,
)
from workflows import metrics
from workflows.reading import read_document


@dataclass(frozen=True)
class ShownHit:
    """One hit as a reader sees it: the database's title and metadata, and a <mark>ed snippet."""

    document_id: int
    sha256: str
    title: str
    archive_no: str | None
    doc_type: str | None
    doc_date: str | None  # ISO date
    level: str
    customer: str | None
    score: float
    snippet: str


@dataclass(frozen=True)
class FacetValue:
    """One facet value with what a person reads for it and how many readable hits have it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchPage:
    """A page of a search: the total the reader may see, the hits shown, facet counts when asked for."""

    total: int
    hits: list[ShownHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The documented JSON of the API and `dangan search --json`."""
        return {
            "total": self.total,
            "hits": [asdict(hit) for hit in self.hits],
            "facets": {name: [asdict(v) for v in values] for name, values in self.facets.items()},
        }


@dataclass(frozen=True)
class SimilarPage:
    """Documents like one document, among those the reader may read."""

    document_id: int
    total: int
    hits: list[ShownHit]

    def as_json(self) -> dict[str, Any]:
        """The documented JSON of the API."""
        return {
            "document_id": self.document_id,
            "total": self.total,
            "hits": [asdict(hit) for hit in self.hits],
        }


def run_search(
    session: Session,
    index: SearchEngine,
    *,
    query: str,
    user: User,
    limit: int = 10,
    offset: int = 0,
    sort: str = "relevance",
    facets: bool = False,
    client: str = "",
    language: str = "zh-CN",
) -> SearchPage:
    """Hits the user may read, with titles, archive numbers and snippets; hits, total and facets are all filtered.

    Audited in the caller's transaction. A way in that serves many users at once calls search_documents.
    """
    page, event = _search(
        session, index, query=query, user=user, limit=limit, offset=offset, sort=sort, facets=facets,
        client=client, language=language,
    )  # fmt: skip
    audit.record(session, **event)
    return page


def search_documents(
    factory: sessionmaker[Session],
    index: SearchEngine,
    *,
    user_id: int,
    query: str,
    limit: int = 10,
    offset: int = 0,
    sort: str = "relevance",
    facets: bool = False,
    client: str = "",
    language: str = "zh-CN",
) -> SearchPage:
    """run_search for the API and the pages: the search reads a snapshot, then its audit event is appended in
    a short transaction of its own; the page is returned only once that event is committed.

    Issue 14: run in one write transaction, a search on SQLite held the database's write lock (BEGIN
    IMMEDIATE) for the whole of the index work and the snippets, so users searching at once queued behind
    each other across every web process, and SQLite's busy handler, which sleeps and retries rather than
    queueing, let a few wait for seconds. Now the lock is held for the append alone (on PostgreSQL the
    audit head's row lock was, and is, taken only for the append). The event records the same query, total
    and documents as before: those the reader was shown.
    """
    with reading(factory) as session:
        page, event = _search(
            session, index, query=query, user=session.get_one(User, user_id), limit=limit, offset=offset,
            sort=sort, facets=facets, client=client, language=language,
        )  # fmt: skip
    with transaction(factory) as session:
        audit.record(session, **event)
    return page


def _search(
    session: Session,
    index: SearchEngine,
    *,
    query: str,
    user: User,
    limit: int,
    offset: int,
    sort: str,
    facets: bool,
    client: str,
    language: str,
) -> tuple[SearchPage, dict[str, Any]]:
    """The page of a search, and the audit event it calls for (core.audit.record's arguments); reads only."""
    # The user's scope (levels, departments, owners, grants) is read from the database now, and the index
    # filters on it, so neither the total, a facet count nor a page of hits counts a document the user may
    # not read. A grant or a new post counts at once; a level or customer-file change re-indexes what it
    # changes. The query is parsed once: the engine and every hit's snippet use the same tree.
    ensure_vocabulary(session)
    node = parse(query)
    scope = search_scope(session, user)
    with metrics.timed(metrics.SEARCH_SECONDS):  # issue 14: the search latency histogram
        result = search(index, node, limit=limit, offset=offset, scope=scope, sort=sort, facets=facets)
        hits = _shown_hits(session, scope, result, node)
    event = {
        "actor": user.login,
        "role": user.role_label,
        "action": "search",
        "client": client,
        "details": {
            "query": query[:500],
            "sort": sort,
            "total": result.total,
            "returned": len(hits),
            "documents": [h.document_id for h in hits],
        },
    }
    page = SearchPage(
        total=result.total, hits=hits, facets=facet_labels(session, result.facets, language=language)
    )
    return page, event


def _shown_hits(session: Session, scope: Any, result: SearchResult, query: Node | None) -> list[ShownHit]:
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
    marker = Highlighter(query if query is not None else "")  # none: the text's start, nothing marked
    hits = []
    for hit in result.hits:
        doc = docs.get(hit.document_id)
        # Gone from the database, or the index lags a change the database already holds (a failed
        # re-index): the database decides, so a stale entry never shows a title or snippet.
        if doc is None or not decide(scope, doc).allowed:
            continue
        hits.append(
            ShownHit(
                document_id=doc.id,
                sha256=doc.sha256,
                title=doc.title,
                archive_no=doc.archive_no,
                doc_type=doc.doc_type,
                doc_date=doc.doc_date.isoformat() if doc.doc_date else None,
                level=doc.level,
                customer=doc.customer.name if doc.customer else None,
                score=round(float(hit.score), 4),
                snippet=marker.snippet(doc.text),
            )
        )
    return hits


def facet_labels(
    session: Session, facets: dict[str, list[FacetCount]], *, language: str = "zh-CN"
) -> dict[str, list[FacetValue]]:
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
        name: [FacetValue(f.value, label(name, f.value), f.count) for f in counts]
        for name, counts in facets.items()
    }


def similar_documents(
    factory: sessionmaker[Session],
    index: SearchEngine,
    *,
    user_id: int,
    document_id: int,
    limit: int = 10,
    client: str = "",
) -> SimilarPage:
    """Documents like one the user may read (the read is decided and audited), within what they may read."""

    def show(session: Session, doc: Document, decision: Decision) -> SimilarPage:
        user = session.get_one(User, user_id)
        scope = search_scope(session, user)
        result = index.more_like_this(doc.id, scope=scope, limit=limit, text=doc.text, title=doc.title)
        hits = _shown_hits(session, scope, result, None)
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
                "documents": [h.document_id for h in hits],
            },
        )
        return SimilarPage(document_id=doc.id, total=result.total, hits=hits)

    return read_document(
        factory, user_id=user_id, document_id=document_id, action="similar", client=client, show=show
    )
