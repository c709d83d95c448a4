"""Customers, documents, pages, derivatives, document types, archive series and revisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.db import Base, Timestamp, UTCDateTime, utcnow

# Confidentiality levels, lowest first (REQUIREMENTS POL-3).
LEVELS = ("internal", "department", "company", "personal")
CUSTOMER_STATUSES = ("active", "potential", "former", "lost")
# Former and lost customers are listed apart from current ones (POL-11).
ENDED_STATUSES = ("former", "lost")
# Policy 3's two cards: distributors (经销商) and end customers (终端客户).
CUSTOMER_KINDS = ("distributor", "end_customer")
# The grade a person sets or the grade rules compute (records.customer_grades, POL-1 / policy 9).
CUSTOMER_GRADES = ("A", "B", "C", "D")
# What a timeline entry records (POL-11); documents join the timeline from their own table. A sale schedules
# policy 8's follow-up visits, and a follow-up visit closes the one due (records.customer_followups).
ENTRY_KINDS = ("visit", "call", "complaint", "repair", "survey", "change", "sale", "followup")
# A file merged into another keeps this status and points to it (records.customer_merge).
MERGED = "merged"


def name_sort_key(name: str) -> str:
    """A customer name's sort key: its pinyin, lower case, so that Chinese names list in pinyin order and
    Latin names among them by letter (pypinyin keeps what is not Chinese as it is)."""
    from pypinyin import lazy_pinyin  # its dictionaries take a quarter of a second: loaded when first needed

    return "".join(lazy_pinyin(name or "")).lower()[:NAME_KEY_LENGTH]


NAME_KEY_LENGTH = 300


class Customer(Base):
    __tablename__ = "customer"
    # The customer list at 100k files (issue 12): each sort is an index walk within current / ended files
    # (POL-11 lists them apart), and each filter of POL-2 has its own index.
    __table_args__ = (
        Index("ix_customer_list_name", "ended", "name_key", "id"),
        Index("ix_customer_list_grade", "ended", "grade", "name_key"),
        Index("ix_customer_list_contact", "ended", "last_contact", "name_key"),
        # The analysis (workflows.customer_reports) groups every file by these in one pass: this index holds
        # each column it reads (the filters, the dimensions, what the permission rule looks at), in group order.
        Index(
            "ix_customer_analysis",
            "status",
            "grade",
            "industry",
            "province",
            "kind",
            "level",
            "department",
            "owner",
            "merged_into",
        ),  # fmt: skip
        Index("ix_customer_analysis_month", "merged_into", "created_at", "status", "department", "owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    level: Mapped[str] = mapped_column(String(20), default="internal", index=True)
    department: Mapped[str | None] = mapped_column(String(100), index=True)
    owner: Mapped[str | None] = mapped_column(String(100), index=True)
    needs_review: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Timestamp] = mapped_column(index=True)
    updated_at: Mapped[Timestamp] = mapped_column(index=True)
    # Kept by the model on every write of name and status: the list sorts and groups in the database.
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), default="", server_default="")
    ended: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The profile (POL-1). Money in integer fen, dates as dates; None: not known yet.
    former_names: Mapped[list] = mapped_column(JSON, default=list)  # [{"name": ..., "until": "YYYY-MM-DD"}]
    legal_rep: Mapped[str | None] = mapped_column(String(100))
    registered_address: Mapped[str | None] = mapped_column(String(300))
    business_address: Mapped[str | None] = mapped_column(String(300))
    province: Mapped[str | None] = mapped_column(String(40), index=True)
    city: Mapped[str | None] = mapped_column(String(40), index=True)
    phone: Mapped[str | None] = mapped_column(String(60))
    fax: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(100), index=True)
    nature: Mapped[str | None] = mapped_column(String(60))  # 企业性质
    registered_capital: Mapped[int | None] = mapped_column(BigInteger)  # fen
    founded_on: Mapped[date | None] = mapped_column(Date)
    business_scope: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20), index=True)
    grade: Mapped[str | None] = mapped_column(String(1), index=True)
    credit_standing: Mapped[str | None] = mapped_column(String(100))
    credit_limit: Mapped[int | None] = mapped_column(BigInteger)  # fen
    status_on: Mapped[date | None] = mapped_column(Date)
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Values ingest read from a licence, offered for empty fields and never written over a person's entry.
    suggested: Mapped[dict] = mapped_column(JSON, default=dict)
    last_contact: Mapped[date | None] = mapped_column(Date)
    # --- lifecycle (issue 12): what the grade rules read, who set the grade, and merges ---
    annual_sales: Mapped[int | None] = mapped_column(BigInteger)  # fen, last full year (policy 9 §4)
    customer_since: Mapped[date | None] = mapped_column(Date)  # first business with the company (policy 3)
    grade_source: Mapped[str | None] = mapped_column(String(10))  # manual | rule; None: never graded
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    documents: Mapped[list[Document]] = relationship(back_populates="customer")

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = name_sort_key(name)
        return name

    @validates("status")
    def _keep_ended(self, _key: str, status: str) -> str:
        self.ended = status in ENDED_STATUSES
        return status


class CustomerContact(Base):
    """A person at the customer (POL-1); a file has several."""

    __tablename__ = "customer_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(100))
    phones: Mapped[list] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(200))
    birthday: Mapped[date | None] = mapped_column(Date)
    preferences: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[Timestamp]


class CustomerEntry(Base):
    """One dated event on a file's timeline: a visit, call, complaint... (POL-11).

    A complaint waits for the general manager's approval of its handling (policy 7): state needs_approval
    until approved; every other entry is recorded as it is.
    """

    __tablename__ = "customer_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="recorded")  # recorded | needs_approval | approved
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[Timestamp]
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CustomerFollowup(Base):
    """A follow-up visit due after a sale (policy 8: within 3, 30 and 60 days); a followup entry closes it."""

    __tablename__ = "customer_followup"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    sale_entry_id: Mapped[int] = mapped_column(ForeignKey("customer_entry.id"), index=True)
    days: Mapped[int] = mapped_column(Integer)  # 3, 30 or 60 days after the sale
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_entry_id: Mapped[int | None] = mapped_column(ForeignKey("customer_entry.id"))
    done_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[Timestamp]


class GradeRule(Base):
    """What a grade asks for (POL-1, policy 9 §2 客户等级分类): data a manager edits, checked A first."""

    __tablename__ = "customer_grade_rule"

    grade: Mapped[str] = mapped_column(String(1), primary_key=True)
    min_annual_sales: Mapped[int | None] = mapped_column(BigInteger)  # fen; None: any
    min_years: Mapped[int | None] = mapped_column(Integer)  # years as a customer; None: any
    credit_standings: Mapped[list] = mapped_column(JSON, default=list)  # accepted standings; empty: any
    updated_by: Mapped[str] = mapped_column(String(100), default="system")
    updated_at: Mapped[Timestamp]


class CustomerRevision(Base):
    """A change to a customer file: who, when, why, before and after (POL-10, like a document's Revision)."""

    __tablename__ = "customer_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)


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
    # Counting documents per type within a reader's scope (the customer analysis) reads this index only.
    __table_args__ = (Index("ix_document_type_scope", "doc_type", "level", "customer_id", "state"),)

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
    # issue 18: which OCR engine's reading was kept, the clean-ups it read after, the red seals found
    engine: Mapped[str | None] = mapped_column(String(20))  # tesseract | rapidocr; None: text layer
    steps: Mapped[list | None] = mapped_column(JSON)
    seals: Mapped[list | None] = mapped_column(JSON)  # [{"x", "y", "radius"}] as shares of the page

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
