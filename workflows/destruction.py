"""Destruction batches as use cases (DSP-3, DSP-5; issue 14): what follows a batch's steps outside retention.

- Submitting a batch for approval (the records officer's appraisal, retention.batches.appraise) tells those who
  may approve it at once, by their channels (workflows.notify); the daily reminders tell them again.
- Running a batch (retention.destroy.execute_batch) to its end writes its register — the residual records that
  say what must not come back — to the backup place (DANGAN_BACKUP_DEST) right away, so that a restore of any
  generation taken before it destroys those records again, without waiting for the next backup. The batch is
  destroyed whether or not the backup place answers: a failure is logged and audited, and the next backup
  writes the register.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import User
from access.notifications import holders, notify
from core import audit
from core.errors import DanganError
from retention.batches import appraise
from retention.confirm import ItemResult
from retention.destroy import ExecutionReport, execute_batch
from retention.models import DestructionBatch
from retention.paper import PaperDestruction
from retention.residuals import destroyed_batch
from retention.roles import APPROVER_ROLES
from workflows.backup import target_for
from workflows.backup_place import write_register
from workflows.runtime import Runtime

log = logging.getLogger(__name__)
WAITING = "notify.batch.waiting"


def batch_deciders(session: Session, batch: DestructionBatch) -> set[int]:
    """Ids of the active users who may still approve the batch: approvers who neither proposed nor approved it."""
    done_by = {batch.proposed_by} | {a.approver for a in batch.approvals}
    excluded = set(session.scalars(select(User.id).where(User.login.in_(done_by))))
    return holders(session, APPROVER_ROLES) - excluded


def submit_batch(
    session: Session, *, actor: User, batch_id: int, opinion: str, client: str = ""
) -> DestructionBatch:
    """Record the appraisal of a proposed batch, which puts it before the approvers, and tell them (a link and
    the batch's number; nothing about its records)."""
    batch = appraise(session, actor=actor, batch_id=batch_id, opinion=opinion, client=client)
    notify(session, user_ids=batch_deciders(session, batch), code=WAITING, batch_id=batch.id)
    return batch


def run_batch(
    runtime: Runtime,
    *,
    batch_id: int,
    actor_id: int,
    today: date | None = None,
    paper: PaperDestruction | None = None,
    client: str = "",
    on_item: Callable[[ItemResult], None] | None = None,
) -> ExecutionReport:
    """Run (or resume) an approved batch; once it is destroyed, its register goes to the backup place."""
    report = execute_batch(runtime.factory, runtime.store, runtime.index, batch_id=batch_id, actor_id=actor_id,
                           today=today or runtime.today(), paper=paper, client=client, on_item=on_item)  # fmt: skip
    if report.state == "destroyed":
        keep_register(runtime, batch_id=batch_id, actor_id=actor_id, client=client)
    return report


def keep_register(runtime: Runtime, *, batch_id: int, actor_id: int, client: str = "") -> str | None:
    """Write a destroyed batch's register to DANGAN_BACKUP_DEST (if set); its path there, None when not written."""
    settings = runtime.settings
    if not settings.backup_dest:
        return None
    with runtime.factory() as session:
        batch = destroyed_batch(session, batch_id)
    where, path, error = settings.backup_dest, None, ""
    try:
        target = target_for(settings, settings.backup_dest)
        where = target.description
        path = write_register(target, batch, budget=settings.storage_retry_seconds)
    except (DanganError, OSError) as exc:
        error = exc.both() if isinstance(exc, DanganError) else f"{type(exc).__name__}: {exc}"
        log.warning("register of destruction batch %s not written to %s: %s", batch_id, where, error)
    with runtime.factory() as session, session.begin():
        actor = session.get_one(User, actor_id)
        audit.record(session, actor=actor.login, role=actor.role_label, action="retention.register.backup",
                     object_type="destruction_batch", object_id=batch_id, client=client,
                     result="failed" if error else "ok",
                     details={"target": where, "path": path or "", "error": error[:300]})  # fmt: skip
    return path
