"""Paper originals in a destruction batch (DSP-4): method, place, date and two witnesses (监销人)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db import utcnow
from core.errors import DanganError
from custody.models import DESTROYED, PaperOriginal


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


def has_paper(session: Session, document_ids: Iterable[int]) -> bool:
    """Whether any of the records still has a paper original in the archive."""
    return (
        session.scalar(
            select(PaperOriginal.document_id)
            .where(PaperOriginal.document_id.in_(list(document_ids)), PaperOriginal.status != DESTROYED)
            .limit(1)
        )
        is not None
    )


def destroy_paper_originals(session: Session, document_ids: Iterable[int]) -> int:
    """Mark the records' paper originals destroyed: their location becomes "destroyed"."""
    result = session.execute(
        update(PaperOriginal)
        .where(PaperOriginal.document_id.in_(list(document_ids)), PaperOriginal.status != DESTROYED)
        .values(status=DESTROYED, location=DESTROYED, updated_at=utcnow())
    )
    return result.rowcount or 0
