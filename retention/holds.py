"""Legal holds (HLD-1..3): what they cover, placing and releasing them, and the refusal that names them.

A hold covers named records, a customer file (its records now and any filed later, found by the record's
customer id whenever asked) or a saved search. A saved search is run again whenever holds are consulted for
destruction (due list, batch creation and execution) and its matches are stored, so that checks without an
index at hand (the edit guard) see them too. It runs with no permission scope: a hold only stops
destruction and change, so catching a record the officer cannot read errs on the safe side, while a scope
would let a record the officer may not read slip out of a legal hold. Lists show those records by id only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import User
from core import audit
from core.db import utcnow
from core.errors import Conflict, DanganError, NotFound
from records.models import Customer, Document
from retention.models import HOLD_SCOPES, Hold, HoldItem
from retention.roles import require_officer

SEARCH_LIMIT = 100_000


@dataclass(frozen=True)
class HoldView:
    """A hold as lists and the API show it."""

    id: int
    name: str
    reason: str
    scope: str
    customer_id: int | None
    query: str | None
    created_by: str
    created_at: str
    active: bool
    released_at: str | None
    released_by: str | None
    release_reason: str | None
    documents: list[int]


def label(hold: Hold) -> str:
    """How a refusal names a hold: «name» (#id)."""
    return f"«{hold.name}» (#{hold.id})"


def hold_view(session: Session, hold: Hold) -> HoldView:
    """The plain values of a hold, with the records it covers now."""
    covered = sorted(covered_by(session, hold))
    return HoldView(
        hold.id, hold.name, hold.reason, hold.scope, hold.customer_id, hold.query, hold.created_by,
        hold.created_at.isoformat(), hold.active, hold.released_at.isoformat() if hold.released_at else None,
        hold.released_by, hold.release_reason, covered,
    )  # fmt: skip


def covered_by(session: Session, hold: Hold) -> set[int]:
    """Ids of the records a hold covers now."""
    if hold.scope == "customer":
        return set(session.scalars(select(Document.id).where(Document.customer_id == hold.customer_id)))
    return set(session.scalars(select(HoldItem.document_id).where(HoldItem.hold_id == hold.id)))


def search_matches(index, query: str) -> set[int]:  # index: search.SearchEngine
    """Every record a saved search finds, unscoped (see the module docstring)."""
    from search import search

    return {hit.document_id for hit in search(index, query, limit=SEARCH_LIMIT).hits}


def reevaluate(session: Session, index) -> int:  # index: search.SearchEngine
    """Run every active saved-search hold again and store what it finds; how many records it added."""
    added = 0
    for hold in session.scalars(select(Hold).where(Hold.scope == "search", Hold.released_at.is_(None))):
        found = search_matches(index, hold.query or "")
        known = set(session.scalars(select(HoldItem.document_id).where(HoldItem.hold_id == hold.id)))
        # A record once caught stays held until release: evidence does not leave a hold because a later
        # correction changed its text or title.
        for document_id in sorted(found - known):
            session.add(HoldItem(hold_id=hold.id, document_id=document_id, source="search"))
            added += 1
    session.flush()
    return added


def holds_on(session: Session, document_ids: Iterable[int]) -> dict[int, list[Hold]]:
    """The active holds covering each of the records (only records with a hold appear)."""
    ids = list(document_ids)
    if not ids:
        return {}
    found: dict[int, list[Hold]] = {}
    rows = session.execute(
        select(HoldItem.document_id, Hold)
        .join(Hold, Hold.id == HoldItem.hold_id)
        .where(HoldItem.document_id.in_(ids), Hold.released_at.is_(None))
        .order_by(Hold.id)
    )
    for document_id, hold in rows:
        found.setdefault(document_id, []).append(hold)
    customer_holds = session.execute(
        select(Document.id, Hold)
        .join(Hold, Hold.customer_id == Document.customer_id)
        .where(Document.id.in_(ids), Hold.scope == "customer", Hold.released_at.is_(None))
        .order_by(Hold.id)
    )
    for document_id, hold in customer_holds:
        found.setdefault(document_id, []).append(hold)
    return found


def refuse_if_held(session: Session, *, document_id: int, left_customer_id: int | None = None) -> None:
    """Refuse any change to a held record, naming every hold on it (HLD-2).

    left_customer_id: the customer file a change moves the record out of; a hold on that file refuses the
    move too (the record's own holds are looked up where it is now).
    """
    holds = list(holds_on(session, [document_id]).get(document_id, []))
    if left_customer_id is not None:
        holds += session.scalars(
            select(Hold).where(
                Hold.scope == "customer", Hold.customer_id == left_customer_id, Hold.released_at.is_(None)
            )
        )
    if holds:
        unique = list({h.id: h for h in holds}.values())
        raise Conflict("hold.blocks_edit", id=document_id, holds=", ".join(label(h) for h in unique))


def add_hold(
    session: Session,
    index,  # search.SearchEngine, for a saved-search scope
    *,
    actor: User,
    name: str,
    reason: str,
    scope: str,
    document_ids: Iterable[int] = (),
    customer_id: int | None = None,
    query: str | None = None,
    client: str = "",
) -> Hold:
    """Place a hold (records officer; audited)."""
    require_officer(actor, action="retention.hold.add", client=client)
    name, reason = name.strip(), reason.strip()
    if not name or not reason:
        raise DanganError("retention.reason_required")
    ids = sorted(set(document_ids))
    if (
        scope not in HOLD_SCOPES
        or (scope == "documents" and not ids)
        or (scope == "customer" and customer_id is None)
        or (scope == "search" and not (query or "").strip())
    ):
        raise DanganError("hold.scope_invalid", scope=scope)
    if scope == "customer" and session.get(Customer, customer_id) is None:
        raise NotFound("customer.not_found", id=customer_id)
    if scope == "documents":
        missing = set(ids) - set(session.scalars(select(Document.id).where(Document.id.in_(ids))))
        if missing:
            raise NotFound("document.not_found", id=min(missing))
    hold = Hold(
        name=name[:200], reason=reason, scope=scope, customer_id=customer_id if scope == "customer" else None,
        query=query.strip() if scope == "search" and query else None, created_by=actor.login,
    )  # fmt: skip
    session.add(hold)
    session.flush()
    if scope == "documents":
        session.add_all(HoldItem(hold_id=hold.id, document_id=i, source="documents") for i in ids)
    elif scope == "search":
        session.add_all(
            HoldItem(hold_id=hold.id, document_id=i, source="search")
            for i in sorted(search_matches(index, hold.query))
        )
    session.flush()
    covered = sorted(covered_by(session, hold))
    audit.record(
        session, actor=actor.login, role=actor.role_label, action="retention.hold.add", object_type="legal_hold",
        object_id=hold.id, client=client,
        details={"name": hold.name, "reason": reason, "scope": scope, "customer_id": hold.customer_id,
                 "query": hold.query, "documents": covered},
    )  # fmt: skip
    return hold


def release_hold(session: Session, *, actor: User, hold_id: int, reason: str, client: str = "") -> Hold:
    """Release a hold with a reason (audited). Nothing is destroyed: due records need a fresh batch (HLD-3)."""
    require_officer(
        actor, action="retention.hold.release", object_type="legal_hold", object_id=hold_id, client=client
    )
    if not reason.strip():
        raise DanganError("retention.reason_required")
    hold = session.get(Hold, hold_id, with_for_update=True)
    if hold is None:
        raise NotFound("hold.not_found", id=hold_id)
    if not hold.active:
        raise Conflict("hold.released", id=hold_id, at=hold.released_at.isoformat())
    hold.released_at, hold.released_by, hold.release_reason = utcnow(), actor.login, reason.strip()
    session.flush()
    audit.record(
        session, actor=actor.login, role=actor.role_label, action="retention.hold.release",
        object_type="legal_hold", object_id=hold.id, client=client,
        details={"name": hold.name, "reason": hold.release_reason, "documents": sorted(covered_by(session, hold))},
    )  # fmt: skip
    return hold


def list_holds(session: Session, *, include_released: bool = False) -> list[Hold]:
    """Holds, newest first."""
    query = select(Hold).order_by(Hold.id.desc())
    if not include_released:
        query = query.where(Hold.released_at.is_(None))
    return list(session.scalars(query))


def get_hold(session: Session, hold_id: int) -> Hold:
    """The hold with that id, or NotFound."""
    hold = session.get(Hold, hold_id)
    if hold is None:
        raise NotFound("hold.not_found", id=hold_id)
    return hold


def held_ids(session: Session, document_ids: Iterable[int]) -> set[int]:
    """Which of the records are held."""
    return set(holds_on(session, document_ids))
