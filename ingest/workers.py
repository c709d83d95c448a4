"""How this application starts worker processes: from a fork server with the ingest modules loaded.

Not fork: the parent holds threads, database connections and pdfium state. Not spawn: every spawned
worker imports the application afresh (~1 s of CPU each), which on a short batch cost more than the
work it took over. The fork server is started once, imports these modules once, and forks each worker
from that clean, single-threaded state.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
from multiprocessing import get_context
from multiprocessing.context import BaseContext

import psutil

PRELOAD = ["__main__", "ingest.process", "ingest.ocr.page", "ingest.textlayer"]


def worker_context() -> BaseContext:
    """The multiprocessing context for pools and worker processes."""
    context = get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # no effect once the server runs; it is the same list
    return context


def die_with(pid: int) -> None:
    """End this worker, and whatever it started (tesseract), as soon as process pid ends.

    Called first in every worker of a pool. A worker's parent is the fork server, and the fork server lives
    as long as any worker holds its liveness pipe, which every worker does: without this, a killed
    `dangan ingest` or server left its fork server, OCR workers and tesseract running for good.
    """
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux ≥ 5.3: look every second instead
        handle = None

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while psutil.pid_exists(pid):
                time.sleep(1.0)
        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
        os._exit(1)

    threading.Thread(target=watch, name=f"die-with-{pid}", daemon=True).start()
