"""How this application starts worker processes: from a fork server with the ingest modules loaded.

Not fork: the parent holds threads, database connections and pdfium state. Not spawn: every spawned
worker imports the application afresh (~1 s of CPU each), which on a short batch cost more than the
work it took over. The fork server is started once, imports these modules once, and forks each worker
from that clean, single-threaded state.
"""

from __future__ import annotations

from multiprocessing import get_context
from multiprocessing.context import BaseContext

PRELOAD = ["__main__", "ingest.process", "ingest.ocr.page", "ingest.textlayer"]


def worker_context() -> BaseContext:
    """The multiprocessing context for pools and worker processes."""
    context = get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # no effect once the server runs; it is the same list
    return context
