"""Retention rules, each record's due date, appraisal extensions, legal holds, destruction batches, registers.

The register entries (residual records, DSP-5) and register files are written once and never changed: on
PostgreSQL a trigger refuses UPDATE and DELETE of them (migration 0004), as for the audit trail.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Timestamp, UTCDateTime

PERMANENT = None  # period_years of a permanent rule
TRIGGERS = ("document_date", "contract_end", "relationship_end", "filing")
ACTIONS = ("review", "destroy", "transfer")
STARTS = ("next_year", "trigger")  # RET-2: the clock starts on 1 January after the trigger year by default
HOLD_SCOPES = ("documents", "customer", "search")
BATCH_STATES = ("proposed", "appraised", "approved", "executing", "interrupted", "stopped", "destroyed")


class RetentionRule(Base):
    """One document type's rule (RET-1, RET-2): period, trigger, action and what it rests on."""

    __tablename__ = "retention_rule"

    doc_type: Mapped[str] = mapped_column(ForeignKey("document_type.code"), primary_key=True)
    period_years: Mapped[int | None] = mapped_column(Integer)  # None: permanent
    trigger: Mapped[str] = mapped_column(String(30))
    start: Mapped[str] = mapped_column(String(20), default="next_year")
    action: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(100), default="system")
    updated_at: Mapped[Timestamp]


class RelationshipEnd(Base):
    """When a customer became former or lost: the trigger of relationship-end rules (gone when active again)."""

    __tablename__ = "relationship_end"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), primary_key=True)
    ended_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))


class RecordRetention(Base):
    """A record's stored due date and why (RET-2); recomputed when its rule, trigger or customer changes."""

    __tablename__ = "record_retention"

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)
    doc_type: Mapped[str | None] = mapped_column(String(40))
    trigger: Mapped[str | None] = mapped_column(String(30))
    trigger_date: Mapped[date | None] = mapped_column(Date)
    period_years: Mapped[int | None] = mapped_column(Integer)
    permanent: Mapped[bool] = mapped_column(default=False)
    computed_due: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)  # computed, or an extension's
    action: Mapped[str | None] = mapped_column(String(20))
    reasoning: Mapped[dict] = mapped_column(JSON, default=dict)  # {"code": ..., params} from the catalogue
    extension_id: Mapped[int | None] = mapped_column(ForeignKey("retention_extension.id"))
    locked_until: Mapped[date | None] = mapped_column(Date)  # S3 retain-until last applied (WORM)
    computed_at: Mapped[Timestamp]


class RetentionExtension(Base):
    """An appraisal that keeps a record longer (RET-3): new due date, reason, approver and date."""

    __tablename__ = "retention_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    previous_due: Mapped[date | None] = mapped_column(Date)
    new_due: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    approver: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[Timestamp]


class Hold(Base):
    """A legal hold (HLD-1): name, reason, creator, date and scope; released with a reason, never deleted."""

    __tablename__ = "legal_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    query: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[Timestamp]
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_by: Mapped[str | None] = mapped_column(String(100))
    release_reason: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list[HoldItem]] = relationship(back_populates="hold", cascade="all, delete-orphan")

    @property
    def active(self) -> bool:
        return self.released_at is None


class HoldItem(Base):
    """A record a hold covers: named (scope documents) or found by its saved search (re-evaluated)."""

    __tablename__ = "legal_hold_item"
    __table_args__ = (UniqueConstraint("hold_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("legal_hold.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="documents")

    hold: Mapped[Hold] = relationship(back_populates="items")


class DestructionBatch(Base):
    """A destruction batch — the register (销毁清册, DSP-2) — and where its workflow stands (DSP-3)."""

    __tablename__ = "destruction_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    proposed_by: Mapped[str] = mapped_column(String(100))
    proposed_at: Mapped[Timestamp]
    appraisal: Mapped[str | None] = mapped_column(Text)
    appraised_by: Mapped[str | None] = mapped_column(String(100))
    appraised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approvers_needed: Mapped[int] = mapped_column(default=2)
    executed_by: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stop_reason: Mapped[dict] = mapped_column(JSON, default=dict)
    paper: Mapped[dict] = mapped_column(JSON, default=dict)  # method, place, date, witnesses

    items: Mapped[list[BatchItem]] = relationship(
        back_populates="batch", order_by="BatchItem.position", cascade="all, delete-orphan"
    )
    approvals: Mapped[list[BatchApproval]] = relationship(
        back_populates="batch", order_by="BatchApproval.id", cascade="all, delete-orphan"
    )


class BatchItem(Base):
    """One record in a batch: the register line (DSP-2) and its execution state and checks (DSP-4)."""

    __tablename__ = "destruction_item"
    __table_args__ = (UniqueConstraint("batch_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("destruction_batch.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    position: Mapped[int]
    archive_no: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    year: Mapped[str] = mapped_column(String(10), default="")
    retention: Mapped[str] = mapped_column(String(40), default="")
    pages: Mapped[int] = mapped_column(default=0)
    remarks: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending|partial|destroyed
    keys: Mapped[list] = mapped_column(JSON, default=list)  # every object key of the record
    probe: Mapped[str | None] = mapped_column(Text)  # a distinctive phrase, kept only until verified
    checks: Mapped[list] = mapped_column(JSON, default=list)

    batch: Mapped[DestructionBatch] = relationship(back_populates="items")


class BatchApproval(Base):
    """An approval of a batch by someone who did not propose it (DSP-3)."""

    __tablename__ = "destruction_approval"
    __table_args__ = (UniqueConstraint("batch_id", "approver"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("destruction_batch.id"), index=True)
    approver: Mapped[str] = mapped_column(String(100))
    opinion: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[Timestamp]

    batch: Mapped[DestructionBatch] = relationship(back_populates="approvals")


class RegisterEntry(Base):
    """The residual record of a destroyed record (DSP-5); written once, never changed."""

    __tablename__ = "destruction_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("destruction_batch.id"), index=True)
    position: Mapped[int]
    archive_no: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    doc_type: Mapped[str] = mapped_column(String(40), default="")
    customer: Mapped[str] = mapped_column(String(200), default="")
    doc_date: Mapped[date | None] = mapped_column(Date)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_date: Mapped[date | None] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(default=0)
    retention: Mapped[str] = mapped_column(String(40), default="")
    approvers: Mapped[list] = mapped_column(JSON, default=list)
    checks: Mapped[list] = mapped_column(JSON, default=list)
    destroyed_at: Mapped[Timestamp]


class RegisterFile(Base):
    """A register produced as PDF or CSV and stored as a permanent object; written once, never changed."""

    __tablename__ = "destruction_register_file"
    __table_args__ = (UniqueConstraint("batch_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("destruction_batch.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # pdf | csv
    object_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[Timestamp]
