"""Paper originals in a destruction batch (DSP-4): method, place, date and two witnesses (监销人).

Paper originals are custody items (PHY-1): destroying one records a `destroy` movement, so its place (derived
from its last movement) becomes "destroyed" and its history keeps where it was and who destroyed it. The
older flat `PaperOriginal` rows are still honoured for archives that have them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from core.db import utcnow
from core.errors import DanganError
from custody.items import add_movement
from custody.ledgers import latest_id
from custody.models import DESTROYED, Item, Movement, PaperOriginal


@dataclass(frozen=True)
class PaperDestruction:
    """How the paper was destroyed: method (shredding by default), place, date and the two witnesses."""

    method: str
    place: str
    on: date
    witnesses: tuple[str, str]

    def as_dict(self) -> dict:
        values = asdict(self)
        values["on"], values["witnesses"] = self.on.isoformat(), list(self.witnesses)
        return values


def check_paper(paper: PaperDestruction, *, executor: str) -> None:
    """Refuse incomplete records: method, place, and two different witnesses, neither the executor."""
    if not paper.method.strip() or not paper.place.strip():
        raise DanganError("batch.paper_required")
    names = [w.strip() for w in paper.witnesses]
    if len(names) != 2 or not all(names) or names[0] == names[1] or executor in names:
        raise DanganError("batch.witnesses")


def _custody_items(session: Session, document_ids: list[int]) -> list[Item]:
    """The custody items of these documents that are not destroyed yet (their last movement is no `destroy`)."""
    latest = aliased(Movement)
    return list(
        session.scalars(
            select(Item)
            .outerjoin(latest, latest.id == latest_id(Item.id))
            .where(Item.document_id.in_(document_ids), (latest.kind.is_(None)) | (latest.kind != "destroy"))
            .order_by(Item.id)
        )
    )


def has_paper(session: Session, document_ids: Iterable[int]) -> bool:
    """Whether any of the records still has a paper original in the archive."""
    ids = list(document_ids)
    if _custody_items(session, ids):
        return True
    return (
        session.scalar(
            select(PaperOriginal.document_id)
            .where(PaperOriginal.document_id.in_(ids), PaperOriginal.status != DESTROYED)
            .limit(1)
        )
        is not None
    )


def destroy_paper_originals(
    session: Session, document_ids: Iterable[int], *, actor: str = "system", reason: str = ""
) -> int:
    """Record the destruction of the records' paper originals: a `destroy` movement for each custody item
    (from wherever it was, or from its holder), and the old flat rows marked "destroyed"; how many."""
    ids = list(document_ids)
    items = _custody_items(session, ids)
    for item in items:
        add_movement(session, item, kind="destroy", to=None, actor=actor, reason=reason)
    result = session.execute(
        update(PaperOriginal)
        .where(PaperOriginal.document_id.in_(ids), PaperOriginal.status != DESTROYED)
        .values(status=DESTROYED, location=DESTROYED, updated_at=utcnow())
    )
    return len(items) + (result.rowcount or 0)
