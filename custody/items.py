"""Items and their movements (PHY-1, POL-8): an item is where its last movement took it, nowhere else.

`add_movement` is the one writer of movements: it also moves the `latest` mark (which movement is the last)
in the same transaction; `misplaced_marks` lists items where the mark and the highest id disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.orm import Session, aliased

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


def _unmark(session: Session, item_id: int) -> None:
    session.execute(
        update(Movement).where(Movement.item_id == item_id, Movement.latest).values(latest=False),
        execution_options={"synchronize_session": "fetch"},
    )


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
    """Record a move from where the item is now to `to` (None: with `holder`, or gone); the new movement
    becomes the item's latest."""
    if to is not None and item.kind == "certificate" and not locations.in_safe(session, to):
        raise DanganError("custody.certificate_outside_safe", path=to.path)
    # One mover of an item at a time (PostgreSQL; SQLite writes one at a time anyway): two moves at once
    # would both start from the same place and both claim to be the last.
    session.execute(select(Item.id).where(Item.id == item.id).with_for_update())
    here = current_location(session, item.id)
    _unmark(session, item.id)
    movement = Movement(
        item_id=item.id,
        kind=kind,
        from_location_id=here.id if here else None,
        to_location_id=to.id if to else None,
        holder=holder,
        loan_id=loan_id,
        actor=actor,
        reason=reason,
        latest=True,
    )
    session.add(movement)
    session.flush()
    return movement


def misplaced_marks(session: Session, *, most: int = 200) -> list[int]:
    """Items whose `latest` mark is not on their highest movement, or on none of them (`dangan check`)."""
    later = aliased(Movement)
    stale = select(Movement.item_id).where(
        Movement.latest, exists().where(later.item_id == Movement.item_id, later.id > Movement.id)
    )
    unmarked = (
        select(Movement.item_id)
        .group_by(Movement.item_id)
        .having(func.sum(case((Movement.latest, 1), else_=0)) == 0)
    )
    found = set(session.scalars(stale.limit(most))) | set(session.scalars(unmarked.limit(most)))
    return sorted(found)[:most]


def mark_latest(session: Session, item_ids: list[int]) -> None:
    """Put the `latest` mark back on each item's highest movement (`dangan check --repair`)."""
    for item_id in item_ids:
        last = last_movement(session, item_id)
        _unmark(session, item_id)
        if last is not None:
            last.latest = True
        session.flush()


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
