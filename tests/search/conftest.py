"""Fixtures: a real index on disk (Whoosh and tantivy alike), shared read-only or fresh per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search.engines import ENGINES, make_index
from tests.search.corpus import DOCS


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each behaviour test runs on both engines."""
    return request.param


@pytest.fixture(scope="session")
def corpus_index(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The corpus indexed once; tests must not write to it."""
    index = make_index(engine, tmp_path_factory.mktemp(f"corpus-{engine}"), batch_size=7).open_or_create()
    index.add_documents(DOCS)
    yield index
    index.close()


@pytest.fixture
def empty_index(engine: str, tmp_path: Path) -> Iterator[Any]:
    """A fresh empty index for tests that write."""
    index = make_index(engine, tmp_path / "index", batch_size=5).open_or_create()
    yield index
    index.close()


@pytest.fixture(scope="session")
def whoosh_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The corpus in a Whoosh index, for tests of Whoosh internals."""
    index = make_index("whoosh", tmp_path_factory.mktemp("corpus-whoosh-only"), batch_size=7).open_or_create()
    index.add_documents(DOCS)
    yield index
    index.close()


@pytest.fixture
def whoosh_empty(tmp_path: Path) -> Iterator[Any]:
    """A fresh empty Whoosh index, for tests of Whoosh internals."""
    index = make_index("whoosh", tmp_path / "whoosh", batch_size=5).open_or_create()
    yield index
    index.close()
