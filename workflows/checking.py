"""`dangan check [--repair]`: the database, the index and unfinished work compared, and mended on request.

Unfinished documents (queued, processing, filed but not indexed, failed awaiting a retry) are reported as
pending with their age, not as damage; --repair resumes the orphaned ones now (workflows.recovery) and then
indexes what is missing or stale and drops index entries with no document. A run killed between storing a
searchable PDF and filing leaves that derivative with no row: such objects, and temporary files of killed
writes, older than DANGAN_PROCESSING_LEASE are listed and, with --repair, removed.

The store is compared too (workflows.consistency, issue 14): every record's objects exist with the right
size, no object older than DANGAN_ORPHAN_GRACE_HOURS lies unnamed, archive numbers have no gaps, nothing is
in fixity quarantine. A missing or resized object is quarantined (reads refuse it) and, with --repair and a
backup place (DANGAN_BACKUP_DEST), put back from the backup copy if it verifies; orphans and gaps are named.

Custody (issue 13): each paper item's `latest` mark is on its highest movement, the one its place is read
from; an item where it is not is named and, with --repair, marked again from the movements.
The customer analysis' document counts (records.document_counts, kept on write) are compared with the
documents; --repair counts them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import User
from core import audit
from core.db import utcnow
from custody.items import mark_latest, misplaced_marks
from records import document_counts
from records.models import Derivative
from storage import ObjectStore, key_for
from storage.base import parse_key
from storage.fixity import Finding, quarantined, record
from storage.retrying import retrying
from workflows.consistency import NumberGap, ObjectProblem, number_gaps, object_problems, orphan_objects
from workflows.housekeeping import sweep_leftovers
from workflows.indexing import CheckReport, check_index, repair_index
from workflows.recovery import Pending, pending, resume_interrupted
from workflows.runtime import Runtime


@dataclass
class ArchiveCheck:
    """What check found, and what --repair did."""

    index: CheckReport
    pending: list[Pending]
    resumed: int = 0
    repaired: tuple[int, int] | None = None  # (indexed, removed), when the index needed it
    asked_repair: bool = False
    stray_objects: list[str] = field(default_factory=list)  # derivatives no document names
    swept: int = 0  # stray objects and stale temporary files removed by --repair
    # --- the store and numbering (issue 14) ---
    object_problems: list[ObjectProblem] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # unnamed objects beyond the grace period
    number_gaps: list[NumberGap] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # objects put back from the backup by --repair
    # --- custody (issue 13) ---
    custody_marks: list[int] = field(default_factory=list)  # items whose `latest` mark is not their last move
    custody_remarked: int = 0  # of them marked again by --repair
    # --- the customer analysis' document counts (records.document_counts, issue 12) ---
    count_differences: int = 0  # groups where the counts and the documents disagree
    counts_rebuilt: bool = False

    @property
    def store_damaged(self) -> bool:
        """The store or the numbering disagrees with the database."""
        return bool(self.object_problems or self.orphans or self.number_gaps or self.quarantined)

    @property
    def custody_damaged(self) -> bool:
        """An item's `latest` mark disagrees with its movements (and was not repaired)."""
        return bool(self.custody_marks) and not self.custody_remarked

    @property
    def damaged(self) -> bool:
        """The index disagrees with the database (and was not repaired), or the store, numbering, custody or
        the customer analysis' counts do."""
        counts_wrong = bool(self.count_differences) and not self.counts_rebuilt
        index_wrong = not self.index.clean and self.repaired is None
        return index_wrong or self.store_damaged or self.custody_damaged or counts_wrong

    @property
    def clean(self) -> bool:
        """Every document filed, indexed, and the index in step with the database."""
        counts_right = not self.count_differences or self.counts_rebuilt
        return (
            self.index.clean
            and not self.pending
            and not self.stray_objects
            and not self.store_damaged
            and not self.custody_marks
            and counts_right
        )

    def as_json(self) -> dict:
        out = self.index.as_json() | {
            "pending": [p.as_json() for p in self.pending],
            "stray_objects": self.stray_objects,
            "clean": self.clean,
            "objects": [p.as_json() for p in self.object_problems],
            "orphans": self.orphans,
            "number_gaps": [g.as_json() for g in self.number_gaps],
            "quarantined": self.quarantined,
            "custody_marks": self.custody_marks,
            "document_counts": {"differences": self.count_differences, "rebuilt": self.counts_rebuilt},
            "consistent": not self.damaged,
        }
        if self.asked_repair:
            indexed, removed = self.repaired or (0, 0)
            out["repaired"] = {
                "indexed": indexed,
                "removed": removed,
                "resumed": self.resumed,
                "swept": self.swept,
            }
            if self.restored:
                out["repaired"]["restored"] = self.restored
            if self.custody_remarked:
                out["repaired"]["custody_remarked"] = self.custody_remarked
        return out


def check_archive(runtime: Runtime, *, actor: User, repair: bool = False, client: str = "") -> ArchiveCheck:
    """Compare, and with repair mend; audited as index.check. The caller checks the actor's duty."""
    resumed = len(resume_interrupted(runtime, actor=actor.login)) if repair else 0
    lease = runtime.settings.processing_lease
    with runtime.factory() as session, session.begin():
        report = check_index(session, runtime.index)
        repaired = repair_index(session, runtime.index, report) if repair and not report.clean else None
        waiting = pending(session, lease_seconds=lease)
        stray = stray_derivatives(session, runtime.store, older_than=timedelta(seconds=lease))
        swept = 0
        if repair:
            for key in stray:
                runtime.store.delete(key)
            swept = len(stray) + sweep_leftovers(runtime.settings, older_than=timedelta(seconds=lease))
            stray = []
        result = ArchiveCheck(
            report, waiting, resumed, repaired, asked_repair=repair, stray_objects=stray, swept=swept
        )
        _compare_store(runtime, session, result, stray=set(stray))
        result.custody_marks = misplaced_marks(session)
        if repair and result.custody_marks:
            mark_latest(session, result.custody_marks)
            result.custody_remarked = len(result.custody_marks)
        result.count_differences = len(document_counts.differences(session))
        if repair and result.count_differences:
            document_counts.rebuild(session)
            result.counts_rebuilt = True
        audit.record(
            session,
            actor=actor.login,
            role=actor.role_label,
            action="index.check",
            client=client,
            details={
                "missing": len(report.missing),
                "orphaned": len(report.orphaned),
                "stale": len(report.stale),
                "pending": len(waiting),
                "resumed": resumed,
                "repaired": repaired is not None,
                "stray_objects": len(stray),
                "swept": swept,
                "object_problems": len(result.object_problems),
                "orphans": len(result.orphans),
                "number_gaps": len(result.number_gaps),
                "quarantined": len(result.quarantined),
                "custody_marks": len(result.custody_marks),
                "count_differences": result.count_differences,
            },
        )
    if repair and result.object_problems and runtime.settings.backup_dest:
        _restore_from_backup(runtime, result, actor)
    return result


def _compare_store(runtime: Runtime, session: Session, result: ArchiveCheck, *, stray: set[str]) -> None:
    """Objects against rows, orphans, numbering, quarantine; missing or resized objects are quarantined."""
    listing = {o.key: o for o in retrying(
        lambda: list(runtime.store.list()), seconds=runtime.settings.storage_retry_seconds, what="list"
    )}  # fmt: skip
    result.object_problems = object_problems(session, listing)
    grace = utcnow() - timedelta(hours=runtime.settings.orphan_grace_hours)
    result.orphans = [k for k in orphan_objects(session, listing, older_than=grace) if k not in stray]
    result.number_gaps = number_gaps(session, runtime.settings.archive_pattern)
    for problem in result.object_problems:
        result_code = "missing" if problem.problem == "missing" else "changed"
        record(
            session, Finding(problem.key, result_code, parse_key(problem.key)[1], None, problem.actual_size)
        )
    session.flush()
    result.quarantined = [row.key for row in quarantined(session)]


def _restore_from_backup(runtime: Runtime, result: ArchiveCheck, actor: User) -> None:
    """--repair with a backup place: quarantined objects put back from copies that verify."""
    from workflows.fixity import FixityReport
    from workflows.fixity import repair as repair_objects

    done = FixityReport(0, "check")
    repair_objects(runtime, source=runtime.settings.backup_dest or "", report=done, actor=actor.login,
                   role=actor.role_label)  # fmt: skip
    result.restored = done.repaired
    with runtime.factory() as session:
        listing = {o.key: o for o in runtime.store.list()}
        result.object_problems = object_problems(session, listing)
        result.quarantined = [row.key for row in quarantined(session)]


def stray_derivatives(session: Session, store: ObjectStore, *, older_than: timedelta) -> list[str]:
    """Derivative objects no document names, older than older_than (younger ones may be about to be filed)."""
    named = set(session.scalars(select(Derivative.object_key)))
    cutoff = utcnow() - older_than
    prefix = key_for("derivative", "0" * 64).split("/")[0] + "/"
    return sorted(o.key for o in store.list(prefix) if o.key not in named and o.modified < cutoff)
