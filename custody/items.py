"""Items and their movements (PHY-1, POL-8): an item is where its last movement took it, nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import DanganError, NotFound
from custody import locations
from custody.models import ITEM_KINDS, Item, Location, Movement


@dataclass(frozen=True)
class MovementInfo:
    id: int
    kind: str
    from_location: str | None
    to_location: str | None
    holder: str | None
    loan_id: int | None
    actor: str
    reason: str
    at: datetime


def get_item(session: Session, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound("custody.item.not_found", id=item_id)
    return item


def last_movement(session: Session, item_id: int) -> Movement | None:
    """The item's latest movement (ids grow with time: the latest is the highest)."""
    return session.scalar(
        select(Movement).where(Movement.item_id == item_id).order_by(Movement.id.desc()).limit(1)
    )


def current_location(session: Session, item_id: int) -> Location | None:
    """Where the item is now: the destination of its last movement (None while out or destroyed)."""
    last = last_movement(session, item_id)
    if last is None or last.to_location_id is None:
        return None
    return session.get(Location, last.to_location_id)


def add_movement(
    session: Session,
    item: Item,
    *,
    kind: str,
    to: Location | None,
    actor: str,
    reason: str = "",
    holder: str | None = None,
    loan_id: int | None = None,
) -> Movement:
    """Record a move from where the item is now to `to` (None: with `holder`, or gone)."""
    if to is not None and item.kind == "certificate" and not locations.in_safe(session, to):
        raise DanganError("custody.certificate_outside_safe", path=to.path)
    here = current_location(session, item.id)
    movement = Movement(
        item_id=item.id,
        kind=kind,
        from_location_id=here.id if here else None,
        to_location_id=to.id if to else None,
        holder=holder,
        loan_id=loan_id,
        actor=actor,
        reason=reason,
    )
    session.add(movement)
    session.flush()
    return movement


def add_item(
    session: Session,
    *,
    document_id: int | None,
    customer_id: int | None,
    pieces: int,
    pages: int,
    kind: str,
    location: Location | None,
    actor: str,
) -> Item:
    """A new item, put away at `location` (a certificate without one goes to the safe, POL-8)."""
    if kind not in ITEM_KINDS:
        raise DanganError("custody.item.bad_kind", kind=kind, kinds=", ".join(ITEM_KINDS))
    if pieces < 1 or pages < 1:
        raise DanganError("custody.item.bad_count", pieces=pieces, pages=pages)
    if document_id is None and customer_id is None:
        raise DanganError("custody.item.unlinked")
    if location is None and kind == "certificate":
        location = locations.default_safe(session)
    item = Item(
        kind=kind,
        document_id=document_id,
        customer_id=customer_id,
        pieces=pieces,
        pages=pages,
        created_by=actor,
    )
    session.add(item)
    session.flush()
    if location is not None:
        add_movement(session, item, kind="put_away", to=location, actor=actor)
    return item


def history(session: Session, item_id: int) -> list[MovementInfo]:
    """Every movement of the item, oldest first, with paths."""
    paths = {i: p for i, p in session.execute(select(Location.id, Location.path)).all()}
    return [
        MovementInfo(
            m.id,
            m.kind,
            paths.get(m.from_location_id) if m.from_location_id else None,
            paths.get(m.to_location_id) if m.to_location_id else None,
            m.holder,
            m.loan_id,
            m.actor,
            m.reason,
            m.at,
        )
        for m in session.scalars(select(Movement).where(Movement.item_id == item_id).order_by(Movement.id))
    ]
