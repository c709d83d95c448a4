"""Rebuilding the index beside the live one, in chunks, resumable, then swapping it in.

The caller supplies the documents a chunk at a time, in ascending id order (`fetch(after_id, limit)`),
so memory holds one chunk whatever the archive's size. After each chunk is committed the checkpoint
(search.live.CHECKPOINT) records the last id done; a rebuild that was killed starts again from there
when it is run with the same engine. Analysis can run in worker processes (`workers`); one process
writes. Searches keep using the live index until search.live.swap_in replaces the pointer.
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from search.engines import ENGINES, UnknownEngine, make_index
from search.live import CHECKPOINT, GENERATION_PREFIX, Location, read_json, swap_in, write_json_atomically
from search.schema import IndexDoc

Fetch = Callable[[int, int], Sequence[IndexDoc]]


@dataclass(frozen=True)
class RebuildResult:
    """What a rebuild did: documents written (this run and before a resume), where, how long."""

    written: int
    resumed_from: int
    location: Location
    seconds: float
    started_at: datetime


def rebuild(
    root: Path,
    fetch: Fetch,
    *,
    engine: str,
    chunk: int = 1000,
    workers: int = 1,
    on_chunk: Callable[[int], None] | None = None,
) -> RebuildResult:
    """Build a new index of engine under root from fetch, then make it the live one."""
    if engine not in ENGINES:
        raise UnknownEngine("search.index_engine_unknown", engine=engine)
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    state = read_json(root / CHECKPOINT)
    if state and state.get("engine") == engine and (root / str(state.get("dir"))).is_dir():
        directory = root / state["dir"]
        last_id, done = int(state["last_id"]), int(state["done"])
        started_at = datetime.fromisoformat(state["started_at"])
    else:
        if state and state.get("dir"):
            shutil.rmtree(root / str(state["dir"]), ignore_errors=True)  # a rebuild for another engine
        started_at = datetime.now(UTC)
        directory = root / f"{GENERATION_PREFIX}{started_at:%Y%m%dT%H%M%S%f}"
        last_id, done = 0, 0
    resumed_from = done
    index = make_index(engine, directory, batch_size=chunk).open_or_create()
    pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
    try:
        _save(root, directory, engine, last_id, done, started_at)
        # The new directory holds none of the ids, except the chunk after a resume: it may have been
        # committed just before the kill that kept the checkpoint from recording it.
        fresh = resumed_from == 0
        while docs := fetch(last_id, chunk):
            if pool is not None:
                index.add_prepared(pool.imap(index.prepare, docs, chunksize=32), fresh=fresh)
            else:
                index.add_documents(docs, fresh=fresh)
            fresh = True
            last_id = max(doc.document_id for doc in docs)
            done += len(docs)
            _save(root, directory, engine, last_id, done, started_at)
            if on_chunk is not None:
                on_chunk(len(docs))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        index.close()
    location = swap_in(root, directory, engine)
    (root / CHECKPOINT).unlink(missing_ok=True)
    return RebuildResult(done, resumed_from, location, time.perf_counter() - started, started_at)


def pending(root: Path) -> dict[str, Any] | None:
    """The checkpoint of an unfinished rebuild, if any."""
    return read_json(root / CHECKPOINT)


def _save(root: Path, directory: Path, engine: str, last_id: int, done: int, started_at: datetime) -> None:
    write_json_atomically(
        root / CHECKPOINT,
        {
            "dir": directory.name,
            "engine": engine,
            "last_id": last_id,
            "done": done,
            "started_at": started_at.isoformat(),
        },
    )
