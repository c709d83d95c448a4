"""Handover lists (移交清单, POL-7, POL-8): a matter's paper handed from preparer A to reviewer B to the archive.

A list moves through states, each owed by one party:

    preparing ─(A signs)→ reviewing ─(B signs)→ accepting ─(archivist signs)→ accepted
                              │                      │
                              └──(B returns)─┬───────┘ (the archivist may return it too)
                                             ▼
                                         returned ─(A signs again)→ reviewing

The three signatures, each count and each return are rows of `custody_handover_step`: the list keeps its
history, so the PDF and the audit trail tell the same story. Certificates (权证) travel on a list of their
own (kind `certificate`) tied to the file's list by `file_handover_id`, and share its number (POL-8).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, JSONDict, Timestamp, UTCDateTime

HANDOVER_KINDS = ("file", "certificate")
HANDOVER_STATES = ("preparing", "reviewing", "returned", "accepting", "accepted")
OPEN_STATES = ("preparing", "reviewing", "returned", "accepting")
# Who owes the next step in each open state.
OWER = {"preparing": "preparer", "returned": "preparer", "reviewing": "reviewer", "accepting": "archivist"}
STEP_KINDS = ("prepare", "review", "return", "accept")


class HandoverSeries(Base):
    """The last number given out for a prefix (鸿借字, 鸿担字…) in a year; one UPDATE hands out the next (CLS-4)."""

    __tablename__ = "custody_handover_series"

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_no: Mapped[int] = mapped_column(Integer, default=0)


class Handover(Base):
    """One handover list: the matter, its customer file, the three parties, deadlines and the number."""

    __tablename__ = "custody_handover"
    # A file's list and its certificates' list share one number; two files never do.
    __table_args__ = (UniqueConstraint("kind", "prefix", "year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="file")
    title: Mapped[str] = mapped_column(String(200))  # the matter, e.g. 某公司流动资金贷款
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    file_handover_id: Mapped[int | None] = mapped_column(ForeignKey("custody_handover.id"), index=True)
    preparer_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default="preparing")
    finished_on: Mapped[date] = mapped_column(Date)  # the matter ended (a loan paid out): A's clock starts
    preparer_due: Mapped[date] = mapped_column(Date)  # A → B: 3 working days after finished_on
    reviewer_due: Mapped[date | None] = mapped_column(Date)  # B → archive: 2 working days after A signed
    # A deadline that reaches into a year the holiday package does not know is counted on weekdays alone.
    due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    prefix: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer)
    seq: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(60), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("custody_location.id"))  # where it went
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[Timestamp]
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    items: Mapped[list[HandoverItem]] = relationship(
        cascade="all, delete-orphan", order_by="HandoverItem.position", lazy="selectin"
    )
    steps: Mapped[list[HandoverStep]] = relationship(
        cascade="all, delete-orphan", order_by="HandoverStep.id", lazy="selectin"
    )


class HandoverItem(Base):
    """A line of the list: what it is, how many pieces and pages (covers included), and how it counted."""

    __tablename__ = "custody_handover_item"
    __table_args__ = (UniqueConstraint("handover_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(
        ForeignKey("custody_handover.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, 3… without gaps (FIX-2)
    title: Mapped[str] = mapped_column(String(200))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    certificate_no: Mapped[str] = mapped_column(String(100), default="")  # 权证号
    pieces: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    remarks: Mapped[str] = mapped_column(String(500), default="")
    # The paper item it became in the ledger when the archive accepted it.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("custody_item.id"), index=True)


class HandoverStep(Base):
    """A signature, a count or a return: who, when, what they counted, what was missing or excepted."""

    __tablename__ = "custody_handover_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(
        ForeignKey("custody_handover.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # prepare | review | return | accept
    actor: Mapped[str] = mapped_column(String(100))
    # position → [pieces, pages] as counted (review, accept, and a return that counted).
    counts: Mapped[JSONDict]
    note: Mapped[str] = mapped_column(Text, default="")  # what is missing (return)
    exception: Mapped[str] = mapped_column(Text, default="")  # the signed reason to accept a mismatch (HND-2)
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # signed after its deadline
    at: Mapped[Timestamp]
