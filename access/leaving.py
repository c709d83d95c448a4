"""What an employee holds in the access domain when they leave (POL-5), and handing it to a successor.

Held: the customer files they own, the access requests they filed and still wait, the requests waiting for
their signature, the posts that make them an approver (GM, deputy GM, marketing director...: access requests,
loans and complaints are approved by post), the departments they manage, the grants they hold, and the grants
they signed that are still live. Handing over moves the posts and the departments' management to the
successor (a pending step is resolved when it is decided, so what waited for the leaver now waits for the
successor), withdraws the leaver's own pending requests and revokes their grants (nobody reads under a closed
account); grants they signed stay valid — the signature was given — and are listed in the report. Customer
files are moved by the workflow (records keeps their revisions; the index follows).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.grants import end_grant
from access.models import (
    AccessRequest,
    ApprovalStep,
    Department,
    DepartmentManager,
    Grant,
    User,
    UserPosition,
)
from access.requests import awaiting
from core import audit
from core.db import utcnow
from records.models import Customer, CustomerEntry

MANAGER_POST = "department_manager"
COMPLAINT_POSTS = frozenset({"gm"})  # who approves a complaint's handling (access.customer_files)


@dataclass
class Held:
    """Everything an account holds that must not stay with it once it is closed (plus what it signed)."""

    files: list[dict[str, Any]] = field(default_factory=list)
    requests_filed: list[int] = field(default_factory=list)
    requests_to_decide: list[int] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    complaints_to_approve: list[int] = field(default_factory=list)
    grants_held: list[int] = field(default_factory=list)
    grants_given: list[int] = field(default_factory=list)
    loans: list[dict[str, Any]] = field(default_factory=list)  # filled in by the workflow (custody)
    handovers: list[dict[str, Any]] = field(default_factory=list)  # the same: open handover lists (A or B)

    def duties(self) -> dict[str, list]:
        """What must be handed over before the account may be closed (grants given are history)."""
        shown = asdict(self)
        shown.pop("grants_given")
        return {name: values for name, values in shown.items() if values}


def held_by(session: Session, user: User) -> Held:
    """What the user holds now (the workflow adds custody's loans)."""
    now = utcnow()
    files = session.execute(
        select(Customer.id, Customer.name)
        .where(Customer.owner == user.login, Customer.merged_into.is_(None))
        .order_by(Customer.id)
    ).all()
    filed = session.scalars(
        select(AccessRequest.id)
        .where(AccessRequest.requester_id == user.id, AccessRequest.state == "pending")
        .order_by(AccessRequest.id)
    )
    posts = sorted(p for p in user.positions if p != MANAGER_POST)
    managed = session.scalars(
        select(Department.code)
        .join(DepartmentManager, DepartmentManager.department_id == Department.id)
        .where(DepartmentManager.user_id == user.id)
        .order_by(Department.code)
    )
    complaints: list[int] = []
    if COMPLAINT_POSTS & set(posts):
        complaints = list(
            session.scalars(
                select(CustomerEntry.id)
                .where(CustomerEntry.state == "needs_approval")
                .order_by(CustomerEntry.id)
            )
        )
    held_grants = session.scalars(
        select(Grant.id).where(Grant.user_id == user.id, Grant.live_at(now)).order_by(Grant.id)
    )
    given = session.scalars(
        select(Grant.id)
        .join(ApprovalStep, ApprovalStep.request_id == Grant.request_id)
        .where(ApprovalStep.approver_id == user.id, Grant.live_at(now))
        .distinct()
        .order_by(Grant.id)
    )
    return Held(
        files=[{"id": cid, "name": name} for cid, name in files],
        requests_filed=list(filed),
        requests_to_decide=[r.id for r in awaiting(session, approver=user)] if user.active else [],
        posts=posts,
        departments=list(managed),
        complaints_to_approve=complaints,
        grants_held=list(held_grants),
        grants_given=list(given),
    )


def hand_over_posts(
    session: Session, *, leaver: User, successor: User, actor: User, client: str = ""
) -> dict[str, list[str]]:
    """Move the leaver's approving posts and departments to the successor; audited as permission.change."""
    posts = sorted(p for p in leaver.positions if p != MANAGER_POST)
    rows = list(session.scalars(select(DepartmentManager).where(DepartmentManager.user_id == leaver.id)))
    departments = sorted(session.get_one(Department, r.department_id).code for r in rows)
    for row in rows:
        row.user_id = successor.id
    moving = set(posts) | ({MANAGER_POST} if rows else set())
    for post in sorted(moving - successor.positions):
        successor.position_rows.append(UserPosition(position=post))
    leaver.position_rows = [p for p in leaver.position_rows if p.position not in moving]
    session.flush()
    for row in rows:  # the manager relationship reads the link rows changed above
        session.expire(session.get_one(Department, row.department_id), ["manager"])
    if moving:
        audit.record(
            session,
            actor=actor.login,
            role=actor.role_label,
            action="permission.change",
            object_type="user",
            object_id=leaver.id,
            client=client,
            details={
                "login": leaver.login,
                "handed_to": successor.login,
                "positions": sorted(moving),
                "departments": departments,
            },
        )
    return {"posts": posts, "departments": departments}


def close_requests_and_grants(
    session: Session, *, leaver: User, actor: User, reason: str, client: str = ""
) -> dict[str, list[int]]:
    """Withdraw the leaver's pending requests and revoke their live grants; each audited."""
    now = utcnow()
    requests = list(
        session.scalars(
            select(AccessRequest).where(
                AccessRequest.requester_id == leaver.id, AccessRequest.state == "pending"
            )
        )
    )
    for request in requests:
        request.state, request.decided_at = "withdrawn", now
        audit.record(
            session,
            actor=actor.login,
            role=actor.role_label,
            action="access.withdraw",
            object_type="access_request",
            object_id=request.id,
            client=client,
            reference=f"request:{request.id}",
            details={"requester": leaver.login, "reason": reason},
        )
    grants = list(session.scalars(select(Grant).where(Grant.user_id == leaver.id, Grant.live_at(now))))
    for grant in grants:
        end_grant(session, grant, actor=actor, reason=reason, now=now, client=client)
    session.flush()
    return {"requests": [r.id for r in requests], "grants": [g.id for g in grants]}
