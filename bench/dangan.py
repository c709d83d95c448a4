"""Driving the `dangan` CLI as a user would, with the process tree's memory sampled."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.report import REPO_ROOT


class DanganError(RuntimeError):
    """The dangan CLI is missing or failed; the message says which and why."""


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*")


def reason(stderr: str) -> str:
    """The most telling line of a failed command's stderr: the last exception line, else the last line."""
    lines = [line.strip(" │\t") for line in stderr.splitlines()]
    lines = [
        line for line in lines if line and not line.startswith(("(Background on this error", "[parameters"))
    ]
    for i in range(len(lines) - 1, -1, -1):
        if _EXCEPTION_LINE.match(lines[i]):
            # Rich wraps long exception messages onto the following lines.
            return " ".join(lines[i:])[:300]
    return lines[-1][:300] if lines else "no output"


def find_dangan(explicit: str | None = None) -> Path:
    """The dangan executable: explicit, else the repo's .venv, else PATH; checked with --help."""
    candidates = (
        [explicit] if explicit else [str(REPO_ROOT / ".venv" / "bin" / "dangan"), shutil.which("dangan")]
    )
    for candidate in filter(None, candidates):
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            exe = Path(candidate)
            break
    else:
        where = explicit if explicit else ".venv/bin/dangan and on PATH; pass --dangan PATH"
        raise DanganError(f"dangan CLI not found (looked for {where})")
    try:
        done = subprocess.run(
            [str(exe), "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DanganError(f"{exe} --help did not answer within 120 s") from exc
    if done.returncode != 0:
        raise DanganError(
            f"{exe} --help failed (exit {done.returncode}): {reason(done.stderr or done.stdout)}"
        )
    return exe


@dataclass
class Memory:
    """Peak resident memory of a process tree: sampled sum of RSS, and the largest member's own peak (VmHWM)."""

    peak_tree_bytes: int = 0
    max_single_bytes: int = 0
    samples: int = 0


@dataclass
class Completed:
    """Outcome of one CLI call."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    memory: Memory = field(default_factory=Memory)

    def json_lines(self) -> list[dict[str, Any]]:
        """The JSON objects printed one per line (other lines are ignored)."""
        out = []
        for line in self.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return out


def _high_water(pid: int) -> int:
    """VmHWM of a process in bytes: its own peak RSS since its last exec (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _sample_tree(root: psutil.Process, memory: Memory) -> None:
    """Add one sample of the tree's summed RSS and of each member's peak RSS to memory."""
    try:
        members = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        memory.max_single_bytes = max(memory.max_single_bytes, _high_water(member.pid))
    memory.peak_tree_bytes = max(memory.peak_tree_bytes, total)
    memory.samples += 1


class Dangan:
    """One DANGAN_HOME driven through the CLI; other DANGAN_* variables are cleared for a clean default setup."""

    def __init__(self, exe: Path, home: Path, workers: int) -> None:
        self.exe, self.home = exe, home
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DANGAN_")}
        self.env.update(DANGAN_HOME=str(home), DANGAN_OCR_WORKERS=str(workers))

    def run(
        self, *args: str, sample_interval: float | None = None, timeout: float | None = None
    ) -> Completed:
        """Run `dangan ARGS`; with sample_interval, sample the process tree's RSS that often."""
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(self.exe), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=self.env,
        )
        out: dict[str, bytes] = {}
        readers = [
            threading.Thread(target=lambda n=n, s=s: out.__setitem__(n, s.read()), daemon=True)
            for n, s in (("stdout", proc.stdout), ("stderr", proc.stderr))
        ]
        memory, done = Memory(), threading.Event()

        def sample() -> None:
            try:
                ps = psutil.Process(proc.pid)
            except psutil.NoSuchProcess:
                return
            while not done.is_set():
                _sample_tree(ps, memory)
                done.wait(sample_interval)

        sampler = threading.Thread(target=sample, daemon=True) if sample_interval else None
        for t in [*readers, *([sampler] if sampler else [])]:
            t.start()
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        # Not wait4's ru_maxrss: Linux carries the forking parent's (this benchmark's) peak over into it.
        proc.wait()
        seconds = time.perf_counter() - started
        done.set()
        if timer:
            timer.cancel()
        for t in [*readers, *([sampler] if sampler else [])]:
            t.join()
        return Completed(
            proc.returncode,
            out.get("stdout", b"").decode("utf-8", "replace"),
            out.get("stderr", b"").decode("utf-8", "replace"),
            seconds,
            memory,
        )

    def checked(self, *args: str, **kwargs: Any) -> Completed:
        """Run and raise DanganError with the telling stderr line if it exits non-zero."""
        done = self.run(*args, **kwargs)
        if done.returncode != 0:
            raise DanganError(f"dangan {' '.join(args[:2])} exited {done.returncode}: {reason(done.stderr)}")
        return done

    def init(self) -> None:
        """`dangan init` on the fresh home (not timed)."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.checked("init", timeout=600)

    def ingest(
        self, *paths: Path, sample_interval: float | None = None
    ) -> tuple[list[dict[str, Any]], Completed]:
        """`dangan ingest PATHS --json`: the per-file results and the completed run."""
        done = self.checked("ingest", *map(str, paths), "--json", sample_interval=sample_interval)
        return done.json_lines(), done

    def show(self, document_id: object) -> dict[str, Any]:
        """The stored pages of a document, read from the archive's database.

        Not `dangan show`: that is a permission-checked, audited read, and a fresh archive's documents are
        department- or company-level, readable by nobody until files are assigned. The benchmark owns
        this data directory and measures what was stored, so it reads the rows directly.
        """
        from sqlalchemy import select

        from core.db import make_engine
        from core.settings import Settings
        from records.models import Page

        engine = make_engine(Settings(home=self.home, _env_file=None))
        try:
            with engine.connect() as conn:
                query = select(Page.text, Page.method).where(Page.document_id == int(str(document_id)))
                rows = conn.execute(query.order_by(Page.number)).all()
        finally:
            engine.dispose()
        return {"pages": [{"text": text, "method": method} for text, method in rows]}
