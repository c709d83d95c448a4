"""Handover use cases (移交, POL-7, POL-8, HND-1, HND-2, FIX-2): who may take each step, audited.

Preparer A (staff or a manager) lists a finished matter and names reviewer B (another member of staff or
manager); A signs, B counts and signs or returns the list with what is missing, and an archivist — neither
A nor B: three people sign — counts, numbers and accepts it. A certificates list (权证) belongs to a file's
list, has the same A and B, goes to the safe and gets the same number.

The list's parties, every archivist and the auditors see it; others are refused. Linking a line to a
document needs the right to read that document (access.policy). Each step writes one audit event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access.errors import denied
from access.models import User
from access.policy import can_read
from core import audit
from core.calendar import load_overrides
from core.errors import DanganError, NotFound
from custody import handovers as domain
from custody import locations
from custody.handover_models import OPEN_STATES, Handover
from custody.handover_pdf import handover_pdf
from custody.handover_views import HandoverView, handover_view, handover_views, is_late
from custody.handovers import Line
from records.models import Customer, Document

PARTY_ROLES = frozenset({"staff", "manager"})  # who prepares and reviews (项目经理 A角、B角)
ARCHIVIST = "archivist"
WATCHERS = frozenset({"archivist", "auditor"})  # see every list


def _record(
    session: Session, actor: User, action: str, object_id: object, client: str, **details: object
) -> None:
    audit.record(session, actor=actor.login, role=actor.role_label, action=action, object_type="handover",
                 object_id=object_id, client=client, details=details)  # fmt: skip


def _refuse(
    actor: User, code: str, action: str, object_id: object, client: str, **params: object
) -> Exception:
    return denied(actor, code, action=action, object_type="handover", object_id=object_id, client=client,
                  **params)  # fmt: skip


def _party(user: User) -> bool:
    return user.active and bool(user.roles & PARTY_ROLES)


def _sees(actor: User, handover: Handover) -> bool:
    return actor.active and (
        actor.id in (handover.preparer_id, handover.reviewer_id) or bool(actor.roles & WATCHERS)
    )


def _check_reads(session: Session, actor: User, lines: Sequence[Line], action: str, client: str) -> None:
    for line in lines:
        if line.document_id is None:
            continue
        document = session.get(Document, line.document_id)
        if document is None:
            raise NotFound("document.not_found", id=line.document_id)
        if not can_read(session, actor, document).allowed:
            raise _refuse(actor, "custody.handover.document_denied", action, "", client, id=line.document_id)


def create_handover(
    session: Session,
    *,
    title: str,
    customer_id: int | None,
    reviewer: str | None,
    lines: Sequence[Line],
    actor: User,
    today: date,
    prefix: str,
    finished_on: date | None = None,
    certificates_of: int | None = None,
    client: str = "",
) -> HandoverView:
    """A (staff or a manager) lists a finished matter for B; a certificates list follows its file's list."""
    action = "custody.handover.create"
    if not _party(actor):
        raise _refuse(actor, "custody.handover.party_required", action, "", client)
    if certificates_of is not None:
        file = domain.get_handover(session, certificates_of)
        if file.preparer_id != actor.id:
            raise _refuse(actor, "custody.handover.not_preparer", action, file.id, client, id=file.id)
        customer_id, reviewer_id = file.customer_id, file.reviewer_id
        title = title.strip() or file.title
    else:
        if customer_id is None:
            raise DanganError("custody.handover.customer_required")
        if reviewer is None or not reviewer.strip():
            raise DanganError("custody.handover.reviewer_required")
        named = session.scalar(select(User).where(User.login == reviewer.strip()))
        if named is None or not _party(named):
            raise DanganError("custody.handover.bad_reviewer", login=reviewer)
        reviewer_id = named.id
    if session.get(Customer, customer_id) is None:
        raise NotFound("customer.not_found", id=customer_id)
    _check_reads(session, actor, lines, action, client)
    handover = domain.create_handover(
        session,
        kind="certificate" if certificates_of is not None else "file",
        title=title,
        customer_id=customer_id,
        preparer_id=actor.id,
        reviewer_id=reviewer_id,
        lines=lines,
        finished_on=finished_on or today,
        prefix=prefix,
        file_handover_id=certificates_of,
        overrides=load_overrides(session),
        actor=actor.login,
    )
    view = handover_view(session, handover, today=today)
    _record(session, actor, action, handover.id, client, kind=view.kind, customer_id=customer_id,
            reviewer=view.reviewer, lines=len(view.lines), pieces=view.pieces, pages=view.pages,
            preparer_due=view.preparer_due.isoformat())  # fmt: skip
    return view


def amend_handover(
    session: Session, *, handover_id: int, lines: Sequence[Line], actor: User, today: date, client: str = ""
) -> HandoverView:
    """A rewrites the lines before signing or after a return."""
    action = "custody.handover.amend"
    handover = domain.get_handover(session, handover_id)
    if not actor.active or actor.id != handover.preparer_id:
        raise _refuse(actor, "custody.handover.not_preparer", action, handover_id, client, id=handover_id)
    _check_reads(session, actor, lines, action, client)
    domain.amend_lines(session, handover, lines=lines)
    view = handover_view(session, handover, today=today)
    _record(session, actor, action, handover.id, client, lines=len(view.lines), pieces=view.pieces,
            pages=view.pages)  # fmt: skip
    return view


def _full_counts(
    handover: Handover, counts: Mapping[int, tuple[int, int]] | None, as_listed: bool
) -> dict[int, tuple[int, int]]:
    """The counts given, and with `as_listed` every line not given counted as listed."""
    full = dict(counts or {})
    if as_listed:
        for line in handover.items:
            full.setdefault(line.position, (line.pieces, line.pages))
    return full


def sign_handover(
    session: Session,
    *,
    handover_id: int,
    actor: User,
    today: date,
    pattern: str,
    counts: Mapping[int, tuple[int, int]] | None = None,
    as_listed: bool = False,
    exception: str = "",
    location: str | None = None,
    client: str = "",
) -> HandoverView:
    """The signature the list awaits from the caller: A's, B's (counted) or the archivist's (counted, numbered)."""
    action = "custody.handover.sign"
    handover = domain.get_handover(session, handover_id)
    if not actor.active:
        raise _refuse(actor, "custody.handover.not_your_step", action, handover_id, client, id=handover_id)
    status = handover.status
    if status in ("preparing", "returned") and actor.id == handover.preparer_id:
        step = domain.sign_prepared(session, handover, actor=actor.login, today=today,
                                    overrides=load_overrides(session))  # fmt: skip
    elif status == "reviewing" and actor.id == handover.reviewer_id:
        step = domain.sign_reviewed(session, handover, actor=actor.login, today=today, exception=exception,
                                    counts=_full_counts(handover, counts, as_listed))  # fmt: skip
    elif status == "accepting" and ARCHIVIST in actor.roles:
        if actor.id in (handover.preparer_id, handover.reviewer_id):
            raise _refuse(actor, "custody.handover.three_people", action, handover_id, client)
        place = locations.find(session, location) if location else None
        step = domain.accept(session, handover, actor=actor.login, exception=exception, location=place,
                             counts=_full_counts(handover, counts, as_listed), pattern=pattern, today=today)  # fmt: skip
    elif status == "accepted" or (status in OPEN_STATES and _sees(actor, handover)):
        raise DanganError("custody.handover.not_your_step_now", id=handover_id, status=status)
    else:
        raise _refuse(actor, "custody.handover.not_your_step", action, handover_id, client, id=handover_id)
    view = handover_view(session, handover, today=today)
    _record(session, actor, action, handover.id, client, step=step.kind, late=step.late, counts=step.counts,
            exception=step.exception, number=view.number, location=view.location,
            items=[line.item_id for line in view.lines if line.item_id])  # fmt: skip
    return view


def return_handover(
    session: Session,
    *,
    handover_id: int,
    missing: str,
    actor: User,
    today: date,
    counts: Mapping[int, tuple[int, int]] | None = None,
    client: str = "",
) -> HandoverView:
    """B (while reviewing) or an archivist (while accepting) sends the list back to A with what is missing."""
    action = "custody.handover.return"
    handover = domain.get_handover(session, handover_id)
    reviewer_turn = handover.status == "reviewing" and actor.id == handover.reviewer_id
    archive_turn = handover.status == "accepting" and ARCHIVIST in actor.roles
    if not actor.active or not (reviewer_turn or archive_turn):
        if _sees(actor, handover):
            raise DanganError("custody.handover.not_your_step_now", id=handover_id, status=handover.status)
        raise _refuse(actor, "custody.handover.not_your_step", action, handover_id, client, id=handover_id)
    step = domain.return_list(session, handover, actor=actor.login, missing=missing, counts=counts)
    view = handover_view(session, handover, today=today)
    _record(session, actor, action, handover.id, client, missing=step.note, counts=step.counts)
    return view


def show_handover(
    session: Session, *, handover_id: int, actor: User, today: date, client: str = ""
) -> HandoverView:
    """One list: its parties, the archivists and the auditors."""
    handover = domain.get_handover(session, handover_id)
    if not _sees(actor, handover):
        raise _refuse(actor, "custody.handover.not_yours", "custody.handover.show", handover_id, client,
                      id=handover_id)  # fmt: skip
    _record(session, actor, "custody.handover.show", handover.id, client)
    return handover_view(session, handover, today=today)


def print_handover(
    session: Session, *, handover_id: int, actor: User, today: date, tz: str, language: str = "zh-CN",
    client: str = "",
) -> tuple[HandoverView, bytes]:  # fmt: skip
    """The list as a PDF in three copies (its parties, the archivists and the auditors); audited as a print."""
    handover = domain.get_handover(session, handover_id)
    if not _sees(actor, handover):
        raise _refuse(actor, "custody.handover.not_yours", "custody.handover.print", handover_id, client,
                      id=handover_id)  # fmt: skip
    view = handover_view(session, handover, today=today)
    data = handover_pdf(view, tz=tz, language=language)
    _record(session, actor, "custody.handover.print", handover.id, client, number=view.number, copies=3)
    return view, data


def _visible(actor: User):  # type: ignore[no-untyped-def]
    query = select(Handover).order_by(Handover.id.desc())
    if not actor.roles & WATCHERS:
        query = query.where(or_(Handover.preparer_id == actor.id, Handover.reviewer_id == actor.id))
    return query


def list_handovers(
    session: Session,
    *,
    actor: User,
    as_of: date,
    late: bool = False,
    open_only: bool = False,
    client: str = "",
) -> list[HandoverView]:
    """Lists, newest first: every one for archivists and auditors, else those one is a party to.

    `late`: open lists whose step owed is past its deadline as of `as_of`.
    """
    query = _visible(actor)
    if open_only:
        query = query.where(Handover.status.in_(OPEN_STATES))
    if late:  # as custody.handover_views.is_late, in the query: the step owed is past its deadline
        query = query.where(
            or_(
                Handover.status.in_(("preparing", "returned")) & (Handover.preparer_due < as_of),
                (Handover.status == "reviewing") & (Handover.reviewer_due < as_of),
            )
        )
    views = handover_views(session, list(session.scalars(query)), today=as_of)
    _record(session, actor, "custody.handover.list", "", client, late=late, as_of=as_of.isoformat(),
            count=len(views))  # fmt: skip
    return views


def inbox(session: Session, *, actor: User, today: date, client: str = "") -> dict[str, list[HandoverView]]:
    """The caller's queues: lists to sign (A), to review (B), to accept (archivists), and their own others."""
    boxes: dict[str, list[HandoverView]] = {"to_sign": [], "to_review": [], "to_accept": [], "others": []}
    rows = list(session.scalars(_visible(actor)))
    for handover, view in zip(rows, handover_views(session, rows, today=today), strict=True):
        if handover.status in ("preparing", "returned") and handover.preparer_id == actor.id:
            box = "to_sign"
        elif handover.status == "reviewing" and handover.reviewer_id == actor.id:
            box = "to_review"
        elif handover.status == "accepting" and ARCHIVIST in actor.roles:
            box = "to_accept"
        else:
            box = "others"
        boxes[box].append(view)
    _record(session, actor, "custody.handover.list", "", client, inbox=True,
            count=sum(len(v) for v in boxes.values()))  # fmt: skip
    return boxes


def late_steps_owed(session: Session, *, actor: User, today: date) -> list[HandoverView]:
    """The lists whose late step the caller owes (A's or B's), for their dashboard (HND-1)."""
    query = select(Handover).where(
        or_(
            (Handover.preparer_id == actor.id) & Handover.status.in_(("preparing", "returned")),
            (Handover.reviewer_id == actor.id) & (Handover.status == "reviewing"),
        )
    )
    return handover_views(session, [h for h in session.scalars(query) if is_late(h, today)], today=today)


def form_choices(session: Session, *, actor: User) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """What the create form offers: customer files (id, name) — anyone signed in sees that a file exists —
    and the people who may review (login, name), the caller aside."""
    customers = [
        (i, n) for i, n in session.execute(select(Customer.id, Customer.name).order_by(Customer.name))
    ]
    people = [
        (u.login, u.name)
        for u in session.scalars(select(User).where(User.active).order_by(User.login))
        if _party(u) and u.id != actor.id
    ]
    return customers, people
