"""The two engines behind search.engine.SearchEngine, chosen by name (DANGAN_SEARCH_ENGINE).

Code outside search/ never imports whoosh or tantivy, and never asks which engine it holds.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import DanganError
from search.engine import SearchEngine

ENGINES = ("whoosh", "tantivy")


class UnknownEngine(DanganError):
    status_code = 400


def make_index(
    engine: str, path: Path | str, *, batch_size: int | None = None, lock_timeout: float = 60.0
) -> SearchEngine:
    """An unopened index of the named engine at path."""
    if engine == "whoosh":
        from search.whoosh_index import WhooshIndex

        return WhooshIndex(path, batch_size=batch_size or 200, lock_timeout=lock_timeout)
    if engine == "tantivy":
        from search.tantivy_index import TantivyIndex

        return TantivyIndex(path, batch_size=batch_size or 1000, lock_timeout=lock_timeout)
    raise UnknownEngine("search.index_engine_unknown", engine=engine)


def engine_in(path: Path) -> str | None:
    """Which engine built the index in path (None when there is none)."""
    if (path / "meta.json").exists():
        return "tantivy"
    if any(path.glob("_MAIN_*.toc")):
        return "whoosh"
    return None
