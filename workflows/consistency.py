"""What `dangan check` compares beyond the index: the database against the object store, and numbering.

- every record's objects (original, derivatives) and every register file exist, with the size the
  database holds (a destroyed record has none left, and none is looked for);
- no object lies in the store that no record names, once older than DANGAN_ORPHAN_GRACE_HOURS (younger ones
  may belong to a capture in progress; audit checkpoints are named by the trail, not by a row);
- archive numbers run on without gaps within each series (CLS-2): item 1 … the series' last item, each used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import ArchiveSeries, Derivative, Document
from records.numbering import pattern_regex, series_key
from retention.models import RegisterFile
from storage.base import KIND_PREFIXES, ObjectInfo

GONE = ("destroying", "destroyed")
MOST_NAMED = 200  # a report names at most this many of each kind of problem


@dataclass(frozen=True)
class ObjectProblem:
    """A stored object the database names that is absent or of another size."""

    document_id: int | None
    key: str
    problem: str  # missing | wrong_size
    expected_size: int
    actual_size: int | None = None

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class NumberGap:
    """Item numbers of an archive series with no record."""

    series: str
    missing: list[int]

    def as_json(self) -> dict:
        return asdict(self)


def named_objects(session: Session) -> list[tuple[int | None, str, int]]:
    """(document id, key, size) of every object a row names."""
    rows: list[tuple[int | None, str, int]] = [
        (d, k, s)
        for d, k, s in session.execute(
            select(Document.id, Document.object_key, Document.size).where(Document.state.not_in(GONE))
        )
    ]
    rows += [
        tuple(r)
        for r in session.execute(select(Derivative.document_id, Derivative.object_key, Derivative.size))
    ]
    rows += [(None, k, s) for k, s in session.execute(select(RegisterFile.object_key, RegisterFile.size))]
    return rows


def object_problems(session: Session, listing: dict[str, ObjectInfo]) -> list[ObjectProblem]:
    """Objects the database names that the store lacks or holds with another size."""
    problems = []
    for document_id, key, size in named_objects(session):
        found = listing.get(key)
        if found is None:
            problems.append(ObjectProblem(document_id, key, "missing", size))
        elif found.size != size:
            problems.append(ObjectProblem(document_id, key, "wrong_size", size, found.size))
    return problems


def orphan_objects(session: Session, listing: dict[str, ObjectInfo], *, older_than: datetime) -> list[str]:
    """Stored originals, derivatives and registers no row names, older than the grace period."""
    named = {key for _d, key, _s in named_objects(session)}
    # A destroyed record's original is gone; one still there is an orphan like any other.
    checkpoints = KIND_PREFIXES["checkpoint"] + "/"
    return sorted(
        k
        for k, o in listing.items()
        if k not in named and not k.startswith(checkpoints) and o.modified < older_than
    )


def number_gaps(session: Session, pattern: str) -> list[NumberGap]:
    """Each series' item numbers from 1 to its last that no record holds (numbers read from archive_no)."""
    regex = pattern_regex(pattern)
    used: dict[str, set[int]] = {}
    for value in session.scalars(select(Document.archive_no).where(Document.archive_no.is_not(None))):
        match = regex.match(value or "")
        if match is None or match.groupdict().get("item") is None:
            continue  # a number made by another pattern, or by hand: not in a series we keep
        fields = {k: v for k, v in match.groupdict().items() if k != "item"}
        used.setdefault(series_key(pattern, **fields), set()).add(int(match["item"]))
    gaps = []
    for series in session.scalars(select(ArchiveSeries).order_by(ArchiveSeries.key)):
        missing = sorted(set(range(1, series.last_item + 1)) - used.get(series.key, set()))
        if missing:
            gaps.append(NumberGap(series.key, missing[:MOST_NAMED]))
    return gaps
