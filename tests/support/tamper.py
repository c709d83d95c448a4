"""Tampering with the audit table on purpose, as an attacker with database access would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session


@contextmanager
def append_only_off(session: Session) -> Iterator[None]:
    """On PostgreSQL, lift the append-only trigger inside this transaction (only the table's owner can)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
    yield
    if postgres:
        session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
