"""Fixtures: settings on a fresh SQLite file or PostgreSQL schema per test, a runtime, an API client.

Set DANGAN_TEST_DATABASE_URL=postgresql://127.0.0.1:5432/test to run the suite on PostgreSQL; each test
then gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

pytest_plugins = ["tests.support.s3server"]

PG_URL = os.environ.get("DANGAN_TEST_DATABASE_URL", "")


def pytest_report_header(config: pytest.Config) -> str:
    return f"dangan database: {'postgresql' if PG_URL else 'sqlite'}"


def touches_the_database(item: pytest.Item) -> bool:
    """A test that opens an archive database: through the `database_url` fixture (directly or under
    `settings`, `runtime`, `client`, ...), or marked `database`/`e2e` (those make their own with
    `fresh_database_url`)."""
    return "database_url" in getattr(item, "fixturenames", ()) or any(
        item.get_closest_marker(name) for name in ("database", "e2e")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that open a database: the others (OCR, extraction, analysis, the
    index, the object store) never reach it and have run already in the SQLite pass of `make test`."""
    if not PG_URL:
        return
    kept = [item for item in items if touches_the_database(item)]
    dropped = [item for item in items if not touches_the_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@contextmanager
def fresh_database_url() -> Iterator[str | None]:
    """None (SQLite under DANGAN_HOME) or a PostgreSQL URL on a schema made for the caller, dropped after."""
    if not PG_URL:
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    base = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_settings(home: Path, database_url: str | None):
    """Settings for a fresh archive under home, jobs run inline."""
    from core.settings import Settings

    return Settings(
        home=home, database_url=database_url, queue_backend="immediate", ocr_workers=2, _env_file=None
    )


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str | None]:
    """None (SQLite under DANGAN_HOME) or a PostgreSQL URL on a schema made for this test."""
    with fresh_database_url() as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None):
    """Settings for a fresh archive under tmp_path, jobs run inline."""
    return make_settings(tmp_path / "home", database_url)


@pytest.fixture(scope="session")
def ocr_pool():
    """One OCR process pool for the whole session (starting one costs about a second)."""
    from ingest.ocr.pool import OcrPool

    pool = OcrPool(2)
    yield pool
    pool.close()


@pytest.fixture
def runtime(settings, ocr_pool):
    """An initialised archive."""
    from workflows.runtime import Runtime
    from workflows.setup import initialise

    rt = Runtime(settings, ocr_pool=ocr_pool)
    initialise(rt)
    yield rt
    rt.close()


@pytest.fixture
def client(settings, ocr_pool):
    """The API in-process, with its lifespan (init, queue) run."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(settings, start_worker=False)
    app.state.runtime.ocr_pool = ocr_pool
    with TestClient(app) as test_client:
        yield test_client
