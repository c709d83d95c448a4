"""Merging two files of one customer (issue 12, POL-1's one file per customer): FROM's documents, contacts,
timeline and follow-ups move into INTO; FROM stays as a pointer (status `merged`, `merged_into`).

Archive numbers never change (CLS-2: a number, once given, stays with its document); only the file a
document belongs to does. Two files with different credit codes are two customers, so that merge is refused;
when only FROM has a code, INTO takes it. FROM's name joins INTO's former names, so the customer is still
found by it. Both files keep a revision of the merge, and one audit event names everything that moved. What
follows a merge (holds, retention, the index, custody's items) is the caller's (workflows.customer_merge).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from core.errors import Conflict, DanganError
from records.customer_followups import move_followups
from records.customer_profile import refuse_merged
from records.customers import UNMATCHED_NAME
from records.document_counts import keeping_counts
from records.models import MERGED, Customer, CustomerContact, CustomerEntry, CustomerRevision, Document


@dataclass(frozen=True)
class Merge:
    """What a merge moved; the caller re-indexes `document_ids` and follows the rest."""

    from_id: int
    into_id: int
    document_ids: list[int]
    archive_nos: list[str]
    contacts: int
    entries: int
    followups: int
    credit_code_moved: bool


def check_merge(source: Customer, target: Customer) -> None:
    """Refuse a merge that would join two customers, or touch a pointer or the unmatched holding file."""
    if source.id == target.id:
        raise DanganError("customer.merge_same", id=source.id)
    refuse_merged(source)
    refuse_merged(target)
    if UNMATCHED_NAME in (source.name, target.name):
        raise DanganError("customer.merge_unmatched")
    if source.credit_code and target.credit_code and source.credit_code != target.credit_code:
        raise Conflict(
            "customer.merge_codes_differ",
            from_id=source.id,
            from_code=source.credit_code,
            into_id=target.id,
            into_code=target.credit_code,
        )


def merge_files(
    session: Session,
    *,
    source: Customer,
    target: Customer,
    actor: str,
    role: str = "",
    reason: str,
    client: str = "",
) -> Merge:
    """Move everything of `source` into `target` and leave `source` pointing there; audited as customer.merge."""
    reason = reason.strip()
    if not reason:
        raise DanganError("customer.reason_required")
    check_merge(source, target)
    now = utcnow()
    docs = list(
        session.execute(
            select(Document.id, Document.archive_no)
            .where(Document.customer_id == source.id)
            .order_by(Document.id)
        )
    )
    document_ids = [d for d, _ in docs]
    with keeping_counts(session, customers=[source.id, target.id]):  # the customer analysis' counts
        session.execute(
            update(Document).where(Document.customer_id == source.id).values(customer_id=target.id)
        )
    contacts = session.execute(
        update(CustomerContact).where(CustomerContact.customer_id == source.id).values(customer_id=target.id)
    ).rowcount
    entries = session.execute(
        update(CustomerEntry).where(CustomerEntry.customer_id == source.id).values(customer_id=target.id)
    ).rowcount
    followups = move_followups(session, from_id=source.id, into_id=target.id)
    session.expire_all()  # the bulk updates bypassed the identity map

    target_before = {"former_names": list(target.former_names), "credit_code": target.credit_code}
    code_moved = bool(source.credit_code and not target.credit_code)
    code = source.credit_code
    if code_moved:
        source.credit_code = None
        session.flush()  # the code is unique: FROM lets go before INTO takes it
        target.credit_code = code
    target.former_names = [
        *target.former_names,
        {"name": source.name, "until": now.date().isoformat(), "merged_from": source.id},
    ]
    if source.last_contact and (target.last_contact is None or source.last_contact > target.last_contact):
        target.last_contact = source.last_contact
    target.updated_at = now
    source_before = {"status": source.status, "merged_into": None, "credit_code": code}
    with keeping_counts(session, customers=[source.id]):  # a pointer's documents (none by now) count apart
        source.status, source.merged_into, source.merged_at, source.updated_at = MERGED, target.id, now, now
    source.status_on, source.status_reason = now.date(), reason
    moved = {"documents": document_ids, "contacts": contacts, "entries": entries, "followups": followups}
    session.add_all(
        [
            CustomerRevision(
                customer_id=source.id,
                actor=actor,
                reason=reason,
                before=source_before,
                after={"status": MERGED, "merged_into": target.id, "credit_code": source.credit_code},
            ),
            CustomerRevision(
                customer_id=target.id,
                actor=actor,
                reason=reason,
                before=target_before,
                after={
                    "former_names": list(target.former_names),
                    "credit_code": target.credit_code,
                    "merged_from": source.id,
                    **moved,
                },
            ),
        ]
    )
    session.flush()
    archive_nos = [a for _, a in docs if a]
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.merge",
        object_type="customer",
        object_id=source.id,
        client=client,
        reference=f"customer:{target.id}",
        details={"from": source.id, "into": target.id, "reason": reason, "archive_nos": archive_nos, **moved},
    )
    return Merge(source.id, target.id, document_ids, archive_nos, contacts, entries, followups, code_moved)
