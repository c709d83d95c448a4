"""The database part of a backup (PRS-1): a consistent copy taken while the archive runs, and its return.

SQLite: the online backup API copies a snapshot page by page while others go on reading and writing.
PostgreSQL: `pg_dump -Fc` of the archive's schema (one snapshot transaction), checked first to be no older
than the server (an older pg_dump refuses or, worse, misses what it does not know); restored with
`pg_restore` into an empty database (or schema of the same name).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from core.db import busy_error
from core.errors import DanganError

SQLITE_FILE, PG_FILE = "database.sqlite", "database.pgdump"


class DatabaseBackupError(DanganError):
    """The database could not be copied or restored; the message says why, in both languages."""

    status_code = 503


def dump_file_name(engine: Engine) -> str:
    """database.sqlite or database.pgdump, by the engine's dialect."""
    return SQLITE_FILE if engine.dialect.name == "sqlite" else PG_FILE


def libpq_url(engine: Engine) -> str:
    """The engine's URL as libpq (pg_dump, pg_restore) reads it: no SQLAlchemy driver name."""
    url = make_url(engine.url.render_as_string(hide_password=False)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _schema(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("select current_schema()")).scalar_one())


def _major(version: str) -> int:
    match = re.search(r"(\d+)", version)
    return int(match.group(1)) if match else 0


def check_pg_dump(engine: Engine) -> str:
    """pg_dump's path, refusing one missing or older than the server."""
    tool = shutil.which("pg_dump")
    if tool is None:
        raise DatabaseBackupError("backup.pg_dump_missing")
    client = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    with engine.connect() as conn:
        server = str(conn.execute(text("show server_version")).scalar_one())
    if _major(client.rsplit("PostgreSQL)", 1)[-1]) < _major(server):
        raise DatabaseBackupError("backup.pg_dump_version", client=client.strip(), server=server)
    return tool


def dump_database(engine: Engine, dest: Path, *, busy_seconds: float = 60) -> None:
    """A consistent copy of the database in the file dest; DatabaseBusy when another process keeps it locked."""
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(f"file:{engine.url.database}?mode=ro", uri=True, timeout=busy_seconds)
        try:
            target = sqlite3.connect(dest)
            try:
                source.backup(target, pages=4096)
            except sqlite3.OperationalError as exc:
                raise busy_error(exc, busy_seconds) or exc from exc
            finally:
                target.close()
        finally:
            source.close()
        return
    tool = check_pg_dump(engine)
    args = [tool, "-Fc", "--no-owner", "--no-privileges", "-f", str(dest)]
    schema = _schema(engine)
    if schema != "public":
        args += ["-n", schema]
    done = subprocess.run([*args, libpq_url(engine)], capture_output=True, text=True)
    if done.returncode != 0:
        raise DatabaseBackupError("backup.pg_dump_failed", detail=done.stderr.strip()[-300:])


def database_is_empty(engine: Engine) -> bool:
    """No document, user or audit event yet (a fresh SQLite file or an empty schema)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in ("document", "account", "audit_event"):
            if table in present and conn.execute(text(f"select 1 from {table} limit 1")).first():
                return False
    return True


def load_database(engine: Engine, source: Path, *, replace: bool = False) -> None:
    """Put a dump back into an empty database: the SQLite file replaced whole (atomically), or pg_restore
    into the schema; with replace (a killed restore continuing) what a killed load left is dropped first."""
    if source.name == SQLITE_FILE or engine.dialect.name == "sqlite":
        if engine.dialect.name != "sqlite" or source.name != SQLITE_FILE:
            raise DatabaseBackupError("backup.wrong_database", kind=source.name)
        engine.dispose()
        dest = Path(str(engine.url.database))
        for extra in ("-wal", "-shm"):
            Path(f"{dest}{extra}").unlink(missing_ok=True)
        loading = dest.with_name(dest.name + ".restoring")
        loading.unlink(missing_ok=True)
        backup = sqlite3.connect(source)
        try:
            target = sqlite3.connect(loading)
            try:
                backup.backup(target)
            finally:
                target.close()
        finally:
            backup.close()
        os.chmod(loading, 0o600)
        with open(loading, "rb") as done:
            os.fsync(done.fileno())
        os.replace(loading, dest)  # a kill leaves the old file or the whole new one, never half of it
        return
    tool = shutil.which("pg_restore")
    if tool is None:
        raise DatabaseBackupError("backup.pg_dump_missing")
    schema = _schema(engine)
    listing = subprocess.run([tool, "-l", str(source)], capture_output=True, text=True)
    # A dump of one schema creates it: an empty schema of that name (the target) is dropped first.
    if (replace or re.search(rf"SCHEMA - {re.escape(schema)}\b", listing.stdout)) and schema != "public":
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()
    done = subprocess.run(
        [tool, "--no-owner", "--no-privileges", "--exit-on-error", "-d", libpq_url(engine), str(source)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise DatabaseBackupError("backup.pg_restore_failed", detail=done.stderr.strip()[-300:])
