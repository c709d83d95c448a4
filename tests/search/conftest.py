"""Fixtures: a real Whoosh index on disk, shared read-only or fresh per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.index import SearchIndex
from tests.search.corpus import DOCS


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """The corpus indexed once; tests must not write to it."""
    index = SearchIndex(tmp_path_factory.mktemp("corpus-index"), batch_size=7).open_or_create()
    index.add_documents(DOCS)
    yield index
    index.close()


@pytest.fixture
def empty_index(tmp_path: Path) -> Iterator[SearchIndex]:
    """A fresh empty index for tests that write."""
    index = SearchIndex(tmp_path / "index", batch_size=5).open_or_create()
    yield index
    index.close()
