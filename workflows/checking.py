"""`dangan check [--repair]`: the database, the index and unfinished work compared, and mended on request.

Unfinished documents (queued, processing, filed but not indexed, failed awaiting a retry) are reported as
pending with their age, not as damage; --repair resumes the orphaned ones now (workflows.recovery) and then
indexes what is missing or stale and drops index entries with no document.
"""

from __future__ import annotations

from dataclasses import dataclass

from access.models import User
from core import audit
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

    @property
    def damaged(self) -> bool:
        """The index disagrees with the database (and was not repaired)."""
        return not self.index.clean and self.repaired is None

    @property
    def clean(self) -> bool:
        """Every document filed, indexed, and the index in step with the database."""
        return self.index.clean and not self.pending

    def as_json(self) -> dict:
        out = self.index.as_json() | {
            "pending": [p.as_json() for p in self.pending],
            "clean": self.clean,
        }
        if self.asked_repair:
            indexed, removed = self.repaired or (0, 0)
            out["repaired"] = {"indexed": indexed, "removed": removed, "resumed": self.resumed}
        return out


def check_archive(runtime: Runtime, *, actor: User, repair: bool = False, client: str = "") -> ArchiveCheck:
    """Compare, and with repair mend; audited as index.check. The caller checks the actor's duty."""
    resumed = len(resume_interrupted(runtime, actor=actor.login)) if repair else 0
    lease = runtime.settings.processing_lease
    with runtime.factory() as session, session.begin():
        report = check_index(session, runtime.index)
        repaired = repair_index(session, runtime.index, report) if repair and not report.clean else None
        waiting = pending(session, lease_seconds=lease)
        result = ArchiveCheck(report, waiting, resumed, repaired, asked_repair=repair)
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
            },
        )
    return result
