"""The backup place's layout and what a backup knows of it (workflows.backup writes it, backup_verify and
restore read it): its folders, its generations, the manifests, which copies it can be trusted to hold, the
destruction registers kept beside all generations, and the rotation of old generations."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import reading
from records.models import Derivative, Document
from retention.models import RegisterFile
from storage.base import KIND_PREFIXES
from storage.retrying import retrying
from storage.targets import BackupTarget
from workflows.runtime import Runtime

OBJECTS, GENERATIONS, REGISTERS, COMPLETE = "objects", "generations", "registers", "COMPLETE"
GONE = ("destroying", "destroyed")  # records whose objects are (being) removed


def sha_bytes(data: bytes) -> str:
    """SHA-256 of bytes, hex."""
    return hashlib.sha256(data).hexdigest()


def named_objects(session: Session) -> set[str]:
    """Every object key a record names: originals of records not destroyed, derivatives, register files
    (with the audit checkpoints under their own prefix, all the archive keeps; anything else is a stray)."""
    keys = set(session.scalars(select(Document.object_key).where(Document.state.not_in(GONE))))
    keys |= set(session.scalars(select(Derivative.object_key)))
    keys |= set(session.scalars(select(RegisterFile.object_key)))
    return keys


def write_register(
    target: BackupTarget,
    batch: dict[str, Any],
    *,
    budget: float,
    have: dict[str, int] | None = None,
    scratch: Path | None = None,
) -> str:
    """Write one destroyed batch's register (retention.residuals.destroyed_batch) to registers/ at a backup
    place, unless the same (by size: a register only grows, when its PDF and CSV are made) is there; its path."""
    path = f"{REGISTERS}/batch-{batch['batch']['id']}.json"
    body = json.dumps(batch, ensure_ascii=False, sort_keys=True).encode()
    if have is None or have.get(path) != len(body):
        retrying(lambda: target.put_bytes(path, body, scratch), seconds=budget, what=path)
    return path


def read_manifest(
    target: BackupTarget, generation: str, name: str, *, budget: float
) -> list[tuple[str, str]]:
    """(first column, path) of each line of a manifest file of a generation."""
    text = retrying(
        lambda: target.read_bytes(f"{GENERATIONS}/{generation}/{name}"), seconds=budget, what=name
    ).decode("utf-8")
    return [tuple(line.split("  ", 1)) for line in text.splitlines() if "  " in line]  # type: ignore[misc]


def trusted_copies(target: BackupTarget, *, budget: float) -> dict[str, int] | None:
    """Path → size of every copy the newest complete generation names, or None when it cannot be trusted
    (no complete generation, an unfinished run after it, or a sizes.txt its tag manifest did not seal): the
    backup place must then be listed. Copies are named by their hash and were hashed on the way in, so what
    a complete generation names is there, whole; `backup verify` re-reads it all, `--recheck` lists again."""
    complete, unfinished = retrying(lambda: generations(target), seconds=budget, what="generations")
    if not complete or any(name > complete[-1] for name in unfinished):
        return None
    newest = complete[-1]
    raw = retrying(lambda: target.read_bytes(f"{GENERATIONS}/{newest}/sizes.txt"), seconds=budget,
                   what="sizes.txt")  # fmt: skip
    sealed = {path: digest for digest, path in read_manifest(target, newest, "tagmanifest-sha256.txt",
                                                              budget=budget)}  # fmt: skip
    if sealed.get("sizes.txt") != sha_bytes(raw):
        return None
    rows = (line.split("  ", 1) for line in raw.decode("utf-8").splitlines() if "  " in line)
    return {path: int(size) for size, path in rows}


def listings(
    runtime: Runtime, target: BackupTarget, *, recheck: bool, budget: float
) -> tuple[dict[str, int | None], dict[str, int]]:
    """(key → size of every stored object, None when not yet known; path → size of the copies held).

    Incremental: the copies held are those the last complete generation names, and the archive's objects are
    those its records name (read after the database dump, so a superset of what the dump names, less what a
    destruction removed meanwhile) and its audit checkpoints; only keys that generation lacks are read (and
    sized) by the copy — neither side's objects are listed. Otherwise (the first backup, after an interrupted
    one, or --recheck) both sides are listed with their sizes, strays included."""
    trusted = None if recheck else trusted_copies(target, budget=budget)
    if trusted is None:
        have = retrying(lambda: target.list(f"{OBJECTS}/"), seconds=budget, what="list backup")
        stored = retrying(lambda: {o.key: o.size for o in runtime.store.list()}, seconds=budget,
                          what="list objects")  # fmt: skip
        return dict(stored), have
    with reading(runtime.factory) as session:
        keys = named_objects(session)
    checkpoints = f"{KIND_PREFIXES['checkpoint']}/"
    keys |= set(
        retrying(lambda: list(runtime.store.keys(checkpoints)), seconds=budget, what="list checkpoints")
    )
    return {key: trusted.get(f"{OBJECTS}/{key}") for key in keys}, trusted


def generations(target: BackupTarget) -> tuple[list[str], list[str]]:
    """(complete, unfinished) generation names at a backup place, oldest first."""
    names: dict[str, bool] = {}
    for path in target.list(f"{GENERATIONS}/"):
        parts = path.split("/")
        if len(parts) >= 3:
            names[parts[1]] = names.get(parts[1], False) or parts[2] == COMPLETE
    complete = sorted(n for n, ok in names.items() if ok)
    return complete, sorted(n for n, ok in names.items() if not ok)


def rotate(target: BackupTarget, keep: int, *, budget: float) -> tuple[list[str], int]:
    """Drop all but the newest `keep` complete generations (and unfinished older ones), then the objects no
    kept generation names; (generations removed, objects removed)."""
    complete, unfinished = retrying(lambda: generations(target), seconds=budget, what="generations")
    kept = complete[-keep:]
    newest = kept[-1] if kept else ""
    drop = [g for g in complete if g not in kept] + [g for g in unfinished if g < newest]
    for name in drop:
        # COMPLETE goes first: a generation half-removed is never taken for a whole one.
        retrying(lambda n=name: target.delete(f"{GENERATIONS}/{n}/{COMPLETE}"), seconds=budget, what=name)
        for path in retrying(lambda n=name: target.list(f"{GENERATIONS}/{n}/"), seconds=budget, what=name):
            retrying(lambda p=path: target.delete(p), seconds=budget, what=path)
    if not drop:
        return [], 0
    named: set[str] = set()
    for name in kept:
        named.update(
            path for _digest, path in read_manifest(target, name, "manifest-sha256.txt", budget=budget)
        )
    pruned = 0
    for path in retrying(lambda: target.list(f"{OBJECTS}/"), seconds=budget, what="objects"):
        if path not in named:
            retrying(lambda p=path: target.delete(p), seconds=budget, what=path)
            pruned += 1
    return drop, pruned
