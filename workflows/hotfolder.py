"""The hot folder: scanners drop files in; each is taken once it stops growing (`dangan watch`)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from workflows.capture import FileResult, ingest_files
from workflows.runtime import Runtime

SKIP = {"done", "rejected"}


class HotFolder:
    """Polls a folder; a file whose size and mtime held still over one interval is ingested."""

    def __init__(self, runtime: Runtime, folder: Path, *, actor: str, interval: float = 2.0) -> None:
        self.runtime = runtime
        self.folder = folder
        self.actor = actor
        self.interval = interval
        self.done = folder / "done"
        self.rejected = folder / "rejected"
        self._seen: dict[Path, tuple[int, int]] = {}

    def candidates(self) -> list[Path]:
        """Files that have not changed since the previous scan."""
        stable, current = [], {}
        for path in sorted(self.folder.rglob("*")):
            rel = path.relative_to(self.folder)
            if rel.parts[0] in SKIP or any(p.startswith(".") for p in rel.parts) or not path.is_file():
                continue
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            current[path] = (st.st_size, st.st_mtime_ns)
            if self._seen.get(path) == current[path]:
                stable.append(path)
        self._seen = current
        return stable

    def take(self, files: list[Path]) -> list[FileResult]:
        """Ingest stable files and move each to done/ or rejected/ (with a .reason.txt)."""
        results: list[FileResult] = []
        ingest_files(self.runtime, files, actor=self.actor, source="watch", on_result=results.append)
        for result in results:
            self._move(Path(result.file), result)
            self._seen.pop(Path(result.file), None)
        return results

    def _move(self, path: Path, result: FileResult) -> None:
        target_root = self.done if result.status in ("ingested", "resumed", "duplicate") else self.rejected
        target = _free_name(target_root / path.relative_to(self.folder))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), target)
        if target_root is self.rejected:
            reason = result.reason or result.status
            if result.document_id:
                reason += f"\n(document {result.document_id})"
            target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")

    def run(self, *, once: bool = False, log: Callable[[str], None] = print) -> None:
        """Scan until interrupted (or, with once, until nothing more is waiting)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.candidates()
        while True:
            time.sleep(self.interval)
            ready = self.candidates()
            if ready:
                for result in self.take(ready):
                    log(f"{result.status:9} {result.file} {result.reason or ''}")
            elif once and not self._seen:
                return


def _free_name(path: Path) -> Path:
    """path, or path with a counter if something already stands there."""
    if not path.exists():
        return path
    for n in range(1, 10_000):
        candidate = path.with_name(f"{path.stem}.{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(path)
