"""Leftovers of a process that died mid-work: temporary files and work folders no one will finish."""

from __future__ import annotations

import logging
import shutil
import time
from datetime import timedelta

from core.settings import Settings
from storage.filesystem import INCOMING

log = logging.getLogger(__name__)

# Older than any capture or OCR run still going on (a work folder's mtime moves as page files land in it).
STALE_AFTER = timedelta(hours=12)


def sweep_leftovers(settings: Settings, *, older_than: timedelta = STALE_AFTER) -> int:
    """Remove stale temporary files (objects/.incoming) and work folders (tmp/); how many were removed.

    An object becomes visible only when its temporary file is linked under its key, and a document row
    is written only after that, so removing a stale temporary file never loses a stored record.
    """
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for folder in (settings.objects_dir / INCOMING, settings.home / "tmp"):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            try:
                if entry.lstat().st_mtime >= cutoff:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except FileNotFoundError:
                continue  # its owner finished it just now
            except OSError as error:
                log.warning("could not remove stale %s: %s", entry, error)
                continue
            removed += 1
    if removed:
        log.info("removed %d stale temporary files and work folders", removed)
    return removed
