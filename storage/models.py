"""What the archive knows about its stored objects over time: each object's last fixity check (FIX-3) and
the runs of backup, verify, restore and fixity (POL-6, PRS-1).

An object that failed its check is quarantined (FIX-4): reads refuse it, saying so, until it is repaired
from a backup copy that verifies. The rows are keyed by object key, so a re-run of a check updates them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, Timestamp, UTCDateTime

RESULTS = ("passed", "changed", "missing")
RUN_KINDS = ("backup", "verify", "restore", "fixity", "repair")
RUN_STATES = ("running", "complete", "failed", "interrupted")


class ObjectCheck(Base):
    """One stored object's fixity: when it was last re-hashed and what was found (FIX-3, FIX-4)."""

    __tablename__ = "object_check"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    size: Mapped[int | None] = mapped_column(BigInteger)  # what the store held at the check
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    result: Mapped[str] = mapped_column(String(10))  # passed | changed | missing
    actual_sha256: Mapped[str | None] = mapped_column(String(64))  # when changed
    quarantined_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    repaired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    repaired_from: Mapped[str | None] = mapped_column(String(300))  # the backup (without secrets)


class OperationRun(Base):
    """A backup, verify, restore, fixity or repair run: where, when, how far it got and what it found."""

    __tablename__ = "operation_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(String(20), default="running")
    target: Mapped[str] = mapped_column(String(300), default="")  # a folder or s3://bucket/prefix
    generation: Mapped[str | None] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100), default="system")
    started_at: Mapped[Timestamp]
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    objects: Mapped[int] = mapped_column(Integer, default=0)
    copied: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
