"""Where a batch's index commits run: in this process, or in an indexing process of their own.

Adding postings is pure Python and holds the GIL; in the process that also captures and reads files it
took ~40% of a text-PDF batch and left the second core idle. A large batch therefore hands its commits to
one spawned process with its own runtime (the index still has a single writer: that process).
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from core.settings import Settings
from ingest.workers import die_with, worker_context
from workflows.filing import file_and_index
from workflows.runtime import Runtime

# Below this many files, starting a process (~1 s of imports) costs more than it saves.
OWN_PROCESS_MIN_FILES = 32

log = logging.getLogger(__name__)
_child: Runtime | None = None


class Indexer:
    """Index commits in submission order, one at a time; each returns how many documents it indexed."""

    def __init__(self, runtime: Runtime, *, own_process: bool) -> None:
        self.runtime = runtime
        self.own_process = own_process
        self.executor: Executor
        if own_process:
            self.executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=worker_context(),
                initializer=_start_child,
                initargs=(runtime.settings, os.getpid()),
            )
        else:
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index")

    def submit(self, ids: list[int]) -> Future[int]:
        """Index these documents (those filed among them) in one commit."""
        if self.own_process:
            try:
                return self.executor.submit(_index_in_child, ids)
            except BrokenProcessPool:
                # The indexing process died (killed, out of memory): go on in this process.
                log.exception("indexing process lost; indexing in this process")
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.own_process = False
                self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index")
        return self.executor.submit(file_and_index, self.runtime, ids)

    def close(self) -> None:
        """Wait for the commits submitted, then stop."""
        self.executor.shutdown(wait=True)


def _start_child(settings: Settings, main_pid: int) -> None:
    global _child
    die_with(main_pid)
    _child = Runtime(settings)


def _index_in_child(ids: list[int]) -> int:
    assert _child is not None, "the indexing process was not initialised"
    return file_and_index(_child, ids)
