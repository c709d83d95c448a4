"""Customers, documents, pages, derivatives, document types, archive series and revisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Timestamp, UTCDateTime, utcnow

# Confidentiality levels, lowest first (REQUIREMENTS POL-3).
LEVELS = ("internal", "department", "company", "personal")
CUSTOMER_STATUSES = ("active", "potential", "former", "lost")


class Customer(Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    level: Mapped[str] = mapped_column(String(20), default="internal")
    department: Mapped[str | None] = mapped_column(String(100))
    owner: Mapped[str | None] = mapped_column(String(100))
    needs_review: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]

    documents: Mapped[list[Document]] = relationship(back_populates="customer")


class DocumentType(Base):
    """A document type and its classification rule; rules are data so archivists can tune them."""

    __tablename__ = "document_type"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    default_level: Mapped[str] = mapped_column(String(20), default="internal")
    retention: Mapped[str] = mapped_column(String(10), default="D10")
    rule: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)


class ArchiveSeries(Base):
    """One run of item numbers: everything in the archive number but the item (CLS-2, CLS-4)."""

    __tablename__ = "archive_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    last_item: Mapped[int] = mapped_column(default=0)


class Document(Base):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(60))
    original_filename: Mapped[str] = mapped_column(String(500))
    object_key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500), default="")
    doc_type: Mapped[str | None] = mapped_column(ForeignKey("document_type.code"))
    type_confidence: Mapped[float | None] = mapped_column(Float)
    type_source: Mapped[str] = mapped_column(String(10), default="rule")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    archive_no: Mapped[str | None] = mapped_column(String(100), unique=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("archive_series.id"))
    item_no: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20), default="internal")
    state: Mapped[str] = mapped_column(String(20), default="received", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int] = mapped_column(default=0)
    pages_done: Mapped[int] = mapped_column(default=0)
    # Who is working on the document (core.process.identity) and when it last showed progress: an
    # unfinished document whose worker is gone is resumed (workflows.recovery).
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # A failure worth retrying by itself (an outage, a crash) is retried from this moment; None: a person retries.
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    doc_date: Mapped[date | None] = mapped_column(Date)
    extracted: Mapped[dict] = mapped_column(JSON, default=dict)
    needs_review: Mapped[bool] = mapped_column(default=False)
    review_reasons: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(20), default="cli")
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[Timestamp]
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    indexed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    customer: Mapped[Customer | None] = relationship(back_populates="documents")
    pages: Mapped[list[Page]] = relationship(
        back_populates="document", order_by="Page.number", cascade="all, delete-orphan"
    )
    derivatives: Mapped[list[Derivative]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )

    @property
    def text(self) -> str:
        """The whole text, page after page."""
        return "\n\n".join(p.text for p in self.pages if p.text)


class Page(Base):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(String(20))  # text_layer | ocr
    confidence: Mapped[float | None] = mapped_column(Float)
    rotation: Mapped[int] = mapped_column(default=0)
    skew: Mapped[float] = mapped_column(Float, default=0.0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)

    document: Mapped[Document] = relationship(back_populates="pages")


class Derivative(Base):
    """A file made from an original (searchable PDF ...), with its own hash (FIX-1)."""

    __tablename__ = "derivative"
    __table_args__ = (UniqueConstraint("document_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    object_key: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(60), default="application/pdf")
    created_at: Mapped[Timestamp]

    document: Mapped[Document] = relationship(back_populates="derivatives")


class Revision(Base):
    """A metadata change: who, when, why, before and after (POL-10)."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
