"""What a handover list shows: its lines with each party's count, its steps, who owes the next one and by when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import User
from custody.handover_models import OWER, Handover
from custody.models import Location
from records.models import Customer


@dataclass(frozen=True)
class LineView:
    position: int
    title: str
    document_id: int | None
    certificate_no: str
    pieces: int
    pages: int
    remarks: str
    reviewer_count: list[int] | None  # [pieces, pages] as B counted (last review or return that counted)
    archivist_count: list[int] | None
    item_id: int | None  # the paper item it became


@dataclass(frozen=True)
class StepView:
    kind: str  # prepare | review | return | accept
    actor: str
    at: datetime
    note: str
    exception: str
    late: bool


@dataclass(frozen=True)
class HandoverView:
    """A list as its parties and the archive see it."""

    id: int
    kind: str  # file | certificate
    title: str
    customer_id: int
    customer: str
    file_handover_id: int | None
    preparer: str
    preparer_name: str
    reviewer: str
    reviewer_name: str
    status: str
    number: str | None
    finished_on: date
    preparer_due: date
    reviewer_due: date | None
    due_estimated: bool
    owed_by: str | None  # preparer | reviewer | archivist | None when accepted
    owed_by_login: str | None  # the preparer's or reviewer's login (any archivist: None)
    due: date | None  # the deadline of the step owed, if it has one
    late: bool
    location: str | None
    pieces: int
    pages: int
    lines: list[LineView]
    steps: list[StepView]
    created_at: datetime
    accepted_at: datetime | None


@dataclass(frozen=True)
class _Person:
    login: str
    name: str


@dataclass(frozen=True)
class _Customer:
    id: int
    name: str


@dataclass(frozen=True)
class _Place:
    path: str


def owed(handover: Handover) -> tuple[str | None, date | None]:
    """Who owes the next step and its deadline (A: 3 working days, B: 2; the archivist: none)."""
    party = OWER.get(handover.status)
    if party == "preparer":
        return party, handover.preparer_due
    if party == "reviewer":
        return party, handover.reviewer_due
    return party, None


def is_late(handover: Handover, today: date) -> bool:
    """Whether the step owed is past its deadline."""
    _party, due = owed(handover)
    return due is not None and today > due


@dataclass
class _Names:
    """People, customers and places read once for many lists (the session's identity map is weak)."""

    people: dict[int, tuple[str, str]]
    customers: dict[int, tuple[int, str]]
    places: dict[int, str]


def _names(session: Session, handovers: Sequence[Handover]) -> _Names:
    users = {h.preparer_id for h in handovers} | {h.reviewer_id for h in handovers}
    customers = {h.customer_id for h in handovers}
    places = {h.location_id for h in handovers if h.location_id}
    return _Names(
        {i: (login, name) for i, login, name in session.execute(select(User.id, User.login, User.name).where(User.id.in_(users)))},
        {i: (i, name) for i, name in session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(customers)))},
        {i: path for i, path in session.execute(select(Location.id, Location.path).where(Location.id.in_(places)))} if places else {},
    )  # fmt: skip


def handover_views(session: Session, handovers: Sequence[Handover], *, today: date) -> list[HandoverView]:
    """Many lists at once, their names read in three queries."""
    names = _names(session, handovers)
    return [_view(h, names, today) for h in handovers]


def handover_view(session: Session, handover: Handover, *, today: date) -> HandoverView:
    """The list with counts, steps and who owes what."""
    return _view(handover, _names(session, [handover]), today)


def _view(handover: Handover, names: _Names, today: date) -> HandoverView:
    preparer = _Person(*names.people[handover.preparer_id])
    reviewer = _Person(*names.people[handover.reviewer_id])
    customer = _Customer(*names.customers[handover.customer_id])
    place = _Place(names.places[handover.location_id]) if handover.location_id else None
    counts: dict[str, dict[str, list[int]]] = {"reviewer": {}, "archivist": {}}
    for step in handover.steps:
        if step.counts and step.kind in ("review", "return", "accept"):
            who = "archivist" if step.kind == "accept" or step.actor not in (reviewer.login,) else "reviewer"
            counts[who] = step.counts
    party, due = owed(handover)
    return HandoverView(
        id=handover.id,
        kind=handover.kind,
        title=handover.title,
        customer_id=customer.id,
        customer=customer.name,
        file_handover_id=handover.file_handover_id,
        preparer=preparer.login,
        preparer_name=preparer.name,
        reviewer=reviewer.login,
        reviewer_name=reviewer.name,
        status=handover.status,
        number=handover.number,
        finished_on=handover.finished_on,
        preparer_due=handover.preparer_due,
        reviewer_due=handover.reviewer_due,
        due_estimated=handover.due_estimated,
        owed_by=party,
        owed_by_login={"preparer": preparer.login, "reviewer": reviewer.login}.get(party or ""),
        due=due,
        late=due is not None and today > due,
        location=place.path if place else None,
        pieces=sum(line.pieces for line in handover.items),
        pages=sum(line.pages for line in handover.items),
        lines=[
            LineView(
                position=line.position,
                title=line.title,
                document_id=line.document_id,
                certificate_no=line.certificate_no,
                pieces=line.pieces,
                pages=line.pages,
                remarks=line.remarks,
                reviewer_count=counts["reviewer"].get(str(line.position)),
                archivist_count=counts["archivist"].get(str(line.position)),
                item_id=line.item_id,
            )
            for line in handover.items
        ],
        steps=[StepView(s.kind, s.actor, s.at, s.note, s.exception, s.late) for s in handover.steps],
        created_at=handover.created_at,
        accepted_at=handover.accepted_at,
    )
