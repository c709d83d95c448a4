"""BENCHMARKS.md writer: each benchmark owns a section between markers and replaces it on every run."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPORT = REPO_ROOT / "BENCHMARKS.md"
_HEADER = (
    "# Benchmarks\n\n"
    "Figures written by the scripts in `bench/`. Each section is replaced whole when its benchmark runs;\n"
    "edit outside the `<!-- bench:... -->` markers only.\n"
)


def cores() -> int:
    """Cores this process may run on (its CPU affinity), which is what every benchmark uses."""
    return len(os.sched_getaffinity(0))


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or platform's guess)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def tool_version(*cmd: str) -> str:
    """First line a tool prints for its version, or 'missing'."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def machine() -> str:
    """One line describing the machine: cores, CPU, memory, OS, Python."""
    mem = psutil.virtual_memory().total / 2**30
    return (
        f"{cores()} cores (of {os.cpu_count()}) · {cpu_model()} · {mem:.1f} GiB RAM · "
        f"{platform.system()} {platform.release()} · Python {platform.python_version()}"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""

    def cell(v: object) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(map(cell, headers)) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def markers(name: str) -> tuple[str, str]:
    """The opening and closing markers of a section."""
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def replace_section(document: str, name: str, body: str) -> str:
    """Return document with section name's content replaced by body (appended if absent)."""
    start, end = markers(name)
    block = f"{start}\n{body.strip()}\n{end}"
    i = document.find(start)
    j = document.find(end, i + len(start)) if i >= 0 else -1
    if i >= 0 and j >= 0:
        return document[:i] + block + document[j + len(end) :]
    return document.rstrip("\n") + "\n\n" + block + "\n"


def write_section(name: str, body: str, path: Path = DEFAULT_REPORT) -> Path:
    """Replace (or add) section name of the report at path, atomically."""
    current = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(replace_section(current, name, body), encoding="utf-8")
    tmp.replace(path)
    return path
