"""Changes to what is kept and for how long, each with its follow-up in the object store called here once.

A rule change or an extension moves records' due dates, so their objects' S3 retain-until dates move with them
(WORM, RET-2); placing or releasing a legal hold sets or lifts the S3 legal hold on the records it covers
(HLD-1). The REST routes, the pages and the CLI call these functions and nothing after them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from access.models import User
from retention.holds import add_hold, release_hold
from retention.models import Hold, RecordRetention
from retention.schedule import RuleView, extend, recompute, set_rule
from retention.worm import after_hold, lock_records, sync_all_holds
from workflows.runtime import Runtime


def set_retention_rule(
    session: Session,
    runtime: Runtime,
    *,
    actor: User,
    doc_type: str,
    period_years: int | None,
    trigger: str,
    action: str,
    basis: str,
    start: str = "next_year",
    client: str = "",
) -> tuple[RuleView, int]:
    """Set a type's rule (records officer); its records' due dates are recomputed and their objects retained
    until the new dates. (the rule, how many records were recomputed)"""
    rule, changed = set_rule(session, actor=actor, doc_type=doc_type, period_years=period_years, trigger=trigger,
                             action=action, basis=basis, start=start, client=client)  # fmt: skip
    _lock(session, runtime)
    return rule, changed


def extend_retention(
    session: Session,
    runtime: Runtime,
    *,
    actor: User,
    document_id: int,
    new_due: date,
    reason: str,
    approver: str,
    decided_on: date | None = None,
    client: str = "",
) -> RecordRetention:
    """Keep a record longer by appraisal (RET-3); its objects are retained until the new date."""
    row = extend(session, actor=actor, document_id=document_id, new_due=new_due, reason=reason, approver=approver,
                 decided_on=decided_on or runtime.today(), client=client)  # fmt: skip
    _lock(session, runtime, document_ids=[document_id])
    return row


def place_hold(
    session: Session,
    runtime: Runtime,
    *,
    actor: User,
    name: str,
    reason: str,
    scope: str,
    document_ids: list[int] | None = None,
    customer_id: int | None = None,
    query: str | None = None,
    client: str = "",
) -> Hold:
    """Place a legal hold (records officer); the records it covers get the S3 legal hold."""
    hold = add_hold(session, runtime.index, actor=actor, name=name, reason=reason, scope=scope,
                    document_ids=document_ids or [], customer_id=customer_id, query=query, client=client)  # fmt: skip
    after_hold(session, runtime.store, hold)
    return hold


def lift_hold(
    session: Session, runtime: Runtime, *, actor: User, hold_id: int, reason: str, client: str = ""
) -> Hold:
    """Release a hold with a reason (records officer); the S3 legal hold goes from records no other hold covers.
    Nothing is destroyed: due records need a fresh batch (HLD-3)."""
    hold = release_hold(session, actor=actor, hold_id=hold_id, reason=reason, client=client)
    after_hold(session, runtime.store, hold)
    return hold


def renew_locks(session: Session, runtime: Runtime, *, actor: User, client: str = "") -> tuple[int, int, int]:
    """`dangan retention lock`, asked for by a records officer: see renew_all_locks."""
    from retention.roles import require_officer

    require_officer(actor, action="retention.lock", client=client)
    return renew_all_locks(session, runtime)


def renew_all_locks(session: Session, runtime: Runtime) -> tuple[int, int, int]:
    """The WORM job (the scheduler runs it daily): recompute due dates, move retain-until dates forward, renew
    permanent ones, sync legal holds. (records recomputed, records whose lock moved, records under a hold)"""
    changed = recompute(session)
    return changed, _lock(session, runtime), sync_all_holds(session, runtime.store)


def _lock(session: Session, runtime: Runtime, *, document_ids: list[int] | None = None) -> int:
    return lock_records(session, runtime.store, today=runtime.today(), document_ids=document_ids,
                        permanent_years=runtime.settings.s3_lock_permanent_years)  # fmt: skip
