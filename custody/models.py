"""Paper originals: where each record's paper original is kept, and whether it still exists (PHY-1)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, Timestamp

DESTROYED = "destroyed"


class PaperOriginal(Base):
    """A record's paper original: its location (room, cabinet, shelf, box, the safe) and status."""

    __tablename__ = "paper_original"

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)
    location: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="in_store")  # in_store | on_loan | destroyed
    updated_at: Mapped[Timestamp]
