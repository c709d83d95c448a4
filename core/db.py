"""Database engine, sessions and the declarative base."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from core.audit_keys import Keyring
from core.errors import DatabaseBusy
from core.settings import Settings

# One naming convention so Alembic names constraints the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


Timestamp = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow)]
JSONDict = Annotated[dict, mapped_column(JSON, default=dict)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


READ_ONLY = "dangan_read_only"
# The audit key ring travels with the engine (an execution option every connection inherits), so that
# core.audit.record signs events without each of its many callers passing a key.
AUDIT_KEYRING = "dangan_audit_keyring"


def keyring_for(settings: Settings) -> Keyring:
    """The audit key ring these settings name."""
    given = settings.audit_key.get_secret_value() if settings.audit_key else ""
    return Keyring(settings.audit_key_path, given)


def busy_error(exc: BaseException, seconds: float) -> DatabaseBusy | None:
    """DatabaseBusy (bilingual, 503) for SQLite's "database is locked" / "busy", else None."""
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc)):
        return DatabaseBusy("database.locked", seconds=f"{seconds:g}")
    return None


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database; SQLite gets WAL and a busy timeout."""
    url = settings.resolved_database_url()
    if url.startswith("sqlite"):
        settings.home.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": settings.database_busy_seconds, "check_same_thread": False},
            execution_options={AUDIT_KEYRING: keyring_for(settings)},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling defers BEGIN; we issue BEGIN IMMEDIATE ourselves so
            # concurrent writers queue on the lock instead of failing on upgrade (gapless numbering).
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(settings.database_busy_seconds * 1000)}")
            cur.close()

        @event.listens_for(engine, "handle_error")
        def _sqlite_locked(context: Any) -> Exception | None:
            # Another process held the lock past the busy timeout: the transaction rolls back and the user
            # reads why, in both languages, instead of a traceback or a 500.
            return busy_error(context.original_exception, settings.database_busy_seconds)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A read (see `reading`) neither takes nor waits for the write lock: WAL gives it a snapshot.
            read_only = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        execution_options={AUDIT_KEYRING: keyring_for(settings)},
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory that keeps loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that only reads: on SQLite it does not queue behind writers for the write lock."""
    with factory() as session:
        session.connection(execution_options={READ_ONLY: True})
        yield session


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction: commit on success, roll back on error."""
    with factory() as session, session.begin():
        yield session
