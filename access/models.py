"""Accounts, departments, positions, level rules, access requests, grants, tokens, sessions, notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ColumnElement, ForeignKey, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Timestamp, UTCDateTime

# Roles say what a user may *do* in the application; they never clear anyone to read content (POL-3).
ROLES = ("admin", "archivist", "staff", "manager", "records_officer", "auditor")


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The code is what customer.department and the search index hold.
    code: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[Timestamp]

    # Through a link table: a manager_id column would make department and account refer to each other, a
    # cycle Alembic's create_table cannot build on PostgreSQL.
    manager: Mapped[User | None] = relationship(secondary="department_manager")


class DepartmentManager(Base):
    """Who manages a department (one manager per department; one user may manage several)."""

    __tablename__ = "department_manager"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)


class Position(Base):
    """A post the policies name (department manager, marketing director, deputy GM, GM); data, not code."""

    __tablename__ = "position"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class User(Base):
    __tablename__ = "account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Moves on at every password change, reset and disabling; a token made under an older one is refused.
    credentials_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[Timestamp]
    # --- notifications (issue 14): where this person's messages also go out, and in which language ---
    email: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(10))  # None: the archive's default language
    notify_channels: Mapped[list | None] = mapped_column(JSON)  # None: in-app only

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    position_rows: Mapped[list[UserPosition]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    @property
    def positions(self) -> frozenset[str]:
        return frozenset(p.position for p in self.position_rows)

    @property
    def role_label(self) -> str:
        """Roles as the audit trail records them."""
        return ",".join(sorted(self.roles))


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class UserPosition(Base):
    __tablename__ = "user_position"

    user_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[str] = mapped_column(ForeignKey("position.code"), primary_key=True)


class LevelRule(Base):
    """Who reads a confidentiality level without a grant, and who approves a request for it (POL-3, POL-4)."""

    __tablename__ = "level_rule"

    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    # The request for several records goes through the chain of the one with the highest rank.
    rank: Mapped[int] = mapped_column(default=0)
    readers: Mapped[list] = mapped_column(JSON, default=list)
    chain: Mapped[list] = mapped_column(JSON, default=list)


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # SHA-256 of the secret: the secret has 256 bits of entropy, so a slow hash adds nothing but latency.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[Timestamp]
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The owner's credentials_epoch when the token was made (see access.credentials).
    credentials_epoch: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()


class WebSession(Base):
    """A browser login, server-side so that logout, disabling and password resets end it at once."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[Timestamp]
    last_seen_at: Mapped[Timestamp]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class AccessRequest(Base):
    """A 查阅审批表: who asks to read which records, why, and for which period (POL-4)."""

    __tablename__ = "access_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))  # the whole file
    reason: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    level: Mapped[str] = mapped_column(String(20))  # the highest level involved, which chose the chain
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    created_at: Mapped[Timestamp]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    requester: Mapped[User] = relationship()
    documents: Mapped[list[AccessRequestDocument]] = relationship(
        cascade="all, delete-orphan", order_by="AccessRequestDocument.document_id"
    )
    steps: Mapped[list[ApprovalStep]] = relationship(
        cascade="all, delete-orphan", order_by="ApprovalStep.order"
    )

    @property
    def document_ids(self) -> list[int]:
        return [d.document_id for d in self.documents]


class AccessRequestDocument(Base):
    __tablename__ = "access_request_document"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("access_request.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)


class ApprovalStep(Base):
    """One signature in a request's chain: who may sign (a post, maybe of one department) and what they said."""

    __tablename__ = "approval_step"
    __table_args__ = (UniqueConstraint("request_id", "order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("access_request.id", ondelete="CASCADE"), index=True)
    order: Mapped[int] = mapped_column(Integer)
    position: Mapped[str] = mapped_column(String(40))  # department_manager or a position code
    # For department_manager steps: whose manager signs. Resolved when the step is decided, so a new manager
    # can sign what the old one left.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    department: Mapped[Department | None] = relationship()


class Grant(Base):
    """Permission to read one document or a whole customer file for a period, outside the level rules."""

    __tablename__ = "access_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    request_id: Mapped[int | None] = mapped_column(ForeignKey("access_request.id"), index=True)
    created_at: Mapped[Timestamp]
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()

    def live(self, at: datetime) -> bool:
        """Whether the grant allows reading at that moment (expiry needs no job: it is a comparison)."""
        return self.revoked_at is None and self.valid_from <= at < self.valid_until

    @classmethod
    def live_at(cls, at: datetime) -> ColumnElement[bool]:
        """`live` as a SQL condition."""
        return and_(cls.revoked_at.is_(None), cls.valid_from <= at, cls.valid_until > at)


class Notification(Base):
    """A message for one user, stored as a catalogue code and its parameters."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    read: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Timestamp]
    # The outbox of the other channels (workflows.notify): sent when delivered_at is set, each channel's outcome.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery: Mapped[dict | None] = mapped_column(JSON)


class Offboarding(Base):
    """An employee's leaving (POL-5): who handed what to whom, why, and the report of what moved."""

    __tablename__ = "offboarding"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), index=True)
    successor: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[Timestamp]
    report: Mapped[dict] = mapped_column(JSON, default=dict)
