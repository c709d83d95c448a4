"""Retrying an object store that stopped answering: backoff, a budget of time, then a clear failure.

Backup, restore and fixity run for hours over thousands of objects; a store restarted in the middle should
cost a pause, not the run. Each object's step is retried as a whole (it is idempotent: put-if-absent,
atomic renames), waiting 0.5 s, 1 s, 2 s… (at most 10 s) until DANGAN_STORAGE_RETRY_SECONDS have gone by.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from core.errors import StorageUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)
FIRST_WAIT, LONGEST_WAIT = 0.5, 10.0


def retrying(
    step: Callable[[], T],
    *,
    seconds: float,
    what: str = "",
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[float, Exception], None] | None = None,
) -> T:
    """step(), retried while the store is unavailable, for up to `seconds`; then StorageUnavailable."""
    deadline = time.monotonic() + seconds
    wait = FIRST_WAIT
    while True:
        try:
            return step()
        except (StorageUnavailable, ConnectionError) as exc:
            if time.monotonic() + wait > deadline:
                raise
            log.warning("store unavailable (%s), retrying in %.1f s: %s", what, wait, exc)
            if on_wait is not None:
                on_wait(wait, exc)
            sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)
