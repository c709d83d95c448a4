"""Executing an approved destruction batch (DSP-3, DSP-4, DSP-5): re-check, delete, verify, keep a residual.

First, in one transaction, every record is checked again (due, marked destroy, no hold — saved searches run
again): any change stops the whole batch before anything is deleted, naming the record and why. Then records
go in chunks, each chunk in a transaction that re-checks its holds and locks the batch: every object key of
a record (original, searchable PDF, other derivatives; every version) is deleted, its index entry and text
removed, and each removal verified. A record is destroyed only when all its checks pass; then its residual
record is written and its row keeps only the metadata DSP-5 names (state "destroyed").

If the store fails (server down, a delete refused) the chunk's records are reported partial (something of
theirs was deleted) or untouched, the batch is left "interrupted", and running it again finishes the job:
deletes of what is already gone count as done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from access.models import User
from core import audit
from core.db import utcnow
from core.errors import DanganError
from records.models import Derivative, Document, Page
from retention.batches import BatchRefused, get_batch, refresh, refusals
from retention.confirm import ItemResult, confirm_removed
from retention.holds import holds_on, label
from retention.models import BatchItem, DestructionBatch
from retention.paper import PaperDestruction, check_paper, destroy_paper_originals, has_paper
from retention.purge import delete_entries, present
from retention.roles import require_officer
from retention.verify import database_checks, distinctive_phrase, object_checks, passed
from search import PurgeReport, SearchEngine

CHUNK = 100
DELETE_WORKERS = 16


@dataclass
class ExecutionReport:
    """What a run did: the batch's state, which records are destroyed, partial and untouched, and why it stopped."""

    batch_id: int
    state: str
    destroyed: list[int] = field(default_factory=list)
    partial: list[int] = field(default_factory=list)
    untouched: list[int] = field(default_factory=list)
    detail: str = ""
    seconds: float = 0.0
    purged: bool | None = None  # the index files no longer hold the destroyed entries (None: no purge ran)
    purge: PurgeReport | None = None  # what the engine read in its files after the purge
    items: list[ItemResult] = field(default_factory=list)


class BatchInterrupted(DanganError):
    """The store failed mid-batch; the report says what is destroyed, partial and untouched."""

    status_code = 503
    report: ExecutionReport | None = None

    @classmethod
    def of(cls, report: ExecutionReport, code: str, /, **params: object) -> BatchInterrupted:
        """The error, carrying the run's report."""
        error = cls(code, **params)
        error.report = report
        return error


def execute_batch(
    factory: sessionmaker[Session],
    store,  # storage.ObjectStore
    index: SearchEngine,
    *,
    batch_id: int,
    actor_id: int,
    today: date,
    paper: PaperDestruction | None = None,
    client: str = "",
    chunk: int = CHUNK,
    on_item: Callable[[ItemResult], None] | None = None,
    on_deleted: Callable[[str], None] | None = None,
) -> ExecutionReport:
    """Run (or resume) an approved batch; raises Conflict when re-checks stop it, BatchInterrupted on a store fault."""
    started = time.monotonic()
    report, stop = _start(
        factory, index, batch_id=batch_id, actor_id=actor_id, today=today, paper=paper, client=client
    )
    if stop is not None:
        raise stop
    with factory() as session:
        pending = list(session.scalars(
            select(BatchItem.id).where(BatchItem.batch_id == batch_id, BatchItem.state.in_(("pending", "partial")))
            .order_by(BatchItem.position)
        ))  # fmt: skip
        report.destroyed = list(session.scalars(
            select(BatchItem.document_id).where(BatchItem.batch_id == batch_id, BatchItem.state == "destroyed")
        ))  # fmt: skip
    detail, done = None, 0
    for offset in range(0, len(pending), chunk):
        part = pending[offset : offset + chunk]
        results, detail = _run_chunk(factory, store, index, batch_id=batch_id, item_ids=part, actor_id=actor_id,
                                     client=client, on_deleted=on_deleted)  # fmt: skip
        _report(report, results, on_item)
        done = offset + chunk
        if detail:
            break
    # What was removed is searched for once the index files are purged (fast: no deleted entries to skip);
    # the index is local, so this runs even when the store has just failed.
    results, confirm_stop, report.purge = confirm_removed(
        factory, index, batch_id=batch_id, actor_id=actor_id, client=client, chunk=max(chunk, 500)
    )
    _report(report, results, on_item)
    detail = detail or confirm_stop
    if detail:
        _untouched_rest(factory, report, pending[done:])
        _finish(
            factory,
            report,
            batch_id=batch_id,
            actor_id=actor_id,
            state=detail[0],
            detail=detail[1],
            client=client,
        )
        report.seconds = time.monotonic() - started
        code = "batch.stopped" if detail[0] == "stopped" else "batch.interrupted"
        raise BatchInterrupted.of(report, code, id=batch_id, destroyed=len(report.destroyed), partial=len(report.partial),
                                  untouched=len(report.untouched), detail=detail[1], items=detail[1])  # fmt: skip
    _finish(
        factory, report, batch_id=batch_id, actor_id=actor_id, state="destroyed", detail="", client=client
    )
    report.purged = None if report.purge is None else report.purge.clean
    report.seconds = time.monotonic() - started
    return report


def _report(report: ExecutionReport, results: list[ItemResult], on_item) -> None:  # type: ignore[no-untyped-def]
    for result in results:
        getattr(report, result.state).append(result.document_id)
        report.items.append(result)
        if on_item is not None:
            on_item(result)


def _start(
    factory, index, *, batch_id, actor_id, today, paper, client
) -> tuple[ExecutionReport, BatchRefused | None]:  # type: ignore[no-untyped-def]
    with factory() as session, session.begin():
        actor = session.get_one(User, actor_id)
        require_officer(
            actor,
            action="retention.batch.execute",
            object_type="destruction_batch",
            object_id=batch_id,
            client=client,
        )
        batch = get_batch(session, batch_id, lock=True)
        if batch.state not in ("approved", "interrupted", "executing"):
            from retention.batches import _wrong_state

            raise _wrong_state(batch, "executed")
        refresh(session, index)
        open_items = [i for i in batch.items if i.state != "destroyed"]
        found = refusals(session, [i.document_id for i in open_items], today=today, batch_id=batch.id)
        report = ExecutionReport(batch.id, batch.state)
        if found:
            texts = "; ".join(r.text() for r in found)
            batch.state, batch.stop_reason = (
                "stopped",
                {"refusals": [r.text("en") for r in found], "zh": texts},
            )
            audit.record(session, actor=actor.login, role=actor.role_label, action="retention.batch.stop",
                         object_type="destruction_batch", object_id=batch.id, client=client, result="denied",
                         details={"refusals": [{"document_id": r.document_id, "code": r.code} for r in found]})  # fmt: skip
            report.state, report.detail = "stopped", texts
            report.untouched = [i.document_id for i in open_items]
            return report, BatchRefused(found, "batch.stopped", id=batch.id)
        if paper is not None:
            check_paper(paper, executor=actor.login)
            batch.paper = paper.as_dict()
        if has_paper(session, [i.document_id for i in open_items]) and not batch.paper:
            raise DanganError("batch.paper_required")
        _prepare(session, [i for i in open_items if not i.keys])
        if batch.started_at is None:
            batch.started_at, batch.executed_by = utcnow(), actor.login
        batch.state = "executing"
        audit.record(session, actor=actor.login, role=actor.role_label, action="retention.batch.execute",
                     object_type="destruction_batch", object_id=batch.id, client=client,
                     details={"records": len(open_items), "paper": batch.paper})  # fmt: skip
        report.state = "executing"
    return report, None


def _prepare(session: Session, items: list[BatchItem]) -> None:
    """Note each record's object keys and a phrase of its text before any of it goes (kept for a re-run)."""
    ids = [i.document_id for i in items]
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    derived: dict[int, list[str]] = {}
    for document_id, key in session.execute(
        select(Derivative.document_id, Derivative.object_key).where(Derivative.document_id.in_(ids))
    ):
        derived.setdefault(document_id, []).append(key)
    texts: dict[int, list[str]] = {}
    for document_id, text in session.execute(
        select(Page.document_id, Page.text).where(Page.document_id.in_(ids)).order_by(Page.number)
    ):
        texts.setdefault(document_id, []).append(text or "")
    for item in items:
        doc = docs[item.document_id]
        item.keys = list(dict.fromkeys([doc.object_key, *sorted(derived.get(doc.id, []))]))
        item.probe = distinctive_phrase("\n".join(texts.get(doc.id, [])))


def _run_chunk(factory, store, index, *, batch_id, item_ids, actor_id, client, on_deleted):  # type: ignore[no-untyped-def]
    """One chunk in one transaction; returns the results and (state, detail) when the batch must stop."""
    with factory() as session, session.begin():
        batch = get_batch(session, batch_id, lock=True)
        items = list(
            session.scalars(
                # Under the batch lock: items another run of the same batch has taken further are left alone.
                select(BatchItem)
                .where(BatchItem.id.in_(item_ids), BatchItem.state.in_(("pending", "partial")))
                .order_by(BatchItem.position)
            )
        )
        ids = [i.document_id for i in items]
        held = holds_on(session, ids)
        if held:
            texts = "; ".join(f"#{d} {', '.join(label(h) for h in hs)}" for d, hs in held.items())
            batch.state, batch.stop_reason = "stopped", {"held": texts}
            return [ItemResult(i.document_id, i.archive_no, "untouched") for i in items], ("stopped", texts)
        keys = [k for i in items for k in i.keys]
        outcome = store.delete_many(keys, on_deleted=on_deleted, workers=DELETE_WORKERS)
        failed = {k: e for k, e in outcome.items() if e}
        if failed:
            results = []
            for item in items:
                errors = [failed[k] for k in item.keys if k in failed]
                # "uncertain": the request failed as a whole, so the key may be gone: counted as touched.
                touched = item.state == "partial" or any(
                    k not in failed or failed[k].startswith("uncertain") for k in item.keys
                )
                item.state = "partial" if touched else "pending"
                if touched:
                    # Out of the due list and the schedule: what is left of it is only for the re-run.
                    session.execute(
                        update(Document).where(Document.id == item.document_id).values(state="destroying")
                    )
                results.append(ItemResult(item.document_id, item.archive_no, "partial" if touched else "untouched",
                                          error=errors[0] if errors else None))  # fmt: skip
            detail = next(iter(failed.values()))
            batch.state, batch.stop_reason = "interrupted", {"store": detail}
            return results, ("interrupted", detail)
        session.execute(update(Document).where(Document.id.in_(ids)).values(state="destroying"))
        delete_entries(index, ids)
        session.execute(delete(Page).where(Page.document_id.in_(ids)))
        session.execute(delete(Derivative).where(Derivative.document_id.in_(ids)))
        session.execute(update(Document).where(Document.id.in_(ids)).values(extracted={}, review_reasons=[]))
        session.flush()
        return _check_removed(session, store, index, batch, items)


def _check_removed(session, store, index, batch: DestructionBatch, items: list[BatchItem]):  # type: ignore[no-untyped-def]
    """Every key gone, the index entry gone, no text in the database: the item is "removed" (searches follow)."""
    gone = {
        c["key"]: c for c in object_checks(store, [k for i in items for k in i.keys], workers=DELETE_WORKERS)
    }
    in_db = database_checks(session, [i.document_id for i in items])
    left = present(index, [i.document_id for i in items])
    results, stop = [], None
    for item in items:
        checks = [gone[k] for k in item.keys] + [
            {"check": "index_entry_gone", "ok": item.document_id not in left}
        ]
        item.checks = checks + in_db[item.document_id]
        if passed(item.checks):
            item.state = "removed"
            continue
        item.state = "partial"
        failed = next(c for c in item.checks if not c["ok"])
        stop = stop or (
            "interrupted",
            f"#{item.document_id} {failed['check']} {failed.get('error', '')}".strip(),
        )
        results.append(ItemResult(item.document_id, item.archive_no, "partial", item.checks))
    if stop is not None:
        batch.state, batch.stop_reason = "interrupted", {"verification": stop[1]}
    return results, stop


def _untouched_rest(factory, report: ExecutionReport, item_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    if not item_ids:
        return
    with factory() as session:
        rows = session.execute(
            select(BatchItem.document_id, BatchItem.state).where(BatchItem.id.in_(item_ids))
        )
        for document_id, state in rows:
            (report.partial if state in ("partial", "removed") else report.untouched).append(document_id)


def _finish(
    factory, report: ExecutionReport, *, batch_id, actor_id, state, detail, client, index=None
) -> None:  # type: ignore[no-untyped-def]
    with factory() as session, session.begin():
        actor = session.get_one(User, actor_id)
        batch = get_batch(session, batch_id, lock=True)
        batch.state = state
        if state == "destroyed":
            batch.finished_at = utcnow()
            destroy_paper_originals(session, [i.document_id for i in batch.items], actor=actor.login,
                                    reason=f"destruction batch {batch.id}")  # fmt: skip
        audit.record(session, actor=actor.login, role=actor.role_label, action=f"retention.batch.{state}",
                     object_type="destruction_batch", object_id=batch.id, client=client,
                     result="ok" if state == "destroyed" else "failed",
                     details={"destroyed": len(report.destroyed), "partial": report.partial,
                              "untouched": report.untouched, "detail": detail})  # fmt: skip
        report.state, report.detail = state, detail
