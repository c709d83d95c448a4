"""Holding SQLite's write lock from outside, as another process's writer would, to show what waits for it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def while_sqlite_is_locked(path: Path) -> Iterator[ThreadPoolExecutor]:
    """Hold the write lock of the database at path (BEGIN IMMEDIATE on a connection of its own) for the block;
    calls submitted to the yielded pool run meanwhile, and those that need the lock finish after it."""
    holder = sqlite3.connect(path, isolation_level=None, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    pool = ThreadPoolExecutor(2)
    try:
        yield pool
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        pool.shutdown(wait=True)
