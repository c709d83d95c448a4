"""What the CLI, the API and the pages show of retention, each look audited (AUD-2), with who may look.

Rules are shown to everyone signed in. Due lists, holds and batches name records by title and archive
number, so only those whose work they are see them: records officers, the managers who approve destruction,
and auditors.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlalchemy.orm import Session

from access.duties import require_any
from access.models import User
from core import audit
from retention.batches import batch_view, due_list, get_batch, list_batches
from retention.holds import get_hold, hold_view, list_holds
from retention.models import RecordRetention
from retention.schedule import list_rules, reasoning_text, recompute

WATCHERS = frozenset({"records_officer", "manager", "auditor"})


def _looked(session: Session, actor: User, event: str, client: str, **details: object) -> None:
    audit.record(
        session, actor=actor.login, role=actor.role_label, action=event, client=client, details=details
    )


def rules(session: Session, *, actor: User, client: str = "") -> list[dict]:
    """The schedule."""
    found = [asdict(r) for r in list_rules(session)]
    _looked(session, actor, "retention.rules.list", client, count=len(found))
    return found


def due(
    session: Session, index, *, actor: User, as_of: date, client: str = "", language: str = "zh-CN", **filters
) -> list[dict]:  # type: ignore[no-untyped-def]
    """Records due by as_of (filters: doc_type, customer_id, action, include_held, limit)."""
    require_any(actor, WATCHERS, action="retention.due", client=client)
    found = [asdict(r) for r in due_list(session, index, as_of=as_of, language=language, **filters)]
    _looked(session, actor, "retention.due", client, as_of=as_of.isoformat(), count=len(found),
            **{k: v for k, v in filters.items() if v is not None})  # fmt: skip
    return found


def holds(session: Session, *, actor: User, include_released: bool = False, client: str = "") -> list[dict]:
    """Holds, newest first, with the records each covers now."""
    require_any(actor, WATCHERS, action="retention.hold.list", client=client)
    found = [asdict(hold_view(session, h)) for h in list_holds(session, include_released=include_released)]
    _looked(session, actor, "retention.hold.list", client, count=len(found))
    return found


def hold(session: Session, *, actor: User, hold_id: int, client: str = "") -> dict:
    """One hold."""
    require_any(actor, WATCHERS, action="retention.hold.show", object_id=hold_id, client=client)
    shown = asdict(hold_view(session, get_hold(session, hold_id)))
    _looked(session, actor, "retention.hold.show", client, hold_id=hold_id)
    return shown


def batch(session: Session, *, actor: User, batch_id: int, client: str = "") -> dict:
    """One batch: cover, workflow, items with their checks."""
    require_any(
        actor,
        WATCHERS,
        action="retention.batch.show",
        object_type="destruction_batch",
        object_id=batch_id,
        client=client,
    )
    shown = batch_view(get_batch(session, batch_id))
    _looked(session, actor, "retention.batch.show", client, batch_id=batch_id)
    return shown


def batches(session: Session, *, actor: User, client: str = "") -> list[dict]:
    """Every batch, newest first, without items."""
    require_any(actor, WATCHERS, action="retention.batch.list", client=client)
    found = [{k: v for k, v in batch_view(b).items() if k != "items"} for b in list_batches(session)]
    _looked(session, actor, "retention.batch.list", client, count=len(found))
    return found


def record_retention(session: Session, document_id: int, language: str = "zh-CN") -> dict | None:
    """A record's due date and reasoning, for its document page (the page's own read is audited there)."""
    row = session.get(RecordRetention, document_id)
    if row is None:  # filed since the schedule last looked: computed now, and stored
        recompute(session, document_ids=[document_id], missing_only=True)
        row = session.get(RecordRetention, document_id)
    if row is None:
        return None
    return {
        "due_date": row.due_date.isoformat() if row.due_date else None,
        "action": row.action,
        "permanent": row.permanent,
        "reasoning": reasoning_text(row.reasoning, language),
        "reasoning_en": reasoning_text(row.reasoning, "en"),
        "locked_until": row.locked_until.isoformat() if row.locked_until else None,
    }
