"""Periodic inspection of the stores (POL-12): date, inspector and findings (damp, pests, damage).

An inspection of a location covers everything under it (inspecting the archive room covers its cabinets).
The places that must be inspected are the rooms and the safes; one is overdue when neither it nor a place
around it was inspected within the cycle (DANGAN_INSPECTION_DAYS). A room never inspected is overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import DanganError
from custody.models import INSPECTION_ISSUES, Inspection, Location

INSPECTED_KINDS = ("room", "safe")


@dataclass(frozen=True)
class InspectionInfo:
    id: int
    location: str
    location_id: int
    inspected_on: date
    inspector: str
    issues: list[str]
    findings: str


@dataclass(frozen=True)
class OverdueInspection:
    """A room or safe whose inspection is due: when it was last covered (None: never) and since when due."""

    location_id: int
    location: str
    code: str
    kind: str
    last_inspected: date | None
    due_since: date | None


def record(
    session: Session,
    *,
    location: Location,
    inspector: str,
    findings: str,
    issues: Sequence[str],
    on: date,
    today: date,
) -> Inspection:
    """Record an inspection of a location; findings are required, issues are of damp, pests, damage."""
    bad = [i for i in issues if i not in INSPECTION_ISSUES]
    if bad:
        raise DanganError(
            "custody.inspection.bad_issue", issue=", ".join(bad), issues=", ".join(INSPECTION_ISSUES)
        )
    if not findings.strip():
        raise DanganError("custody.inspection.findings_required")
    if on > today:
        raise DanganError("custody.inspection.future", on=on.isoformat())
    inspection = Inspection(
        location_id=location.id,
        inspected_on=on,
        inspector=inspector,
        issues=sorted(set(issues)),
        findings=findings.strip(),
    )
    session.add(inspection)
    session.flush()
    return inspection


def info(session: Session, inspection: Inspection) -> InspectionInfo:
    location = session.get_one(Location, inspection.location_id)
    return InspectionInfo(
        inspection.id,
        location.path,
        location.id,
        inspection.inspected_on,
        inspection.inspector,
        list(inspection.issues or []),
        inspection.findings,
    )


def inspections_of(session: Session, location_id: int, limit: int = 20) -> list[InspectionInfo]:
    """The latest inspections of a location, newest first."""
    rows = session.scalars(
        select(Inspection)
        .where(Inspection.location_id == location_id)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        .limit(limit)
    )
    return [info(session, i) for i in rows]


def overdue(session: Session, *, today: date, cycle_days: int) -> list[OverdueInspection]:
    """The rooms and safes not covered by an inspection within the cycle, by path."""
    last_by_location = dict(
        session.execute(
            select(Inspection.location_id, func.max(Inspection.inspected_on)).group_by(Inspection.location_id)
        ).all()
    )
    locations = {loc.id: loc for loc in session.scalars(select(Location))}
    limit = today - timedelta(days=cycle_days)
    found = []
    for loc in sorted(locations.values(), key=lambda x: x.path):
        if loc.kind not in INSPECTED_KINDS:
            continue
        covered: date | None = None
        here: Location | None = loc
        while here is not None:
            seen = last_by_location.get(here.id)
            if seen is not None and (covered is None or seen > covered):
                covered = seen
            here = locations.get(here.parent_id) if here.parent_id else None
        if covered is None or covered < limit:
            due = covered + timedelta(days=cycle_days) if covered else None
            found.append(OverdueInspection(loc.id, loc.path, loc.code, loc.kind, covered, due))
    return found
