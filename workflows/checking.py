"""`dangan check [--repair]`: the database, the index and unfinished work compared, and mended on request.

Unfinished documents (queued, processing, filed but not indexed, failed awaiting a retry) are reported as
pending with their age, not as damage; --repair resumes the orphaned ones now (workflows.recovery) and then
indexes what is missing or stale and drops index entries with no document. A run killed between storing a
searchable PDF and filing leaves that derivative with no row: such objects, and temporary files of killed
writes, older than DANGAN_PROCESSING_LEASE are listed and, with --repair, removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import User
from core import audit
from core.db import utcnow
from records.models import Derivative
from storage import ObjectStore, key_for
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

    @property
    def damaged(self) -> bool:
        """The index disagrees with the database (and was not repaired)."""
        return not self.index.clean and self.repaired is None

    @property
    def clean(self) -> bool:
        """Every document filed, indexed, and the index in step with the database."""
        return self.index.clean and not self.pending and not self.stray_objects

    def as_json(self) -> dict:
        out = self.index.as_json() | {
            "pending": [p.as_json() for p in self.pending],
            "stray_objects": self.stray_objects,
            "clean": self.clean,
        }
        if self.asked_repair:
            indexed, removed = self.repaired or (0, 0)
            out["repaired"] = {
                "indexed": indexed,
                "removed": removed,
                "resumed": self.resumed,
                "swept": self.swept,
            }
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
            },
        )
    return result


def stray_derivatives(session: Session, store: ObjectStore, *, older_than: timedelta) -> list[str]:
    """Derivative objects no document names, older than older_than (younger ones may be about to be filed)."""
    named = set(session.scalars(select(Derivative.object_key)))
    cutoff = utcnow() - older_than
    prefix = key_for("derivative", "0" * 64).split("/")[0] + "/"
    return sorted(o.key for o in store.list(prefix) if o.key not in named and o.modified < cutoff)
