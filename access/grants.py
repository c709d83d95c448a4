"""Grants: listed, and revoked before their end (expiry needs nothing: a grant is checked against the clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import denied
from access.models import ApprovalStep, Grant, User
from access.notifications import notify
from core import audit
from core.db import utcnow
from core.errors import Conflict, NotFound

# Roles that may see everyone's grants; revoking needs admin or manager (or having signed the request).
OVERSEERS = frozenset({"admin", "auditor", "manager"})
REVOKERS = frozenset({"admin", "manager"})


@dataclass(frozen=True)
class GrantInfo:
    id: int
    user: str
    document_id: int | None
    customer_id: int | None
    valid_from: datetime
    valid_until: datetime
    request_id: int | None
    revoked_at: datetime | None
    revoked_by: str | None
    live: bool


def _info(grant: Grant, now: datetime) -> GrantInfo:
    return GrantInfo(
        grant.id,
        grant.user.login,
        grant.document_id,
        grant.customer_id,
        grant.valid_from,
        grant.valid_until,
        grant.request_id,
        grant.revoked_at,
        grant.revoked_by,
        grant.live(now),
    )


def list_grants(
    session: Session,
    *,
    viewer: User,
    login: str | None = None,
    everyone: bool = False,
    live_only: bool = False,
    client: str = "",
) -> list[GrantInfo]:
    """The viewer's grants, or another user's (or everyone's) for an admin, auditor or manager."""
    now = utcnow()
    query = select(Grant).join(Grant.user).order_by(Grant.id.desc())
    if everyone or (login is not None and login != viewer.login):
        if not (viewer.active and viewer.roles & OVERSEERS):
            raise denied(
                viewer,
                "access.not_yours",
                action="grant.list",
                object_type="user",
                object_id=login or "*",
                client=client,
            )
        if not everyone:
            query = query.where(User.login == login)
    else:
        query = query.where(Grant.user_id == viewer.id)
    if live_only:
        query = query.where(Grant.live_at(now))
    return [_info(g, now) for g in session.scalars(query)]


def revoke_grant(
    session: Session, *, grant_id: int, actor: User, reason: str = "", client: str = ""
) -> GrantInfo:
    """End a grant now: its holder, a signer of its request, a manager or an admin may."""
    grant = session.get(Grant, grant_id)
    if grant is None:
        raise NotFound("grant.not_found", id=grant_id)
    signed = (
        grant.request_id is not None
        and session.scalar(
            select(ApprovalStep.id).where(
                ApprovalStep.request_id == grant.request_id, ApprovalStep.approver_id == actor.id
            )
        )
        is not None
    )
    if not actor.active or not (actor.id == grant.user_id or signed or actor.roles & REVOKERS):
        raise denied(
            actor,
            "grant.revoke_forbidden",
            action="grant.revoke",
            object_type="grant",
            object_id=grant_id,
            client=client,
        )
    if grant.revoked_at is not None:
        raise Conflict("grant.already_revoked", id=grant_id)
    now = utcnow()
    end_grant(session, grant, actor=actor, reason=reason, now=now, client=client)
    if actor.id != grant.user_id:
        notify(session, user_ids=[grant.user_id], code="notify.grant.revoked", grant_id=grant.id)
    return _info(grant, now)


def end_grant(
    session: Session, grant: Grant, *, actor: User, reason: str, now: datetime, client: str = ""
) -> None:
    """Revoke a grant (who, when, why), audited as grant.revoke; the caller has checked that it may."""
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = now, actor.login, reason.strip()
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="grant.revoke",
        object_type="grant",
        object_id=grant.id,
        client=client,
        reference=f"request:{grant.request_id}" if grant.request_id else "",
        details={
            "user": grant.user.login,
            "document_id": grant.document_id,
            "customer_id": grant.customer_id,
            "reason": grant.revoke_reason,
        },
    )
