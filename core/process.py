"""Which process this is, and whether another one still runs: how unfinished work finds out it was orphaned.

An identity is host, process id and the process's start time, so a process id the system reused for another
program never passes for the old one. On this host a process's life is looked up; another host's processes
can only be judged by their heartbeat (DANGAN_PROCESSING_LEASE).
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from functools import cache

import psutil

from core.db import utcnow


@cache
def _host() -> str:
    return socket.gethostname()[:60]


def identity() -> str:
    """This process, as `host:pid:start`."""
    pid = os.getpid()
    return f"{_host()}:{pid}:{_started(pid)}"


def _started(pid: int) -> int:
    try:
        return int(psutil.Process(pid).create_time() * 100)
    except psutil.Error:
        return 0


def gone(claimed_by: str | None, heartbeat_at: datetime | None, *, lease: timedelta) -> bool:
    """Whether the process that claimed a piece of work has stopped without finishing it."""
    if not claimed_by:
        return True
    host, _, rest = claimed_by.partition(":")
    pid_text, _, started = rest.partition(":")
    if host == _host() and pid_text.isdigit():
        pid = int(pid_text)
        return not psutil.pid_exists(pid) or str(_started(pid)) != started
    return heartbeat_at is None or utcnow() - heartbeat_at > lease
