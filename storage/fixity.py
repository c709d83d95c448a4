"""Fixity (FIX-3, FIX-4): re-hash stored objects, keep each one's last check, quarantine what failed.

An object's key names its SHA-256, so its expected hash needs no lookup. A check reads the object whole and
compares: passed, changed (with the hash actually read) or missing. A changed or missing object is
quarantined (object_check.quarantined_at): reads refuse it, saying so, until a copy that verifies replaces
it (`repair`). Which objects a nightly slice takes: those never checked, then the longest unchecked, enough
that every object is checked within DANGAN_FIXITY_CYCLE_DAYS.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.errors import Conflict
from storage.base import CHUNK_SIZE, ObjectStore, hash_file, parse_key
from storage.filesystem import FilesystemStore
from storage.models import ObjectCheck


class ObjectQuarantined(Conflict):
    """A read of an object that failed its fixity check: refused rather than serving bad bytes."""


@dataclass(frozen=True)
class Finding:
    """One object's check: passed, changed (expected vs actual SHA-256) or missing."""

    key: str
    result: str
    expected: str
    actual: str | None = None
    size: int | None = None


class Throttle:
    """Keeps a reader at or below a rate (bytes per second); 0 means no limit."""

    def __init__(self, mb_per_second: float) -> None:
        self.rate = mb_per_second * 1_000_000
        self.started = time.monotonic()
        self.read = 0

    def take(self, n: int) -> None:
        if not self.rate:
            return
        self.read += n
        ahead = self.read / self.rate - (time.monotonic() - self.started)
        if ahead > 0:
            time.sleep(ahead)


def check_object(store: ObjectStore, key: str, throttle: Throttle | None = None) -> Finding:
    """Re-hash one object against the hash its key names."""
    expected = parse_key(key)[1]
    try:
        if isinstance(store, FilesystemStore) and throttle is None:
            # A file is hashed straight from the disk: as fast as sha256sum.
            actual, size = hash_file(store.root / key)
        else:
            digest, size = hashlib.sha256(), 0
            with store.open(key) as stream:
                while chunk := stream.read(CHUNK_SIZE):
                    digest.update(chunk)
                    size += len(chunk)
                    if throttle is not None:
                        throttle.take(len(chunk))
            actual = digest.hexdigest()
    except FileNotFoundError:
        return Finding(key, "missing", expected)
    if actual != expected:
        return Finding(key, "changed", expected, actual, size)
    return Finding(key, "passed", expected, actual, size)


def record_many(session: Session, findings: list[Finding]) -> list[bool]:
    """Keep many findings (one query for their rows); for each, whether it is newly quarantined."""
    at = utcnow()
    rows = {
        r.key: r
        for r in session.scalars(select(ObjectCheck).where(ObjectCheck.key.in_([f.key for f in findings])))
    }
    return [record(session, f, at=at, row=rows.get(f.key))[0] for f in findings]


def record(
    session: Session, finding: Finding, *, at: datetime | None = None, row: ObjectCheck | None = None
) -> tuple[bool, bool]:
    """Keep a finding as the object's last check; (newly quarantined, released from quarantine)."""
    at = at or utcnow()
    row = row or session.get(ObjectCheck, finding.key)
    if row is None:
        row = ObjectCheck(key=finding.key)
        session.add(row)
    was = row.quarantined_at is not None
    row.checked_at, row.result, row.size = at, finding.result, finding.size
    row.actual_sha256 = finding.actual if finding.result == "changed" else None
    if finding.result == "passed":
        row.quarantined_at = None
        return False, was
    if not was:
        row.quarantined_at = at
    return not was, False


def due_for_check(session: Session, keys: Iterable[str], *, cycle_days: int, now: datetime) -> list[str]:
    """Tonight's slice: never-checked keys first, then the longest unchecked; 1/cycle of all, or more when
    some were last checked longer than a cycle ago (then those and every never-checked one)."""
    keys = list(keys)
    last = {k: at for k, at in session.execute(select(ObjectCheck.key, ObjectCheck.checked_at))}
    order = sorted(keys, key=lambda k: (k in last, last.get(k) or now))
    # Never-checked objects go first but count against the share: a new archive's first nights are slices too.
    overdue = sum(1 for k in keys if k in last and last[k] <= now - timedelta(days=cycle_days))
    overdue += sum(1 for k in keys if k not in last) if overdue else 0
    share = math.ceil(len(keys) / cycle_days) if keys else 0
    return order[: max(share, overdue)]


def quarantined(session: Session, keys: Iterable[str] | None = None) -> list[ObjectCheck]:
    """Objects in quarantine (of these keys, or all), oldest first."""
    query = select(ObjectCheck).where(ObjectCheck.quarantined_at.is_not(None))
    if keys is not None:
        query = query.where(ObjectCheck.key.in_(list(keys)))
    return list(session.scalars(query.order_by(ObjectCheck.quarantined_at, ObjectCheck.key)))


def refuse_if_quarantined(session: Session, key: str) -> None:
    """Raise ObjectQuarantined when the object failed its last check (reads never serve bad bytes)."""
    row = session.get(ObjectCheck, key)
    if row is not None and row.quarantined_at is not None:
        code = "storage.quarantined_missing" if row.result == "missing" else "storage.quarantined"
        raise ObjectQuarantined(code, sha=parse_key(key)[1][:12])


def mark_repaired(session: Session, key: str, *, source: str, at: datetime | None = None) -> None:
    """A verified copy replaced the object: out of quarantine, passed, with where it came from."""
    at = at or utcnow()
    row = session.get(ObjectCheck, key) or ObjectCheck(key=key)
    session.add(row)
    row.checked_at, row.result, row.actual_sha256 = at, "passed", None
    row.quarantined_at, row.repaired_at, row.repaired_from = None, at, source[:300]
