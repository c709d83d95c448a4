"""Customer files for the CLI, the API and the pages: the list, and one file with the documents the caller
may read (changes of department, owner and status are corrections: workflows.corrections).

A file's existence, status, keeping department and owner are shown to every signed-in user (POL-2's customer
list is kept for consultation, and an access request for a whole file names it); its documents only as far
as access.policy.readable_filter allows, so a list never shows a title the user may not read. Listing and
viewing are audited like searches.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.models import User
from access.policy import readable_filter
from core import audit
from records.customer_files import get_customer, info, list_customers
from records.models import Document


def customer_list(
    session: Session,
    *,
    viewer: User,
    status: str | None = None,
    department: str | None = None,
    owner: str | None = None,
    client: str = "",
) -> list[dict[str, Any]]:
    """Customer files by name, each with how many of its documents the viewer may read."""
    customers = list_customers(session, status=status, department=department, owner=owner)
    readable = dict(
        session.execute(
            select(Document.customer_id, func.count())
            .where(readable_filter(session, viewer), Document.customer_id.is_not(None))
            .group_by(Document.customer_id)
        ).all()
    )
    audit.record(
        session,
        actor=viewer.login,
        role=viewer.role_label,
        action="customer.list",
        client=client,
        details={"status": status, "department": department, "owner": owner, "count": len(customers)},
    )
    return [asdict(info(c)) | {"readable_documents": readable.get(c.id, 0)} for c in customers]


def customer_detail(session: Session, *, viewer: User, customer_id: int, client: str = "") -> dict[str, Any]:
    """One customer file and the documents in it the viewer may read, newest first (POL-11)."""
    customer = get_customer(session, customer_id)
    docs = list(
        session.scalars(
            select(Document)
            .where(Document.customer_id == customer.id, readable_filter(session, viewer))
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
        details={"documents": [d.id for d in docs]},
    )
    return asdict(info(customer)) | {
        "documents": [
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
    }
