"""Handover of a finished matter (移交, POL-7, POL-8, HND-1, HND-2, FIX-2, CLS-4): the steps of a list.

Preparer A lists every item with pieces and pages and signs; reviewer B counts and signs (or returns the
list with what is missing); the archivist counts, numbers the matter from a gapless series, signs, and each
line becomes a paper item in the ledger, moved into its place (certificates: into the safe). A count that
differs from the list blocks B's and the archivist's signature unless they sign an exception with a reason.

Deadlines count working days (core.calendar): A owes the list to B within 3 working days of the matter's
end, B owes it to the archive within 2 working days of receiving it. The archivist's acceptance has no
deadline of its own in the policy; the list shows in their inbox until it is done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.calendar import count_workdays
from core.db import utcnow
from core.errors import Conflict, DanganError, NotFound
from custody import locations
from custody.handover_models import (
    HANDOVER_KINDS,
    Handover,
    HandoverItem,
    HandoverSeries,
    HandoverStep,
)
from custody.items import add_movement
from custody.models import Item, Location
from records.models import Document

PREPARER_DAYS = 3  # A → B (POL-7)
REVIEWER_DAYS = 2  # B → archive (POL-7)
MAX_LINES = 500


@dataclass(frozen=True)
class Line:
    """A line as A writes it."""

    title: str
    pieces: int
    pages: int
    document_id: int | None = None
    certificate_no: str = ""
    remarks: str = ""


@dataclass(frozen=True)
class Mismatch:
    position: int
    title: str
    pieces: int
    pages: int
    counted_pieces: int
    counted_pages: int


def get_handover(session: Session, handover_id: int) -> Handover:
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise NotFound("custody.handover.not_found", id=handover_id)
    return handover


def allocate_number(session: Session, *, prefix: str, year: int, pattern: str) -> tuple[int, str]:
    """The next number of the prefix in the year, in the caller's transaction (as loans.allocate_slip).

    One UPDATE on the (prefix, year) row: concurrent acceptances queue on its lock, and a rolled-back one
    gives its number back, so numbers run on without gaps or duplicates (CLS-4).
    """
    if session.get(HandoverSeries, (prefix, year)) is None:
        try:
            with session.begin_nested():
                session.add(HandoverSeries(prefix=prefix, year=year, last_no=0))
        except IntegrityError:  # a concurrent acceptance created the series first
            pass
    seq = session.execute(
        update(HandoverSeries)
        .where(HandoverSeries.prefix == prefix, HandoverSeries.year == year)
        .values(last_no=HandoverSeries.last_no + 1)
        .returning(HandoverSeries.last_no)
    ).scalar_one()
    return seq, pattern.format(prefix=prefix, year=year, n=seq)


def _clean_lines(session: Session, lines: Sequence[Line], customer_id: int) -> list[HandoverItem]:
    """The lines as rows numbered 1..n, each checked (FIX-2: required data present, counts sane)."""
    if not lines:
        raise DanganError("custody.handover.no_lines")
    if len(lines) > MAX_LINES:
        raise DanganError("custody.handover.too_many_lines", limit=MAX_LINES)
    rows = []
    for position, line in enumerate(lines, 1):
        title = line.title.strip()
        if not title or len(title) > 200:
            raise DanganError("custody.handover.bad_title", position=position)
        if not (1 <= line.pieces <= 100_000 and 1 <= line.pages <= 1_000_000):
            raise DanganError("custody.handover.bad_count", position=position, pieces=line.pieces,
                              pages=line.pages)  # fmt: skip
        if line.document_id is not None:
            document = session.get(Document, line.document_id)
            if document is None:
                raise NotFound("document.not_found", id=line.document_id)
            if document.customer_id != customer_id:
                raise DanganError("custody.handover.other_customer", position=position, id=line.document_id)
        rows.append(
            HandoverItem(
                position=position,
                title=title,
                document_id=line.document_id,
                certificate_no=line.certificate_no.strip()[:100],
                pieces=line.pieces,
                pages=line.pages,
                remarks=line.remarks.strip()[:500],
            )
        )
    return rows


def create_handover(
    session: Session,
    *,
    kind: str,
    title: str,
    customer_id: int,
    preparer_id: int,
    reviewer_id: int,
    lines: Sequence[Line],
    finished_on: date,
    prefix: str,
    file_handover_id: int | None,
    overrides: Mapping[date, bool],
    actor: str,
) -> Handover:
    """A list in state `preparing`, A's deadline counted from the matter's end."""
    if kind not in HANDOVER_KINDS:
        raise DanganError("custody.handover.bad_kind", kind=kind, kinds=", ".join(HANDOVER_KINDS))
    title, prefix = title.strip(), prefix.strip()
    if not title or len(title) > 200:
        raise DanganError("custody.handover.title_required")
    if not prefix or len(prefix) > 20:
        raise DanganError("custody.handover.bad_prefix", prefix=prefix)
    if reviewer_id == preparer_id:
        raise DanganError("custody.handover.same_person")
    if kind == "certificate":
        if file_handover_id is None:
            raise DanganError("custody.handover.certificates_need_file")
        file = get_handover(session, file_handover_id)
        if file.kind != "file" or file.customer_id != customer_id:
            raise DanganError("custody.handover.bad_file", id=file_handover_id)
        if session.scalar(select(Handover.id).where(Handover.file_handover_id == file.id)) is not None:
            raise Conflict("custody.handover.certificates_exist", id=file.id)
        prefix = file.prefix  # the same number, so the same series
    elif file_handover_id is not None:
        raise DanganError("custody.handover.file_has_no_file")
    due = count_workdays(finished_on, PREPARER_DAYS, overrides)
    handover = Handover(
        kind=kind,
        title=title,
        customer_id=customer_id,
        file_handover_id=file_handover_id,
        preparer_id=preparer_id,
        reviewer_id=reviewer_id,
        status="preparing",
        finished_on=finished_on,
        preparer_due=due.date,
        due_estimated=due.estimated,
        prefix=prefix,
        created_by=actor,
        items=_clean_lines(session, lines, customer_id),
    )
    session.add(handover)
    session.flush()
    return handover


def _expect(handover: Handover, *states: str) -> None:
    if handover.status not in states:
        raise Conflict("custody.handover.wrong_state", id=handover.id, status=handover.status)


def amend_lines(session: Session, handover: Handover, *, lines: Sequence[Line]) -> Handover:
    """A replaces the lines while the list is with them (before signing, or after a return)."""
    _expect(handover, "preparing", "returned")
    handover.items.clear()
    session.flush()
    handover.items.extend(_clean_lines(session, lines, handover.customer_id))
    session.flush()
    return handover


def _step(session: Session, handover: Handover, kind: str, actor: str, **fields: object) -> HandoverStep:
    step = HandoverStep(handover_id=handover.id, kind=kind, actor=actor, **fields)
    handover.steps.append(step)
    session.flush()
    return step


def sign_prepared(
    session: Session, handover: Handover, *, actor: str, today: date, overrides: Mapping[date, bool]
) -> HandoverStep:
    """A signs and hands the list to B; B's 2 working days start today."""
    _expect(handover, "preparing", "returned")
    positions = [line.position for line in handover.items]
    if positions != list(range(1, len(positions) + 1)):  # FIX-2: numbering continuous
        raise DanganError("custody.handover.gaps")
    due = count_workdays(today, REVIEWER_DAYS, overrides)
    handover.reviewer_due = due.date
    handover.due_estimated = handover.due_estimated or due.estimated
    step = _step(session, handover, "prepare", actor, late=today > handover.preparer_due)
    handover.status = "reviewing"
    session.flush()
    return step


def checked_counts(handover: Handover, counts: Mapping[int, tuple[int, int]]) -> dict[str, list[int]]:
    """Every line counted once, nothing else: position → [pieces, pages] (JSON keys are strings)."""
    positions = {line.position for line in handover.items}
    unknown = sorted(set(counts) - positions)
    if unknown:
        raise DanganError("custody.handover.unknown_lines", positions=", ".join(map(str, unknown)))
    missing = sorted(positions - set(counts))
    if missing:
        raise DanganError("custody.handover.uncounted", positions=", ".join(map(str, missing)))
    for position, (pieces, pages) in counts.items():
        if pieces < 0 or pages < 0:
            raise DanganError("custody.handover.bad_count", position=position, pieces=pieces, pages=pages)
    return {str(p): [int(c[0]), int(c[1])] for p, c in sorted(counts.items())}


def mismatches(handover: Handover, counts: Mapping[str, list[int]]) -> list[Mismatch]:
    """The lines whose count differs from the list."""
    return [
        Mismatch(line.position, line.title, line.pieces, line.pages, *counts[str(line.position)])
        for line in handover.items
        if tuple(counts[str(line.position)]) != (line.pieces, line.pages)
    ]


def _blocked(handover: Handover, counted: Mapping[str, list[int]], exception: str) -> None:
    """HND-2: a mismatch stops the signature unless an exception is signed with a reason."""
    wrong = mismatches(handover, counted)
    if wrong and not exception.strip():
        lines = "; ".join(
            f"{m.position} {m.title}: {m.pieces}/{m.pages} → {m.counted_pieces}/{m.counted_pages}"
            for m in wrong
        )
        raise Conflict("custody.handover.mismatch", id=handover.id, lines=lines)


def sign_reviewed(
    session: Session,
    handover: Handover,
    *,
    actor: str,
    counts: Mapping[int, tuple[int, int]],
    exception: str,
    today: date,
) -> HandoverStep:
    """B has counted every line and signs: the list goes to the archive."""
    _expect(handover, "reviewing")
    counted = checked_counts(handover, counts)
    _blocked(handover, counted, exception)
    late = handover.reviewer_due is not None and today > handover.reviewer_due
    step = _step(session, handover, "review", actor, counts=counted, exception=exception.strip(), late=late)
    handover.status = "accepting"
    session.flush()
    return step


def return_list(
    session: Session,
    handover: Handover,
    *,
    actor: str,
    missing: str,
    counts: Mapping[int, tuple[int, int]] | None = None,
) -> HandoverStep:
    """B (or the archivist) sends the list back to A with what is missing (补充资料清单)."""
    _expect(handover, "reviewing", "accepting")
    if not missing.strip():
        raise DanganError("custody.handover.missing_required")
    counted = checked_counts(handover, counts) if counts else {}
    step = _step(session, handover, "return", actor, note=missing.strip(), counts=counted)
    handover.status = "returned"
    session.flush()
    return step


def _matter_number(session: Session, handover: Handover, *, pattern: str, year: int) -> None:
    """The matter's number: the one its file or certificates list already has, else the next of the series."""
    root_id = handover.file_handover_id or handover.id
    # Lock the file's list first: its list and its certificates' list, accepted at once, get one number.
    session.execute(update(Handover).where(Handover.id == root_id).values(prefix=Handover.prefix))
    numbered = session.scalar(
        select(Handover)
        .where(
            (Handover.id == root_id) | (Handover.file_handover_id == root_id),
            Handover.id != handover.id,
            Handover.number.is_not(None),
        )
        .limit(1)
    )
    if numbered is not None:
        handover.year, handover.seq, handover.number = numbered.year, numbered.seq, numbered.number
        return
    handover.seq, handover.number = allocate_number(
        session, prefix=handover.prefix, year=year, pattern=pattern
    )
    handover.year = year


def accept(
    session: Session,
    handover: Handover,
    *,
    actor: str,
    counts: Mapping[int, tuple[int, int]],
    exception: str,
    location: Location | None,
    pattern: str,
    today: date,
) -> HandoverStep:
    """The archivist has counted, numbers the matter and signs; each line enters the ledger and its place."""
    _expect(handover, "accepting")
    counted = checked_counts(handover, counts)
    _blocked(handover, counted, exception)
    if location is None:
        if handover.kind != "certificate":
            raise DanganError("custody.handover.location_required")
        location = locations.default_safe(session)  # POL-8: certificates go to the safe
    elif handover.kind == "certificate" and not locations.in_safe(session, location):
        raise DanganError("custody.certificate_outside_safe", path=location.path)
    _matter_number(session, handover, pattern=pattern, year=today.year)
    for line in handover.items:
        pieces, pages = counted[str(line.position)]
        if pieces < 1 or pages < 1:
            continue  # nothing arrived for this line: the signed exception says why; no item to keep
        item = Item(
            kind="certificate" if handover.kind == "certificate" else "original",
            document_id=line.document_id,
            customer_id=handover.customer_id,
            pieces=pieces,
            pages=pages,
            created_by=actor,
        )
        session.add(item)
        session.flush()
        add_movement(session, item, kind="hand_over", to=location, actor=actor, reason=handover.number or "")
        line.item_id = item.id
    handover.location_id = location.id
    step = _step(session, handover, "accept", actor, counts=counted, exception=exception.strip())
    handover.status, handover.accepted_at = "accepted", utcnow()
    session.flush()
    return step
