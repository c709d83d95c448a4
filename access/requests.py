"""Access requests (查阅审批, POL-4): asked, signed along a chain, and turned into grants for the period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import denied
from access.models import (
    AccessRequest,
    AccessRequestDocument,
    ApprovalStep,
    Department,
    Grant,
    User,
    UserPosition,
)
from access.notifications import notify
from access.policy import decide, read_scope
from access.rules import load_rules
from core import audit
from core.db import utcnow
from core.errors import Conflict, DanganError, NotFound
from records.models import Customer, Document

DEFAULT_MAX_DAYS = 90


@dataclass(frozen=True)
class StepInfo:
    order: int
    position: str
    department: str | None
    decision: str
    approver: str | None
    comment: str
    decided_at: datetime | None


@dataclass(frozen=True)
class RequestInfo:
    id: int
    requester: str
    customer_id: int | None
    document_ids: tuple[int, ...]
    reason: str
    starts_at: datetime
    ends_at: datetime
    level: str
    state: str
    created_at: datetime
    decided_at: datetime | None
    steps: tuple[StepInfo, ...]


def request_info(session: Session, request: AccessRequest) -> RequestInfo:
    """A request as plain values."""
    logins = dict(
        session.execute(
            select(User.id, User.login).where(
                User.id.in_([s.approver_id for s in request.steps if s.approver_id])
            )
        ).all()
    )
    steps = tuple(
        StepInfo(
            s.order,
            s.position,
            s.department.code if s.department else None,
            s.decision,
            logins.get(s.approver_id) if s.approver_id else None,
            s.comment,
            s.decided_at,
        )
        for s in request.steps
    )
    return RequestInfo(
        request.id,
        request.requester.login,
        request.customer_id,
        tuple(request.document_ids),
        request.reason,
        request.starts_at,
        request.ends_at,
        request.level,
        request.state,
        request.created_at,
        request.decided_at,
        steps,
    )


def eligible_approvers(session: Session, step: ApprovalStep) -> set[int]:
    """The active users who may sign this step now: the department's current manager, or the post's holders."""
    if step.position == "department_manager":
        department = session.get(Department, step.department_id)
        manager = department.manager if department is not None else None
        return {manager.id} if manager is not None and manager.active else set()
    return set(
        session.scalars(
            select(UserPosition.user_id).join(User).where(UserPosition.position == step.position, User.active)
        )
    )


def _department_id(session: Session, code: str | None) -> int | None:
    return session.scalar(select(Department.id).where(Department.code == code)) if code else None


def _plan(
    session: Session, chain: Iterable[str], requester: User, files: list[Customer]
) -> list[tuple[str, int | None]]:
    """The chain's codes made concrete: (position, department id) per signature, duplicates dropped."""
    steps: list[tuple[str, int | None]] = []
    for code in chain:
        if code == "requester_manager":
            departments = [requester.department_id]
        elif code == "department_manager":
            departments = [_department_id(session, f.department) for f in files]
        elif code == "owner_manager":
            owners = {
                f.id: session.scalar(select(User).where(User.login == f.owner)) if f.owner else None
                for f in files
            }
            departments = [
                owners[f.id].department_id
                if owners[f.id] is not None and owners[f.id].department_id
                else _department_id(session, f.department)
                for f in files
            ]
        else:
            steps.append((code, None))
            continue
        if not departments or None in departments:
            raise DanganError("access.no_approver", step=code)
        steps.extend(("department_manager", d) for d in sorted({d for d in departments if d is not None}))
    return list(dict.fromkeys(steps))


def request_access(
    session: Session,
    *,
    requester: User,
    document_ids: Iterable[int] = (),
    customer_id: int | None = None,
    reason: str,
    days: int | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    max_days: int = DEFAULT_MAX_DAYS,
    client: str = "",
) -> RequestInfo:
    """Ask to read documents and/or a whole customer file for a period; the chain of the highest level signs."""
    if not requester.active:
        raise denied(requester, "access.denied.inactive", action="access.request", client=client)
    reason = reason.strip()
    if not reason:
        raise DanganError("access.reason_required")
    ids = sorted(set(document_ids))
    if not ids and customer_id is None:
        raise DanganError("access.nothing_requested")
    start = starts_at or utcnow()
    end = ends_at or (start + timedelta(days=days) if days else None)
    if end is None or end <= start or end - start > timedelta(days=max_days):
        raise DanganError("access.bad_period", max_days=max_days)
    docs = session.scalars(select(Document).where(Document.id.in_(ids)).order_by(Document.id)).all()
    missing = set(ids) - {d.id for d in docs}
    if missing:
        raise NotFound("document.not_found", id=min(missing))
    customer = session.get(Customer, customer_id) if customer_id is not None else None
    if customer_id is not None and customer is None:
        raise NotFound("customer.not_found", id=customer_id)
    if customer is None:
        scope = read_scope(session, requester)
        if all(decide(scope, d).allowed for d in docs):
            raise DanganError("access.not_needed")

    levels = {d.level for d in docs}
    files = {d.customer.id: d.customer for d in docs if d.customer is not None}
    if customer is not None:
        files[customer.id] = customer
        levels |= {
            customer.level,
            *session.scalars(select(Document.level).where(Document.customer_id == customer.id)),
        }
    rules = load_rules(session)
    level = max(levels, key=lambda lv: rules[lv].rank if lv in rules else -1)
    chain = rules[level].chain if level in rules else ()
    if not chain:
        raise DanganError("access.not_needed")

    request = AccessRequest(
        requester=requester,
        customer_id=customer_id,
        reason=reason,
        starts_at=start,
        ends_at=end,
        level=level,
        state="pending",
    )
    request.documents = [AccessRequestDocument(document_id=i) for i in ids]
    plan = _plan(session, chain, requester, [files[k] for k in sorted(files)])
    request.steps = [ApprovalStep(order=n, position=p, department_id=d) for n, (p, d) in enumerate(plan, 1)]
    session.add(request)
    session.flush()
    for step in request.steps:
        who = eligible_approvers(session, step)
        if not who:
            raise DanganError("access.no_approver", step=step.position)
        if who == {requester.id}:
            # The requester holds this post themself; nobody signs their own form, so the step is passed.
            step.decision = "skipped"
    audit.record(
        session,
        actor=requester.login,
        role=requester.role_label,
        action="access.request",
        object_type="access_request",
        object_id=request.id,
        client=client,
        reference=f"request:{request.id}",
        details={
            "documents": ids,
            "customer_id": customer_id,
            "level": level,
            "reason": reason,
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "chain": [f"{s.position}:{s.department_id or ''}" for s in request.steps],
        },
    )
    _advance(session, request, requester, client)
    return request_info(session, request)


def _current_step(request: AccessRequest) -> ApprovalStep | None:
    return next((s for s in request.steps if s.decision == "pending"), None)


def _advance(session: Session, request: AccessRequest, actor: User, client: str) -> None:
    """Tell the next signer, or, when none is left, approve: grant exactly the records asked for."""
    step = _current_step(request)
    if step is not None:
        notify(
            session,
            user_ids=eligible_approvers(session, step) - {request.requester_id},
            code="notify.access.pending",
            request_id=request.id,
            requester=request.requester.login,
        )
        return
    now = utcnow()
    request.state, request.decided_at = "approved", now
    targets = [("document_id", i) for i in request.document_ids]
    if request.customer_id is not None:
        targets.append(("customer_id", request.customer_id))
    for field, value in targets:
        grant = Grant(
            user_id=request.requester_id,
            valid_from=request.starts_at,
            valid_until=request.ends_at,
            request_id=request.id,
            **{field: value},
        )
        session.add(grant)
        session.flush()
        audit.record(
            session,
            actor=actor.login,
            role=actor.role_label,
            action="grant.create",
            object_type="grant",
            object_id=grant.id,
            client=client,
            reference=f"request:{request.id}",
            details={
                "user": request.requester.login,
                field: value,
                "valid_from": grant.valid_from.isoformat(),
                "valid_until": grant.valid_until.isoformat(),
            },
        )
    notify(
        session,
        user_ids=[request.requester_id],
        code="notify.access.approved",
        request_id=request.id,
        until=request.ends_at.isoformat(),
    )


def _locked_request(session: Session, request_id: int) -> AccessRequest:
    # Row lock on PostgreSQL: two approvers deciding at once sign one after the other.
    request = session.get(AccessRequest, request_id, with_for_update=True)
    if request is None:
        raise NotFound("access.request_not_found", id=request_id)
    return request


def decide_request(
    session: Session, *, request_id: int, approver: User, approve: bool, comment: str = "", client: str = ""
) -> RequestInfo:
    """Sign the request's current step (approve or refuse); only someone holding that step's post may."""
    action = "access.approve" if approve else "access.refuse"
    request = _locked_request(session, request_id)
    if request.state != "pending":
        raise Conflict("access.request_closed", id=request_id, state=request.state)
    step = _current_step(request)
    assert step is not None  # a pending request always has a pending step
    if (
        not approver.active
        or approver.id == request.requester_id
        or approver.id not in eligible_approvers(session, step)
    ):
        later = any(
            approver.id in eligible_approvers(session, s)
            for s in request.steps
            if s.decision == "pending" and s is not step
        )
        code = (
            "access.not_your_turn"
            if later and approver.id != request.requester_id
            else "access.not_your_step"
        )
        raise denied(
            approver, code, action=action, object_type="access_request", object_id=request_id, client=client
        )
    comment = comment.strip()
    if not approve and not comment:
        raise DanganError("access.comment_required")
    step.decision = "approved" if approve else "refused"
    step.approver_id, step.comment, step.decided_at = approver.id, comment, utcnow()
    audit.record(
        session,
        actor=approver.login,
        role=approver.role_label,
        action=action,
        object_type="access_request",
        object_id=request.id,
        client=client,
        reference=f"request:{request.id}",
        details={"step": step.order, "position": step.position, "comment": comment},
    )
    if approve:
        _advance(session, request, approver, client)
    else:
        request.state, request.decided_at = "refused", step.decided_at
        notify(
            session,
            user_ids=[request.requester_id],
            code="notify.access.refused",
            request_id=request.id,
            comment=comment,
        )
    session.flush()
    return request_info(session, request)


def approve(
    session: Session, *, request_id: int, approver: User, comment: str = "", client: str = ""
) -> RequestInfo:
    """Approve the current step of a request."""
    return decide_request(
        session, request_id=request_id, approver=approver, approve=True, comment=comment, client=client
    )


def refuse(
    session: Session, *, request_id: int, approver: User, comment: str, client: str = ""
) -> RequestInfo:
    """Refuse a request at its current step, saying why."""
    return decide_request(
        session, request_id=request_id, approver=approver, approve=False, comment=comment, client=client
    )


def withdraw(session: Session, *, request_id: int, requester: User, client: str = "") -> RequestInfo:
    """The requester takes back a request that is still pending."""
    request = _locked_request(session, request_id)
    if request.requester_id != requester.id:
        raise denied(
            requester,
            "access.not_yours",
            action="access.withdraw",
            object_type="access_request",
            object_id=request_id,
            client=client,
        )
    if request.state != "pending":
        raise Conflict("access.request_closed", id=request_id, state=request.state)
    request.state, request.decided_at = "withdrawn", utcnow()
    audit.record(
        session,
        actor=requester.login,
        role=requester.role_label,
        action="access.withdraw",
        object_type="access_request",
        object_id=request.id,
        client=client,
        reference=f"request:{request.id}",
    )
    return request_info(session, request)


def get_request(session: Session, *, request_id: int, viewer: User, client: str = "") -> RequestInfo:
    """One request, for its requester, its signers, an auditor or an admin."""
    request = session.get(AccessRequest, request_id)
    if request is None:
        raise NotFound("access.request_not_found", id=request_id)
    involved = viewer.id == request.requester_id or any(
        viewer.id == s.approver_id or viewer.id in eligible_approvers(session, s) for s in request.steps
    )
    if not (involved or (viewer.active and viewer.roles & {"auditor", "admin"})):
        raise denied(
            viewer,
            "access.not_yours",
            action="access.view_request",
            object_type="access_request",
            object_id=request_id,
            client=client,
        )
    return request_info(session, request)


def my_requests(session: Session, *, user: User) -> list[RequestInfo]:
    """The user's own requests, newest first."""
    rows = session.scalars(
        select(AccessRequest).where(AccessRequest.requester_id == user.id).order_by(AccessRequest.id.desc())
    )
    return [request_info(session, r) for r in rows]


def awaiting(session: Session, *, approver: User) -> list[RequestInfo]:
    """Pending requests whose current step the user may sign, oldest first."""
    rows = session.scalars(
        select(AccessRequest).where(AccessRequest.state == "pending").order_by(AccessRequest.id)
    )
    found = []
    for request in rows:
        step = _current_step(request)
        if (
            step is not None
            and request.requester_id != approver.id
            and approver.id in eligible_approvers(session, step)
        ):
            found.append(request_info(session, request))
    return found
