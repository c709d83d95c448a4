"""When an employee leaves (POL-5; policy 1 §五 and §七.4, policy 8 §12): everything they hold goes to a
successor in one transaction, a handover report (PDF) says what moved, and the account is closed.

What is held comes from access (files, requests, posts, departments, grants: access.leaving) and custody
(open loans: custody.reassign). Offboarding is an admin's act (accounts are the admin's), and because it
changes who reads the files, the admin may not name themselves as the successor; the successor is an active
account that may keep customer files. Each file gets a revision (owner before and after), a timeline entry
saying the customer is to be told their new contact, and its documents are re-indexed (the index carries the
owner); the successor is notified. Disabling an account that still holds anything is refused with the list.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.customer_files import OPEN_ROLES
from access.duties import ACCOUNT_ROLES, require_any
from access.leaving import Held, close_requests_and_grants, hand_over_posts, held_by
from access.models import Offboarding, Position, User
from access.notifications import notify
from access.users import get_user, set_active
from core import audit
from core.db import utcnow
from core.errors import Conflict, DanganError, NotFound
from core.messages import translate
from custody.reassign import open_handovers_of, open_loans_of, reassign_handovers, reassign_loans
from records.customer_files import change_customer, get_customer
from records.customer_timeline import add_entry
from search import SearchEngine
from workflows.indexing import index_documents

# Shown in a refusal: this many items per kind, then a count.
LIST_SHOWN = 10


def holdings(session: Session, user: User) -> Held:
    """Everything the user holds: access's list, custody's open loans and open handover lists."""
    held = held_by(session, user)
    held.loans = [asdict(loan) for loan in open_loans_of(session, user)]
    held.handovers = [asdict(h) for h in open_handovers_of(session, user)]
    return held


def holdings_of(session: Session, *, actor: User, login: str, client: str = "") -> dict[str, Any]:
    """What an account holds, for the admin about to offboard it (the look audited as user.holdings)."""
    require_any(
        actor, ACCOUNT_ROLES, action="user.holdings", object_type="user", object_id=login, client=client
    )
    user = get_user(session, login)
    held = holdings(session, user)
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="user.holdings",
        object_type="user",
        object_id=user.id,
        client=client,
        details={k: len(v) for k, v in asdict(held).items()},
    )
    return {"login": user.login, "name": user.name, "active": user.active} | asdict(held)


def describe(duties: dict[str, list], language: str = "zh-CN") -> str:
    """The duties, kind by kind in the language's words (the catalogue's), for a refusal."""
    parts = []
    for kind, values in duties.items():
        shown = [v["name"] if isinstance(v, dict) and "name" in v else v.get("slip_no", v.get("title", v))
                 if isinstance(v, dict) else v for v in values[:LIST_SHOWN]]  # fmt: skip
        more = f" …(+{len(values) - LIST_SHOWN})" if len(values) > LIST_SHOWN else ""
        name = translate(f"ui.offboard.{kind}", language)
        parts.append(f"{name}: {', '.join(str(s) for s in shown)}{more}")
    return "; ".join(parts)


def _refusal(login: str, duties: dict[str, list]) -> Conflict:
    return Conflict(
        "user.holds_duties", login=login, duties_zh=describe(duties), duties_en=describe(duties, "en")
    )


def disable_user(session: Session, *, actor: User, login: str, client: str = "") -> User:
    """Disable an account (admin) — refused, with the list, while it still holds files or duties (POL-5)."""
    require_any(
        actor, ACCOUNT_ROLES, action="user.disable", object_type="user", object_id=login, client=client
    )
    user = get_user(session, login)
    duties = holdings(session, user).duties()
    if duties:
        raise _refusal(login, duties)
    return set_active(session, actor=actor, login=login, active=False, client=client)


def _check_successor(
    session: Session, *, actor: User, leaver: User, successor_login: str, files: bool
) -> User:
    try:
        successor = get_user(session, successor_login)
    except NotFound:
        raise DanganError("offboard.successor_unknown", login=successor_login) from None
    if successor.id == leaver.id:
        raise DanganError("offboard.successor_self", login=successor_login)
    if successor.id == actor.id:
        raise DanganError("offboard.successor_actor", login=successor_login)
    if not successor.active:
        raise DanganError("offboard.successor_disabled", login=successor_login)
    if files and not successor.roles & OPEN_ROLES:
        raise DanganError("offboard.successor_keeps_no_files", login=successor_login)
    return successor


def offboard(
    session: Session,
    index: SearchEngine,
    *,
    actor: User,
    login: str,
    successor: str,
    reason: str,
    client: str = "",
) -> dict[str, Any]:
    """Hand everything the user holds to the successor, close the account, and keep the report; all in the
    caller's transaction. Returns the report with its id (the PDF: handover_pdf)."""
    require_any(
        actor, ACCOUNT_ROLES, action="user.offboard", object_type="user", object_id=login, client=client
    )
    reason = reason.strip()
    if not reason:
        raise DanganError("offboard.reason_required")
    leaver = get_user(session, login)
    if not leaver.active:
        raise Conflict("offboard.already_disabled", login=login)
    before = holdings(session, leaver)
    heir = _check_successor(
        session, actor=actor, leaver=leaver, successor_login=successor, files=bool(before.files)
    )
    why = translate("offboard.revision_reason", reason=reason, login=leaver.login, successor=heir.login)
    files, reindex = [], []
    for row in before.files:
        change = change_customer(
            session, customer_id=row["id"], actor=actor.login, role=actor.role_label, owner=heir.login,
            reason=why, client=client,
        )  # fmt: skip
        reindex += change.document_ids
        add_entry(
            session,
            customer=get_customer(session, row["id"]),
            actor=actor.login,
            role=actor.role_label,
            kind="change",
            on=utcnow().date(),
            text=translate(
                "offboard.timeline_text",
                login=leaver.login,
                name=leaver.name,
                successor=heir.login,
                successor_name=heir.name,
            ),  # fmt: skip
            client=client,
        )
        files.append(row | {"documents": len(change.document_ids)})
    posts = hand_over_posts(session, leaver=leaver, successor=heir, actor=actor, client=client)
    closed = close_requests_and_grants(session, leaver=leaver, actor=actor, reason=why, client=client)
    loans = [asdict(loan) for loan in reassign_loans(session, leaver=leaver, successor=heir, actor=actor.login,
                                                       role=actor.role_label, client=client)]  # fmt: skip
    handovers = [asdict(h) for h in reassign_handovers(session, leaver=leaver, successor=heir, actor=actor.login,
                                                         role=actor.role_label, client=client)]  # fmt: skip
    index_documents(session, index, reindex)
    left = holdings(session, leaver).duties()
    if left:  # a duty this code does not know how to hand over: refuse rather than close the account over it
        raise _refusal(login, left)
    set_active(session, actor=actor, login=login, active=False, client=client)
    report = {
        "login": leaver.login,
        "name": leaver.name,
        "successor": heir.login,
        "successor_name": heir.name,
        "reason": reason,
        "actor": actor.login,
        "files": files,
        "posts": posts["posts"],
        "post_names": {
            p.code: p.name_zh
            for p in session.scalars(select(Position).where(Position.code.in_(posts["posts"])))
        },
        "departments": posts["departments"],
        "requests_withdrawn": closed["requests"],
        "requests_to_decide": before.requests_to_decide,
        "complaints_to_approve": before.complaints_to_approve,
        "grants_revoked": closed["grants"],
        "grants_given": before.grants_given,
        "loans": loans,
        "handovers": handovers,
    }
    record = Offboarding(
        login=leaver.login, successor=heir.login, actor=actor.login, reason=reason, report=report
    )
    session.add(record)
    session.flush()
    report["at"] = record.at.isoformat()
    record.report = dict(report)
    notify(session, user_ids=[heir.id], code="notify.offboard.received", login=leaver.login,
           files=len(files), loans=len(loans), id=record.id)  # fmt: skip
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="user.offboard",
        object_type="user",
        object_id=leaver.id,
        client=client,
        reference=f"offboarding:{record.id}",
        details={
            "successor": heir.login,
            "reason": reason,
            "files": [f["id"] for f in files],
            "loans": [loan["id"] for loan in loans],
            "handovers": [h["id"] for h in handovers],
            **posts,
        },  # fmt: skip
    )
    return {"id": record.id} | report


def get_offboarding(
    session: Session, *, actor: User, offboarding_id: int, client: str = ""
) -> dict[str, Any]:
    """A kept handover report (admins; the look audited as user.offboard_report)."""
    require_any(actor, ACCOUNT_ROLES, action="user.offboard_report", object_type="offboarding",
                object_id=offboarding_id, client=client)  # fmt: skip
    record = session.get(Offboarding, offboarding_id)
    if record is None:
        raise NotFound("offboard.not_found", id=offboarding_id)
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="user.offboard_report",
        object_type="offboarding",
        object_id=record.id,
        client=client,
    )
    return {"id": record.id} | dict(record.report)


def offboardings_of(session: Session, login: str) -> list[int]:
    """The ids of an account's handover reports, newest first."""
    return list(
        session.scalars(
            select(Offboarding.id).where(Offboarding.login == login).order_by(Offboarding.id.desc())
        )
    )
