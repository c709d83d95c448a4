"""Fixtures: sessions on a fresh database holding every table (SQLite file or PostgreSQL schema)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from core.db import make_engine, make_sessionmaker
from workflows.schema import metadata


@pytest.fixture
def factory(settings) -> Iterator[sessionmaker[Session]]:
    """A session factory on an empty database."""
    engine = make_engine(settings)
    metadata.create_all(engine)
    yield make_sessionmaker(engine)
    engine.dispose()
