"""An archive with a few records for backup, restore and fixity tests, and empty places to restore into."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core.settings import Settings
from tests.api.world import World, build_world
from tests.retention.conftest import add_record
from workflows.runtime import Runtime


@pytest.fixture
def world(runtime) -> World:
    return build_world(None, runtime)


@pytest.fixture
def records(world) -> list[int]:
    """Three filed records, each with an original and a searchable PDF in the store."""
    return [add_record(world, title=f"函件{n}") for n in range(3)]


def emptied(settings: Settings, home: Path, **changes: object) -> Settings:
    """Settings for an empty archive: a new home; on PostgreSQL the same schema, emptied (an empty database)."""
    if settings.database_url:
        url = settings.resolved_database_url()
        schema = url.split("search_path%3D", 1)[1]
        engine = create_engine(url.split("?", 1)[0], isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    return Settings(**(settings.model_dump() | {"home": home} | changes), _env_file=None)


@pytest.fixture
def restore_into(tmp_path, ocr_pool) -> Iterator:
    """Make a runtime on an empty archive (closed after the test)."""
    made: list[Runtime] = []

    def make(settings: Settings, **changes: object) -> Runtime:
        rt = Runtime(emptied(settings, tmp_path / f"restored{len(made)}", **changes), ocr_pool=ocr_pool)
        made.append(rt)
        return rt

    yield make
    for rt in made:
        rt.close()
