"""Paper originals (PHY-1): locations as a tree, items, their movements, loans against a loan slip.

An item's place is never stored: it is the `to_location` of its last movement (None while it is out on loan
or destroyed), so a move, a loan and a return cannot leave two records disagreeing about where it is. The last
movement is marked (`Movement.latest`) so that "what is in this cabinet" is read from an index: the mark says
which movement is the last one, not where the item is, and only `custody.items.add_movement` moves it, in the
transaction that records the movement (`dangan check` compares it with the highest id).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Timestamp, UTCDateTime

DESTROYED = "destroyed"

LOCATION_KINDS = ("building", "room", "cabinet", "shelf", "box", "folder", "safe", "other")
ITEM_KINDS = ("original", "certificate", "other")
MOVEMENT_KINDS = ("put_away", "move", "hand_over", "lend", "return", "transfer", "destroy")
INSPECTION_ISSUES = ("damp", "pests", "damage")
LOAN_STATES = ("requested", "approved", "refused", "out", "renewal_requested", "returned")
OPEN_LOAN_STATES = ("requested", "approved", "out", "renewal_requested")


class PaperOriginal(Base):
    """A record's paper original: its location (room, cabinet, shelf, box, the safe) and status.

    The first, flat model that retention's destruction reads; new originals are `Item`s with movements.
    """

    __tablename__ = "paper_original"

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)
    location: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="in_store")  # in_store | on_loan | destroyed
    updated_at: Mapped[Timestamp]


class Location(Base):
    """A place in the tree building → room → cabinet → shelf → box (or the safe), named by its path."""

    __tablename__ = "custody_location"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("custody_location.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The full path (总部/档案室/A柜/2层/03盒) is how people and the CLI name a place; it is unique.
    path: Mapped[str] = mapped_column(String(500), unique=True)
    # The printed code on the label (and later its QR code): short, stable, independent of renaming.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[Timestamp]


class Item(Base):
    """A paper original (or a set of them) of one document or of a customer file, counted in pieces and pages."""

    __tablename__ = "custody_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="original")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    pieces: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[Timestamp]


class Movement(Base):
    """One move of an item: from where to where (None: with a person, or gone), who, when, why."""

    __tablename__ = "custody_movement"
    # The latest movement of an item is its place: (item_id, id) finds it with one index probe, and lets
    # "no later movement" anti-joins of the ledgers scale to millions of movements (bench/custody.py).
    __table_args__ = (
        Index("ix_custody_movement_item_latest", "item_id", "id"),
        Index("ix_custody_movement_to_location", "to_location_id", "item_id", "id"),
        Index("ix_custody_movement_kind", "kind"),  # the rare kinds (destroy) are found without a scan
        # One last movement per item, found from the item (the ledger rows) or from a place (a cabinet's
        # items: the movements into its subtree that are the last of their item, not every one ever made).
        Index("uq_custody_movement_latest_item", "item_id", unique=True, sqlite_where=text("latest = 1"),
              postgresql_where=text("latest")),
        Index("ix_custody_movement_latest_place", "to_location_id", "item_id", sqlite_where=text("latest = 1"),
              postgresql_where=text("latest")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("custody_item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("custody_location.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("custody_location.id"))
    holder: Mapped[str | None] = mapped_column(String(100))  # who has it while it is out of the archive
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("custody_loan.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[Timestamp]
    # True on the item's last movement only (the highest id); set by add_movement, checked by `dangan check`.
    latest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class LoanSeries(Base):
    """The last slip number given out in a year: one UPDATE on this row hands out the next (CLS-4)."""

    __tablename__ = "custody_loan_series"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_no: Mapped[int] = mapped_column(Integer, default=0)


class Loan(Base):
    """A loan slip (出借单, POL-9, ACC-1): who borrows what, why, until when, and its approval."""

    __tablename__ = "custody_loan"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slip_no: Mapped[str] = mapped_column(String(60), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    department: Mapped[str] = mapped_column(String(100), default="")  # the borrower's, when asking
    purpose: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(20))  # the highest confidentiality of what is lent
    days: Mapped[int] = mapped_column(Integer)  # the term in working days
    due_date: Mapped[date | None] = mapped_column(Date)  # counted when the items go out
    status: Mapped[str] = mapped_column(String(20), index=True)
    renewal_days: Mapped[int | None] = mapped_column(Integer)  # asked for, awaiting approval
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[Timestamp]
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    out_by: Mapped[str | None] = mapped_column(String(100))
    out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_by: Mapped[str | None] = mapped_column(String(100))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    items: Mapped[list[LoanItem]] = relationship(
        cascade="all, delete-orphan", order_by="LoanItem.item_id", lazy="selectin"
    )


class LoanItem(Base):
    __tablename__ = "custody_loan_item"

    loan_id: Mapped[int] = mapped_column(ForeignKey("custody_loan.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("custody_item.id"), primary_key=True)


class Incident(Base):
    """A return that did not count up (ACC-3): what was expected, what came back, and who counted."""

    __tablename__ = "custody_incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("custody_loan.id"), index=True)
    expected_pieces: Mapped[int] = mapped_column(Integer)
    expected_pages: Mapped[int] = mapped_column(Integer)
    counted_pieces: Mapped[int] = mapped_column(Integer)
    counted_pages: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="open")
    reported_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[Timestamp]


class Inspection(Base):
    """A periodic inspection of a location (POL-12): when, by whom, what was found (damp, pests, damage).

    An inspection covers the location and everything under it; a room or safe not covered within the cycle
    (DANGAN_INSPECTION_DAYS) is overdue.
    """

    __tablename__ = "custody_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("custody_location.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    inspector: Mapped[str] = mapped_column(String(100))
    issues: Mapped[list] = mapped_column(JSON, default=list)  # of INSPECTION_ISSUES; empty: all well
    findings: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[Timestamp]
