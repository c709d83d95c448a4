"""Customer files for the CLI, the API and the pages: the list, and one file with its profile, contacts,
timeline and the documents the caller may read (changes are corrections: workflows.corrections; new files,
contacts and timeline entries: workflows.customer_records).

A file's existence, status, keeping department and owner are shown to every signed-in user (POL-2's customer
list is kept for consultation, and an access request for a whole file names it). Its profile, contacts and
timeline only to those who may read it by access.policy's one rule (can_read_customer: as a document of the
file's level), and its documents only as far as the same scope allows (scope_filter), so a list never shows
a title the user may not read. Filters on profile values (grade, kind, industry, region) match only files the viewer may
open, so a filter cannot reveal what the row hides. Listing and viewing are audited like searches.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.customer_files import may_approve, may_edit_profile
from access.customer_scope import joined_document_filter, openable_filter
from access.models import User
from access.policy import ReadScope, decide_customer, read_scope, scope_filter
from core import audit
from core.db import utcnow
from records.customer_files import get_customer, info, is_stale
from records.customer_profile import profile, revisions, similar_files
from records.customer_query import CustomerFilter, count_matching, fetch_page
from records.customer_timeline import contacts, entries
from records.models import ENDED_STATUSES, Customer, Document

# Profile values shown in a list row to those who may open the file (None for the others).
ROW_PROFILE = ("kind", "grade", "industry", "province", "city", "last_contact")
LIST_LIMIT = 100


def customer_list(
    session: Session,
    *,
    viewer: User,
    filters: CustomerFilter | None = None,
    sort: str = "name",
    limit: int | None = LIST_LIMIT,
    offset: int = 0,
    client: str = "",
) -> list[dict[str, Any]]:
    """One page of customer files, current before former and lost (POL-11), sorted by name in pinyin order,
    grade or last contact; each with whether the viewer may open it and how many of its documents they read.

    Filtered, sorted and paged in the database (records.customer_query); profile filters match, and profile
    sorts use, only files the viewer may open."""
    chosen = (filters or CustomerFilter()).checked()
    scope = read_scope(session, viewer)
    openable = openable_filter(scope)
    now = utcnow()
    page = fetch_page(session, chosen, sort=sort, openable=openable, now=now, limit=limit, offset=offset)
    total = count_matching(session, chosen, openable=openable, now=now)
    audit.record(
        session,
        actor=viewer.login,
        role=viewer.role_label,
        action="customer.list",
        client=client,
        details={
            "filters": chosen.given(),
            "sort": sort,
            "offset": offset,
            "count": len(page),
            "total": total,
        },
    )
    return rows_for(session, scope, page, now=now)


def rows_for(
    session: Session, scope: ReadScope, page: list[Customer], *, now: datetime
) -> list[dict[str, Any]]:
    """List rows for these files: profile values only where the scope may open the file, and how many of
    each file's documents the scope reads."""
    # Joined to the page's files (not a subquery over every file of a department): constant at any scale.
    readable = dict(
        session.execute(
            select(Document.customer_id, func.count())
            .join(Customer, Customer.id == Document.customer_id)
            .where(joined_document_filter(scope), Document.customer_id.in_([c.id for c in page]))
            .group_by(Document.customer_id)
        ).all()
    )
    return [_row(c, decide_customer(scope, c).allowed, readable.get(c.id, 0), now) for c in page]


def _row(customer: Customer, may_open: bool, readable: int, now: datetime) -> dict[str, Any]:
    shown = {name: getattr(customer, name) if may_open else None for name in ROW_PROFILE}
    return (
        asdict(info(customer))
        | {k: v.isoformat() if isinstance(v, date) else v for k, v in shown.items()}
        | {
            "may_open": may_open,
            "ended": customer.status in ENDED_STATUSES,
            "stale": is_stale(customer, now=now),
            "readable_documents": readable,
        }
    )


def customer_detail(session: Session, *, viewer: User, customer_id: int, client: str = "") -> dict[str, Any]:
    """One customer file: who keeps it, and for those who may read it its profile, contacts, timeline (entries
    and readable documents, newest first: POL-11) and revisions; always the documents the viewer may read."""
    customer = get_customer(session, customer_id)
    scope = read_scope(session, viewer)  # one moment for the file and its documents
    decision = decide_customer(scope, customer)
    docs = list(
        session.scalars(
            select(Document)
            .where(Document.customer_id == customer.id, scope_filter(scope))
            .order_by(Document.doc_date.desc().nulls_last(), Document.created_at.desc(), Document.id.desc())
        )
    )
    audit.record(
        session,
        actor=viewer.login,
        role=viewer.role_label,
        action="customer.view",
        object_type="customer",
        object_id=customer.id,
        client=client,
        reference=f"grant:{decision.grant_id}" if decision.grant_id else "",
        details={
            "documents": [d.id for d in docs],
            "profile": decision.allowed,
            "reason": decision.reason_code,
        },
    )
    documents = [
        {
            "document_id": d.id,
            "title": d.title,
            "archive_no": d.archive_no,
            "doc_type": d.doc_type,
            "level": d.level,
            "doc_date": d.doc_date.isoformat() if d.doc_date else None,
            "state": d.state,
        }
        for d in docs
    ]
    shown = asdict(info(customer)) | {
        "may_open": decision.allowed,
        "may_edit": may_edit_profile(session, viewer, customer),
        "may_approve": may_approve(viewer),
        "stale": is_stale(customer),
        "merged_into": customer.merged_into,  # a merged file is a pointer (records.customer_merge)
        "documents": documents,
    }
    if not decision.allowed:
        return shown
    return shown | {
        "profile": profile(customer),
        "suggested": dict(customer.suggested or {}),
        "contacts": contacts(session, customer.id),
        "timeline": timeline(session, customer.id, documents, docs),
        "revisions": revisions(session, customer.id),
    }


def timeline(
    session: Session, customer_id: int, documents: list[dict[str, Any]], docs: list[Document]
) -> list[dict[str, Any]]:
    """Entries and readable documents as one timeline, newest first; a document is dated by its own date,
    else by when it was filed."""
    items: list[dict[str, Any]] = [{"type": "entry"} | e for e in entries(session, customer_id)]
    for shown, doc in zip(documents, docs, strict=True):
        day = doc.doc_date or doc.created_at.date()
        items.append(
            {
                "type": "document",
                "kind": "document",
                "date": day.isoformat(),
                "document_id": shown["document_id"],
                "title": shown["title"],
                "doc_type": shown["doc_type"],
            }
        )
    items.sort(key=lambda item: item["date"], reverse=True)  # stable: same-day entries stay newest first
    return items


def similar_to(session: Session, *, customer_id: int) -> list[dict[str, Any]]:
    """Other files whose names are very like this file's (possible duplicates: names only, as the list)."""
    customer = get_customer(session, customer_id)
    return [asdict(s) for s in similar_files(session, customer.name, but=customer.id)]
