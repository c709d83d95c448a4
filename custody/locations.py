"""Locations (PHY-1): a tree of building, room, cabinet, shelf, box and the safe, each named by its path."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, DanganError, NotFound
from custody.models import LOCATION_KINDS, Location

SEPARATOR = "/"
# The kind of a parent made on the way to a new location, by depth: 总部/档案室/A柜/2层/03盒.
DEPTH_KINDS = ("building", "room", "cabinet", "shelf", "box")


@dataclass(frozen=True)
class LocationInfo:
    id: int
    path: str
    code: str
    kind: str


def info(location: Location) -> LocationInfo:
    return LocationInfo(location.id, location.path, location.code, location.kind)


def split_path(path: str) -> list[str]:
    """The names along a path; empty names and surrounding blanks are refused."""
    parts = [p.strip() for p in path.strip().strip(SEPARATOR).split(SEPARATOR)]
    if not path.strip() or not all(parts) or any(len(p) > 100 for p in parts):
        raise DanganError("custody.location.bad_path", path=path)
    return parts


def find(session: Session, path: str) -> Location:
    """The location at a path, or NotFound."""
    location = session.scalar(select(Location).where(Location.path == SEPARATOR.join(split_path(path))))
    if location is None:
        raise NotFound("custody.location.not_found", path=path)
    return location


def add_location(session: Session, *, path: str, kind: str, actor: str) -> tuple[Location, list[Location]]:
    """Create the location at path with its missing parents; (the location, every one created)."""
    if kind not in LOCATION_KINDS:
        raise DanganError("custody.location.bad_kind", kind=kind, kinds=", ".join(LOCATION_KINDS))
    parts = split_path(path)
    parent: Location | None = None
    created: list[Location] = []
    for depth, name in enumerate(parts):
        here = SEPARATOR.join(parts[: depth + 1])
        existing = session.scalar(select(Location).where(Location.path == here))
        last = depth == len(parts) - 1
        if existing is not None:
            if last:
                raise Conflict("custody.location.exists", path=here)
            parent = existing
            continue
        guess = DEPTH_KINDS[min(depth, len(DEPTH_KINDS) - 1)]
        location = Location(
            parent_id=parent.id if parent else None,
            name=name,
            path=here,
            code="",
            kind=kind if last else guess,
            created_by=actor,
        )
        session.add(location)
        session.flush()
        location.code = f"L{location.id:06d}"
        created.append(location)
        parent = location
    session.flush()
    return created[-1], created


def in_safe(session: Session, location: Location) -> bool:
    """Whether the location is a safe or inside one."""
    current: Location | None = location
    while current is not None:
        if current.kind == "safe":
            return True
        current = session.get(Location, current.parent_id) if current.parent_id else None
    return False


def default_safe(session: Session) -> Location:
    """The safe certificates go to when no place is named (POL-8): the first safe made."""
    safe = session.scalar(select(Location).where(Location.kind == "safe").order_by(Location.id).limit(1))
    if safe is None:
        raise DanganError("custody.no_safe")
    return safe


def list_locations(session: Session) -> list[LocationInfo]:
    """Every location, by path."""
    return [info(loc) for loc in session.scalars(select(Location).order_by(Location.path))]
