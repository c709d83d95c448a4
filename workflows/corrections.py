"""Corrections to what the archive says about a record: metadata, confidentiality level, the review queue, and
the profile, department, owner and status of a customer file (POL-1, POL-10).

Each is a domain change (access decides who may, records keeps the revision) followed, here and nowhere else,
by what must follow it: a legal hold refuses the change (HLD-2), the due date is recomputed (RET-2) and the
index entries are rewritten (the permission filter reads level, department and owner from them). All of it
runs in the caller's transaction, so a refusal or a failed index write leaves nothing changed; entries already
rewritten then disagree with the database, and searching checks every hit against the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from access import levels, metadata
from access.customer_files import check_change, check_edit
from access.models import User
from core.db import utcnow
from core.errors import DanganError
from records.customer_files import ACCESS_FIELDS, change_customer, document_ids_of, get_customer
from records.customer_profile import check_values, revise
from records.models import Document
from retention.holds import refuse_if_held
from retention.schedule import customer_status_changed, recompute
from search import SearchEngine
from workflows.indexing import index_documents


@dataclass(frozen=True)
class CustomerFileChange:
    """A customer file's change as the API and `customers set --json` report it."""

    customer_id: int
    before: dict[str, str | None]
    after: dict[str, str | None]
    reindexed: int


def correct_metadata(
    session: Session,
    index: SearchEngine,
    *,
    document_id: int,
    actor: User,
    reason: str,
    doc_type: str | None = None,
    title: str | None = None,
    doc_date: date | None = None,
    customer_id: int | None = None,
    client: str = "",
) -> metadata.MetadataChange:
    """Correct a document's type, title, date or customer file; refused while it is held."""
    doc = session.get(Document, document_id)
    was_in = doc.customer_id if doc is not None else None
    change = metadata.correct_metadata(
        session,
        document_id=document_id,
        actor=actor,
        reason=reason,
        doc_type=doc_type,
        title=title,
        doc_date=doc_date,
        customer_id=customer_id,
        client=client,
    )
    left = was_in if "customer_id" in change.after else None
    _follow_document_change(session, index, document_id, left_customer_id=left)
    return change


def set_document_level(
    session: Session,
    index: SearchEngine,
    *,
    document_id: int,
    level: str,
    actor: User,
    reason: str,
    client: str = "",
) -> levels.LevelChange:
    """Set a document's confidentiality level; refused while it is held."""
    change = levels.set_document_level(
        session, document_id=document_id, level=level, actor=actor, reason=reason, client=client
    )
    _follow_document_change(session, index, document_id)
    return change


def set_customer_level(
    session: Session, *, customer_id: int, level: str, actor: User, reason: str, client: str = ""
) -> levels.LevelChange:
    """Set a customer file's level: it chooses the approval chain for requests for the whole file, and no
    document's own level, so nothing is re-indexed."""
    return levels.set_customer_level(
        session, customer_id=customer_id, level=level, actor=actor, reason=reason, client=client
    )


def confirm_review(
    session: Session,
    index: SearchEngine,
    *,
    document_id: int,
    actor: User,
    reason: str,
    corrections: dict[str, Any] | None = None,
    client: str = "",
) -> bool:
    """Apply the reviewer's corrections (if any; values equal to the current ones are no correction) and take
    the document off the review queue; both kept as revisions. False when it was not on the queue."""
    if corrections:
        try:
            correct_metadata(
                session,
                index,
                document_id=document_id,
                actor=actor,
                reason=reason,
                client=client,
                **corrections,
            )
        except DanganError as error:
            if error.code != "metadata.unchanged":
                raise
    cleared = metadata.clear_review(
        session, document_id=document_id, actor=actor, reason=reason, client=client
    )
    if cleared:
        _follow_document_change(session, index, document_id)
    return cleared


def change_customer_file(
    session: Session,
    index: SearchEngine,
    *,
    customer_id: int,
    actor: User,
    department: str | None = None,
    owner: str | None = None,
    status: str | None = None,
    reason: str,
    client: str = "",
) -> CustomerFileChange:
    """Change a file's department, owner or status; its documents are re-indexed, and a file that became
    former or lost starts its relationship-end retention (RET-2)."""
    customer = get_customer(session, customer_id)
    check_change(session, customer=customer, actor=actor, department=department, owner=owner, client=client)
    change = change_customer(
        session,
        customer_id=customer_id,
        actor=actor.login,
        role=actor.role_label,
        department=department,
        owner=owner,
        status=status,
        reason=reason,
        client=client,
    )
    reindexed = index_documents(session, index, change.document_ids)
    if "status" in change.after:  # relationship-end rules run from the day a customer became former or lost
        customer_status_changed(
            session, customer_id=customer_id, status=change.after["status"], on=utcnow().date()
        )
    return CustomerFileChange(customer_id, change.before, change.after, reindexed)


def edit_customer_file(
    session: Session,
    index: SearchEngine,
    *,
    customer_id: int,
    actor: User,
    changes: dict[str, Any],
    reason: str,
    client: str = "",
) -> CustomerFileChange:
    """Change a file's profile (and its department, owner or status) as one revision with before and after;
    then the same follow-ups as change_customer_file: re-index when department or owner moved, start the
    relationship-end retention when it became former or lost."""
    customer = get_customer(session, customer_id)
    if not changes:
        raise DanganError("customer.nothing_to_change")
    # Values a field already has are no change, and need no right: an owner may send the whole form.
    checked = {k: v for k, v in check_values(changes).items() if getattr(customer, k) != v}
    if not checked:
        raise DanganError("customer.unchanged", id=customer_id)
    check_edit(
        session,
        customer=customer,
        actor=actor,
        fields=set(checked),
        department=checked.get("department"),
        owner=checked.get("owner"),
        client=client,
    )
    change = revise(
        session,
        customer=customer,
        actor=actor.login,
        role=actor.role_label,
        action="customer.edit",
        changes=checked,
        reason=reason,
        client=client,
    )
    reindexed = 0
    if ACCESS_FIELDS & change.after.keys():
        reindexed = index_documents(session, index, document_ids_of(session, customer_id))
    if "status" in change.after:
        customer_status_changed(
            session, customer_id=customer_id, status=change.after["status"], on=utcnow().date()
        )
    return CustomerFileChange(customer_id, change.before, change.after, reindexed)


def _follow_document_change(
    session: Session, index: SearchEngine, document_id: int, *, left_customer_id: int | None = None
) -> None:
    """What every change to a document's description is followed by, in this order."""
    refuse_if_held(session, document_id=document_id, left_customer_id=left_customer_id)
    recompute(session, document_ids=[document_id])
    index_documents(session, index, [document_id])
