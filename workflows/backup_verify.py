"""`dangan backup verify DEST`: a generation is complete and every byte still what the manifest says.

Every tag file (database, settings, registers, key ring, manifests) is hashed against tagmanifest-sha256.txt;
every object the manifest names must be there, with its size, and hash to its SHA-256.
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from core.errors import NotFound
from storage.base import CHUNK_SIZE
from storage.retrying import retrying
from storage.targets import BackupTarget
from workflows.backup_place import COMPLETE, GENERATIONS, OBJECTS, generations, read_manifest

WORKERS = 8


@dataclass
class VerifyReport:
    """What verify found in one generation."""

    target: str
    generation: str
    objects: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)
    wrong_size: list[str] = field(default_factory=list)
    corrupt: list[dict] = field(default_factory=list)  # path, expected, actual
    tag_problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.wrong_size or self.corrupt or self.tag_problems)

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}


def pick_generation(target: BackupTarget, generation: str | None, *, budget: float) -> str:
    """The named complete generation, or the newest; NotFound (bilingual) when there is none."""
    complete, _ = retrying(lambda: generations(target), seconds=budget, what="generations")
    if generation is None and complete:
        return complete[-1]
    if generation in complete:
        return generation
    raise NotFound("backup.no_generation", target=target.description, generation=generation or "")


def hash_path(target: BackupTarget, path: str) -> tuple[str, int]:
    """SHA-256 and size of a file at the backup place, streamed."""
    digest, size = hashlib.sha256(), 0
    with target.open(path) as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def verify_backup(
    target: BackupTarget, *, generation: str | None = None, budget: float = 120
) -> VerifyReport:
    """Check a generation (default the newest complete one): completeness and every hash."""
    started = time.monotonic()
    name = pick_generation(target, generation, budget=budget)
    report = VerifyReport(target.description, name)
    base = f"{GENERATIONS}/{name}"
    for digest, tag in read_manifest(target, name, "tagmanifest-sha256.txt", budget=budget):
        try:
            actual = retrying(lambda t=tag: hash_path(target, f"{base}/{t}"), seconds=budget, what=tag)[0]
        except FileNotFoundError:
            report.tag_problems.append(f"{tag}: missing")
            continue
        if actual != digest:
            report.tag_problems.append(f"{tag}: {digest} != {actual}")
    expected = dict((p, s) for s, p in read_manifest(target, name, "sizes.txt", budget=budget))
    hashes = {p: d for d, p in read_manifest(target, name, "manifest-sha256.txt", budget=budget)}
    present = retrying(lambda: target.list(f"{OBJECTS}/"), seconds=budget, what="objects")
    report.objects = len(hashes)
    todo = []
    for path, digest in sorted(hashes.items()):
        if path not in present:
            report.missing.append(path)
        elif str(present[path]) != expected.get(path):
            report.wrong_size.append(path)
        else:
            todo.append((path, digest))

    def check(item: tuple[str, str]) -> tuple[str, str, str, int]:
        path, digest = item
        actual, size = retrying(lambda: hash_path(target, path), seconds=budget, what=path)
        return path, digest, actual, size

    with ThreadPoolExecutor(WORKERS) as pool:
        for path, digest, actual, size in pool.map(check, todo):
            report.bytes += size
            if actual != digest:
                report.corrupt.append({"path": path, "expected": digest, "actual": actual})
    if f"{base}/{COMPLETE}" not in retrying(lambda: target.list(f"{base}/"), seconds=budget, what=name):
        report.tag_problems.append(f"{COMPLETE}: missing")
    report.seconds = time.monotonic() - started
    return report
