"""Where the live index is: a pointer file in the index directory, swapped atomically by a rebuild.

    data/index/CURRENT.json   {"dir": "gen-20260101T120000", "engine": "tantivy"}
    data/index/gen-…/         the index the pointer names
    data/index/REBUILD.json   a rebuild's checkpoint (the directory it builds, the last id done)

Without a pointer the index directory itself is the index (as before the first rebuild), of the
engine that built it or, when empty, of DANGAN_SEARCH_ENGINE. A rebuild writes the new index beside
the old one and then replaces the pointer with os.replace: every process sees either the old index
or the new one, never a half-built one, and searches keep running on the old one until they next
look at the pointer. The previous generation is kept (another process may still be reading it);
older ones are removed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from core.errors import DanganError, disk_faults
from search.engine import IndexSchemaMismatch, PurgeReport, Refeed, SearchEngine
from search.engines import engine_in, make_index
from search.parser import Node
from search.results import SearchResult
from search.schema import IndexDoc
from search.scope import Scope

log = logging.getLogger(__name__)

POINTER = "CURRENT.json"
CHECKPOINT = "REBUILD.json"
GENERATION_PREFIX = "gen-"


@dataclass(frozen=True)
class Location:
    """The live index: its directory and engine."""

    path: Path
    engine: str


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write JSON so that readers see the old file or the new one, never a part (fsync, then rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as out:
        json.dump(data, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def current(root: Path, default_engine: str) -> Location:
    """Where the live index is under root."""
    pointer = read_json(root / POINTER)
    if pointer and isinstance(pointer.get("dir"), str) and pointer.get("engine") in ("whoosh", "tantivy"):
        return Location(root / pointer["dir"], pointer["engine"])
    return Location(root, engine_in(root) or default_engine)


def swap_in(root: Path, directory: Path, engine: str) -> Location:
    """Make directory (under root) the live index, then drop generations older than the one it replaces."""
    previous = current(root, engine)
    write_json_atomically(root / POINTER, {"dir": directory.name, "engine": engine})
    keep = {directory.name, previous.path.name}
    for old in root.glob(f"{GENERATION_PREFIX}*"):
        if old.is_dir() and old.name not in keep and not _building(root, old):
            shutil.rmtree(old, ignore_errors=True)
    if previous.path == root:
        # The index lived in root itself (before the first rebuild): its files go, the generations stay.
        for item in root.iterdir():
            if item.is_file() and item.name not in (POINTER, CHECKPOINT) and not item.name.startswith("."):
                item.unlink(missing_ok=True)
    return Location(directory, engine)


def _building(root: Path, directory: Path) -> bool:
    checkpoint = read_json(root / CHECKPOINT)
    return bool(checkpoint and checkpoint.get("dir") == directory.name)


class IndexOutdated(DanganError):
    """The index on disk was built by an older Dangan: `dangan index rebuild` makes a current one."""

    status_code = 503


class IndexUnwritable(DanganError):
    """The index folder cannot be written (read-only, no permission, full): nothing was committed; what was
    being indexed stays pending for `dangan check --repair` or the next run."""

    status_code = 503


def _writing(folder: Path) -> AbstractContextManager[None]:
    """A read-only or full index folder says so in both languages, naming it, instead of an OSError."""
    return disk_faults(IndexUnwritable, "index", str(folder))


class LiveIndex:
    """The live index of a root directory (a SearchEngine), following the pointer when a rebuild swaps it.

    Every SearchEngine method goes to the engine index the pointer names now (WhooshIndex or TantivyIndex),
    looked up (one stat) on each call; nothing else is forwarded. An index that was swapped out is left
    open, because a search in another thread may still be reading it, and closed with this object.
    """

    def __init__(
        self, root: Path | str, *, default_engine: str = "whoosh", batch_size: int | None = None
    ) -> None:
        self.root = Path(root)
        self.default_engine = default_engine
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._index: SearchEngine | None = None
        self._retired: list[SearchEngine] = []

    @classmethod
    def from_settings(cls, settings: Any) -> LiveIndex:
        return cls(
            settings.index_dir, default_engine=settings.search_engine, batch_size=settings.index_batch_size
        )

    def _pointer_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.root / POINTER).stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_ino

    def current(self) -> SearchEngine:
        """The engine index the pointer names now (opened on first use)."""
        stamp = self._pointer_stamp()
        if self._index is not None and stamp == self._stamp:
            return self._index
        with self._lock:
            if self._index is None or stamp != self._stamp:
                location = current(self.root, self.default_engine)
                try:
                    fresh = make_index(
                        location.engine, location.path, batch_size=self.batch_size
                    ).open_or_create()
                except IndexSchemaMismatch as exc:
                    raise IndexOutdated("search.index_outdated", path=str(location.path)) from exc
                if self._index is not None:
                    self._retired.append(self._index)
                self._index, self._stamp = fresh, stamp
            return self._index

    # ---------------------------------------------------------------- SearchEngine

    @property
    def engine(self) -> str:  # type: ignore[override]
        """The live engine's name."""
        return self.current().engine

    @property
    def path(self) -> Path:  # type: ignore[override]
        """The live index's directory."""
        return self.current().path

    def open_or_create(self) -> LiveIndex:
        """Open the live index now; an outdated one is only logged (searches answer 503 until a rebuild)."""
        try:
            self.current()
        except IndexOutdated as exc:
            log.warning("%s", exc.both())
        return self

    def recreate(self) -> LiveIndex:
        """Empty the live index in place."""
        self.current().recreate()
        return self

    def close(self) -> None:
        with self._lock:
            for index in [*self._retired, self._index]:
                if index is not None:
                    index.close()
            self._retired.clear()
            self._index, self._stamp = None, None

    def prepare(self, doc: IndexDoc) -> tuple[int, dict[str, Any]]:
        return self.current().prepare(doc)

    def add_documents(self, docs: Iterable[IndexDoc], *, fresh: bool = False) -> int:
        with _writing(self.root):
            return self.current().add_documents(docs, fresh=fresh)

    def add_prepared(self, items: Iterable[tuple[int, dict[str, Any]]], *, fresh: bool = False) -> int:
        with _writing(self.root):
            return self.current().add_prepared(items, fresh=fresh)

    def delete_documents(self, ids: Iterable[int], *, merge: bool = True) -> int:
        with _writing(self.root):
            return self.current().delete_documents(ids, merge=merge)

    def optimize(self) -> None:
        with _writing(self.root):
            self.current().optimize()

    def purge_deleted(self, *, ids: Iterable[int], refeed: Refeed) -> PurgeReport:
        with _writing(self.root):
            return self.current().purge_deleted(ids=ids, refeed=refeed)

    def search(
        self,
        node: Node,
        *,
        limit: int = 20,
        offset: int = 0,
        filter_ids: set[int] | None = None,
        scope: Scope | None = None,
        sort: str = "relevance",
        facets: bool = False,
        exclude_ids: set[int] | None = None,
    ) -> SearchResult:
        return self.current().search(
            node,
            limit=limit,
            offset=offset,
            filter_ids=filter_ids,
            scope=scope,
            sort=sort,
            facets=facets,
            exclude_ids=exclude_ids,
        )

    def more_like_this(
        self, document_id: int, *, text: str, title: str = "", scope: Scope | None = None, limit: int = 10
    ) -> SearchResult:
        return self.current().more_like_this(document_id, text=text, title=title, scope=scope, limit=limit)

    def versions(self) -> dict[int, datetime | None]:
        return self.current().versions()

    def doc_ids(self) -> set[int]:
        return self.current().doc_ids()

    def present(self, ids: Iterable[int]) -> set[int]:
        return self.current().present(ids)

    def doc_count(self) -> int:
        return self.current().doc_count()

    def doc_frequency(self, field: str, term: str) -> int:
        return self.current().doc_frequency(field, term)

    def __enter__(self) -> LiveIndex:
        return self.open_or_create()

    def __exit__(self, *exc: object) -> None:
        self.close()
