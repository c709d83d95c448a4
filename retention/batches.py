"""Due records and destruction batches up to approval (DSP-1..3): due list, proposal, appraisal, approvals.

Only records past their due date, marked destroy and under no hold may enter a batch; each refused record
is named with its reason. The workflow is proposal → appraisal opinion → approval by managers who did not
propose it (two distinct approvers by default, DANGAN_DESTRUCTION_APPROVERS) → execution (retention.destroy).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from access.models import User
from core import audit
from core.db import utcnow
from core.errors import Conflict, DanganError, NotFound
from core.messages import translate
from records.models import Customer, Document
from retention.holds import holds_on, label, reevaluate
from retention.models import BatchApproval, BatchItem, DestructionBatch, RecordRetention
from retention.roles import require_approver, require_officer
from retention.schedule import reasoning_text, recompute

OPEN_STATES = ("proposed", "appraised", "approved", "executing", "interrupted")


@dataclass(frozen=True)
class DueRecord:
    """A record whose due date has passed (or falls by the date asked about)."""

    document_id: int
    archive_no: str | None
    title: str
    doc_type: str | None
    customer: str | None
    due_date: str
    action: str | None
    reasoning: str
    holds: list[str] = field(default_factory=list)
    batch_id: int | None = None


@dataclass(frozen=True)
class Refusal:
    """Why one record may not be destroyed: a catalogue code and its parameters."""

    document_id: int
    code: str
    params: dict

    def text(self, language: str = "zh-CN") -> str:
        params = dict(self.params)
        if "action" in params:
            params["action"] = translate(f"retention.action.{params['action']}", language)
        return translate(self.code, language, **params)


def refresh(session: Session, index) -> None:  # index: search.SearchEngine | None
    """Due dates for records filed since the last look, and saved-search holds run again."""
    recompute(session, missing_only=True)
    if index is not None:
        reevaluate(session, index)


def open_batches(
    session: Session, document_ids: Iterable[int], *, exclude: int | None = None
) -> dict[int, int]:
    """The open batch each of the records is in, if any."""
    query = (
        select(BatchItem.document_id, BatchItem.batch_id)
        .join(DestructionBatch)
        .where(BatchItem.document_id.in_(list(document_ids)), DestructionBatch.state.in_(OPEN_STATES))
    )
    if exclude is not None:
        query = query.where(BatchItem.batch_id != exclude)
    return dict(session.execute(query).all())


def due_list(
    session: Session,
    index,
    *,
    as_of: date,
    doc_type: str | None = None,
    customer_id: int | None = None,
    action: str | None = "destroy",
    include_held: bool = True,
    limit: int | None = None,
    language: str = "zh-CN",
) -> list[DueRecord]:
    """Records due by `as_of` (filterable by type, customer file and action), with their holds and batch."""
    refresh(session, index)
    query = (
        select(RecordRetention, Document, Customer.name)
        .join(Document, Document.id == RecordRetention.document_id)
        .outerjoin(Customer, Customer.id == Document.customer_id)
        .where(RecordRetention.due_date <= as_of, Document.state.in_(("filed", "indexed")))
        .order_by(RecordRetention.due_date, Document.id)
    )
    if doc_type is not None:
        query = query.where(Document.doc_type == doc_type)
    if customer_id is not None:
        query = query.where(Document.customer_id == customer_id)
    if action is not None:
        query = query.where(RecordRetention.action == action)
    rows = session.execute(query).all()
    ids = [doc.id for _, doc, _ in rows]
    held = holds_on(session, ids)
    batches = open_batches(session, ids)
    found = []
    for retention, doc, customer in rows:
        if doc.id in held and not include_held:
            continue
        found.append(
            DueRecord(
                doc.id,
                doc.archive_no,
                doc.title,
                doc.doc_type,
                customer,
                retention.due_date.isoformat(),
                retention.action,
                reasoning_text(retention.reasoning, language),
                [label(h) for h in held.get(doc.id, [])],
                batches.get(doc.id),
            )  # fmt: skip
        )
        if limit is not None and len(found) >= limit:
            break
    return found


def refusals(
    session: Session, document_ids: list[int], *, today: date, batch_id: int | None = None
) -> list[Refusal]:
    """Why each of the records may not be destroyed today (DSP-1); empty when all may."""
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(document_ids)))}
    rows = {
        r.document_id: r
        for r in session.scalars(select(RecordRetention).where(RecordRetention.document_id.in_(document_ids)))
    }
    held = holds_on(session, document_ids)
    elsewhere = open_batches(session, document_ids, exclude=batch_id)
    found = []
    for document_id in document_ids:
        doc, row = docs.get(document_id), rows.get(document_id)
        named = {"id": document_id, "archive_no": (doc.archive_no or "") if doc else ""}
        if doc is None:
            found.append(Refusal(document_id, "batch.item.not_found", {"id": document_id}))
        elif doc.state == "destroyed":
            found.append(Refusal(document_id, "batch.item.destroyed", named))
        elif document_id in held:
            found.append(
                Refusal(
                    document_id,
                    "batch.item.held",
                    named | {"holds": ", ".join(label(h) for h in held[document_id])},
                )
            )
        elif row is None or row.due_date is None:
            found.append(
                Refusal(
                    document_id,
                    "batch.item.no_due",
                    named | {"reasoning": reasoning_text(row.reasoning if row else {})},
                )
            )
        elif row.due_date > today:
            found.append(
                Refusal(document_id, "batch.item.not_due", named | {"due": row.due_date.isoformat()})
            )
        elif row.action != "destroy":
            found.append(
                Refusal(
                    document_id,
                    "batch.item.not_destroy",
                    named | {"action": row.action},
                )
            )
        elif document_id in elsewhere:
            found.append(
                Refusal(document_id, "batch.item.in_batch", named | {"batch": elsewhere[document_id]})
            )
    return found


class BatchRefused(Conflict):
    """Records that may not be destroyed, each named with its reason in the message's own language."""

    def __init__(self, found: list[Refusal], code: str = "batch.refused", **params: object) -> None:
        self.refusals = found
        super().__init__(code, **params, items=_items(found, "zh-CN"))
        self.args = (self.both(),)

    def message(self, language: str = "zh-CN") -> str:
        return translate(self.code, language, **(self.params | {"items": _items(self.refusals, language)}))

    def both(self) -> str:
        return f"{self.message('zh-CN')} / {self.message('en')}"


def _items(found: list[Refusal], language: str) -> str:
    return "; ".join(r.text(language) for r in found)


def refuse(found: list[Refusal]) -> BatchRefused:
    """One error naming every refused record and why."""
    return BatchRefused(found)


def _period(row: RecordRetention) -> str:
    return "permanent" if row.permanent else str(row.period_years or "")


def create_batch(
    session: Session,
    index,  # search.SearchEngine
    *,
    actor: User,
    document_ids: Iterable[int],
    note: str = "",
    today: date,
    approvers_needed: int = 2,
    client: str = "",
) -> DestructionBatch:
    """Propose a batch of due records (records officer); refuses, naming each, any that may not enter."""
    require_officer(actor, action="retention.batch.create", client=client)
    ids = list(dict.fromkeys(document_ids))
    if not ids:
        raise DanganError("batch.empty")
    refresh(session, index)
    recompute(session, document_ids=ids)
    found = refusals(session, ids, today=today)
    if found:
        raise refuse(found)
    batch = DestructionBatch(
        state="proposed",
        note=note.strip(),
        proposed_by=actor.login,
        approvers_needed=max(1, approvers_needed),
    )
    session.add(batch)
    session.flush()
    docs = {
        d.id: d
        for d in session.scalars(
            select(Document).where(Document.id.in_(ids)).options(selectinload(Document.derivatives))
        )
    }
    for position, document_id in enumerate(ids, start=1):
        doc, row = docs[document_id], session.get_one(RecordRetention, document_id)
        year = doc.doc_date.year if doc.doc_date else doc.created_at.year
        session.add(BatchItem(
            batch_id=batch.id, document_id=document_id, position=position, archive_no=doc.archive_no or "",
            title=doc.title, year=str(year), retention=_period(row), pages=doc.page_count or len(doc.pages),
            remarks=reasoning_text(row.reasoning),
        ))  # fmt: skip
    session.flush()
    audit.record(
        session, actor=actor.login, role=actor.role_label, action="retention.batch.create",
        object_type="destruction_batch", object_id=batch.id, client=client,
        details={"documents": ids, "note": batch.note, "approvers_needed": batch.approvers_needed},
    )  # fmt: skip
    return batch


def get_batch(session: Session, batch_id: int, *, lock: bool = False) -> DestructionBatch:
    """The batch with that id (locked for update if asked), or NotFound."""
    batch = session.get(DestructionBatch, batch_id, with_for_update=lock)
    if batch is None:
        raise NotFound("batch.not_found", id=batch_id)
    return batch


def _wrong_state(batch: DestructionBatch, step: str) -> Conflict:
    return Conflict("batch.wrong_state", id=batch.id, state=batch.state, step=translate(f"batch.step.{step}"))


def appraise(
    session: Session, *, actor: User, batch_id: int, opinion: str, client: str = ""
) -> DestructionBatch:
    """Record the appraisal opinion (鉴定意见) of a proposed batch (records officer; audited)."""
    require_officer(
        actor,
        action="retention.batch.appraise",
        object_type="destruction_batch",
        object_id=batch_id,
        client=client,
    )
    if not opinion.strip():
        raise DanganError("retention.reason_required")
    batch = get_batch(session, batch_id, lock=True)
    if batch.state != "proposed":
        raise _wrong_state(batch, "appraised")
    batch.appraisal, batch.appraised_by, batch.appraised_at, batch.state = (
        opinion.strip(),
        actor.login,
        utcnow(),
        "appraised",
    )
    audit.record(
        session, actor=actor.login, role=actor.role_label, action="retention.batch.appraise",
        object_type="destruction_batch", object_id=batch.id, client=client, details={"opinion": batch.appraisal},
    )  # fmt: skip
    return batch


def approve(
    session: Session, *, actor: User, batch_id: int, opinion: str = "", client: str = ""
) -> DestructionBatch:
    """Approve an appraised batch: a manager who did not propose it, once each; approved when enough have."""
    require_approver(actor, action="retention.batch.approve", object_id=batch_id, client=client)
    batch = get_batch(session, batch_id, lock=True)
    if batch.state != "appraised":
        raise _wrong_state(batch, "approved")
    if actor.login == batch.proposed_by:
        raise Conflict("batch.proposer_cannot_approve", login=actor.login, id=batch.id)
    if any(a.approver == actor.login for a in batch.approvals):
        raise Conflict("batch.already_approved", login=actor.login, id=batch.id)
    batch.approvals.append(BatchApproval(approver=actor.login, opinion=opinion.strip()))
    if len(batch.approvals) >= batch.approvers_needed:
        batch.state = "approved"
    session.flush()
    audit.record(
        session, actor=actor.login, role=actor.role_label, action="retention.batch.approve",
        object_type="destruction_batch", object_id=batch.id, client=client,
        details={"opinion": opinion.strip(), "approvals": len(batch.approvals), "needed": batch.approvers_needed,
                 "state": batch.state},
    )  # fmt: skip
    return batch


def batch_view(batch: DestructionBatch) -> dict:
    """Everything about a batch: its cover, workflow, paper destruction and items with their checks."""
    return {
        "id": batch.id, "state": batch.state, "note": batch.note, "proposed_by": batch.proposed_by,
        "proposed_at": batch.proposed_at.isoformat(), "appraisal": batch.appraisal, "appraised_by": batch.appraised_by,
        "appraised_at": batch.appraised_at.isoformat() if batch.appraised_at else None,
        "approvers_needed": batch.approvers_needed,
        "approvals": [{"approver": a.approver, "opinion": a.opinion, "at": a.at.isoformat()} for a in batch.approvals],
        "executed_by": batch.executed_by, "started_at": batch.started_at.isoformat() if batch.started_at else None,
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
        "stop_reason": batch.stop_reason, "paper": batch.paper, "count": len(batch.items),
        "items": [
            {"no": i.position, "document_id": i.document_id, "archive_no": i.archive_no, "title": i.title,
             "year": i.year, "retention": i.retention, "pages": i.pages, "remarks": i.remarks, "state": i.state,
             "checks": i.checks}
            for i in batch.items
        ],
    }  # fmt: skip


def list_batches(session: Session) -> list[DestructionBatch]:
    """Every batch, newest first."""
    return list(session.scalars(select(DestructionBatch).order_by(DestructionBatch.id.desc())))
