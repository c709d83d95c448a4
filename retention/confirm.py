"""The last step of destroying a record: search for it, and only then count it destroyed (DSP-4, DSP-5).

Records whose objects, index entry and text are removed ("removed") are searched for by archive number,
title and a phrase of their text once the index files have been purged of deleted entries, and the purge's
own reading of the index files (no deleted entry, no term or stored id of the record left) is one more
check. Those that pass every check become "destroyed": the residual record is written and the destruction
audited, one event per record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from access.models import User
from core import audit
from records.document_counts import keeping_counts
from records.models import Customer, Document
from retention.batches import get_batch
from retention.models import BatchItem, RecordRetention, RegisterEntry
from retention.purge import purge_deleted
from retention.verify import index_files_check, passed, search_checks


@dataclass
class ItemResult:
    """One record's outcome: destroyed, partial (something deleted, not all verified) or untouched."""

    document_id: int
    archive_no: str
    state: str
    checks: list[dict] = field(default_factory=list)
    error: str | None = None


def confirm_removed(factory, index, *, batch_id: int, actor_id: int, client: str = "", chunk: int = 500):  # type: ignore[no-untyped-def]
    """Purge the index, search for every removed record, record the destroyed; (results, stop, purge report)."""
    with factory() as session:
        waiting = list(session.scalars(
            select(BatchItem.id).where(BatchItem.batch_id == batch_id, BatchItem.state == "removed").order_by(BatchItem.position)
        ))  # fmt: skip
        purging = list(session.scalars(select(BatchItem.document_id).where(BatchItem.id.in_(waiting))))
    if not waiting:
        return [], None, None
    purge = purge_deleted(factory, index, purging)
    results, stop = [], None
    for offset in range(0, len(waiting), chunk):
        with factory() as session, session.begin():
            actor = session.get_one(User, actor_id)
            batch = get_batch(session, batch_id, lock=True)
            items = list(session.scalars(select(BatchItem).where(BatchItem.id.in_(waiting[offset : offset + chunk]), BatchItem.state == "removed")
                                         .order_by(BatchItem.position)))  # fmt: skip
            ids = [i.document_id for i in items]
            docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
            customers = dict(session.execute(select(Customer.id, Customer.name).where(
                Customer.id.in_({d.customer_id for d in docs.values() if d.customer_id})
            )).all())  # fmt: skip
            dues = dict(session.execute(select(RecordRetention.document_id, RecordRetention.due_date).where(
                RecordRetention.document_id.in_(ids)
            )).all())  # fmt: skip
            approvers = [a.approver for a in batch.approvals]
            destroyed = []
            # Destroyed documents leave the customer analysis' counts (records.document_counts).
            with keeping_counts(session, documents=ids):
                for item in items:
                    doc = docs[item.document_id]
                    probes = {"archive_no": doc.archive_no, "title": doc.title, "phrase": item.probe}
                    checks = [
                        c
                        for c in item.checks
                        if not c["check"].startswith("search_") and c["check"] != "index_files_purged"
                    ]
                    checks += [index_files_check(purge, doc.id), *search_checks(index, doc.id, probes)]
                    item.checks = checks
                    if not passed(checks):
                        item.state = "partial"
                        failed = next(c for c in checks if not c["ok"])
                        stop = stop or ("interrupted", f"#{doc.id} {failed['check']}")
                        results.append(ItemResult(doc.id, item.archive_no, "partial", checks))
                        continue
                    item.state, item.probe, doc.state = "destroyed", None, "destroyed"
                    session.add(RegisterEntry(
                        document_id=doc.id, batch_id=batch.id, position=item.position, archive_no=doc.archive_no or "",
                        title=doc.title, doc_type=doc.doc_type or "", customer=customers.get(doc.customer_id, ""),
                        doc_date=doc.doc_date, filed_at=doc.created_at, due_date=dues.get(doc.id), sha256=doc.sha256,
                        pages=item.pages, retention=item.retention, approvers=approvers, checks=checks,
                    ))  # fmt: skip
                    destroyed.append((doc, item))
                    results.append(ItemResult(doc.id, item.archive_no, "destroyed", checks))
            session.flush()  # the chunk's rows in one go; each audit event below then writes only itself
            for doc, item in destroyed:
                audit.record(session, actor=actor.login, role=actor.role_label, action="retention.destroy",
                             object_type="document", object_id=doc.id, archive_no=doc.archive_no, client=client,
                             reference=f"destruction_batch:{batch.id}",
                             details={"sha256": doc.sha256, "keys": item.keys, "checks": len(item.checks)})  # fmt: skip
            if stop is not None:
                batch.state, batch.stop_reason = "interrupted", {"verification": stop[1]}
        if stop is not None:
            break
    return results, stop, purge
