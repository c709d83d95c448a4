"""API tokens for scripts: the secret is shown once; only its hash is kept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import denied
from access.models import ApiToken, User
from core import audit
from core.db import utcnow
from core.errors import Conflict, DanganError, NotFound

PREFIX = "dgn_"


@dataclass(frozen=True)
class NewToken:
    id: int
    name: str
    secret: str  # shown once, never stored
    expires_at: datetime | None


@dataclass(frozen=True)
class TokenInfo:
    id: int
    login: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    live: bool


def token_hash(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _live(token: ApiToken, now: datetime) -> bool:
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > now)


def create_token(
    session: Session, *, user: User, name: str, expires_at: datetime | None = None, client: str = ""
) -> NewToken:
    """A new token for the user themself; the secret is in the result and nowhere else."""
    name = name.strip()
    if not name:
        raise DanganError("token.name_required")
    if expires_at is not None and expires_at <= utcnow():
        raise DanganError("token.expiry_past")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=token_hash(secret),
        prefix=secret[: len(PREFIX) + 4],
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=user.login,
        role=user.role_label,
        action="token.create",
        object_type="token",
        object_id=token.id,
        client=client,
        details={"name": token.name, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return NewToken(token.id, token.name, secret, expires_at)


def list_tokens(session: Session, *, user: User) -> list[TokenInfo]:
    """The user's tokens, newest first, without secrets."""
    now = utcnow()
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ).all()
    return [
        TokenInfo(
            t.id,
            user.login,
            t.name,
            t.prefix,
            t.created_at,
            t.last_used_at,
            t.expires_at,
            t.revoked_at,
            _live(t, now),
        )
        for t in tokens
    ]


def revoke_token(session: Session, *, actor: User, token_id: int, client: str = "") -> None:
    """Revoke a token: its owner or an admin may."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("token.not_found", id=token_id)
    if token.user_id != actor.id and not (actor.active and "admin" in actor.roles):
        raise denied(
            actor,
            "token.not_yours",
            action="token.revoke",
            object_type="token",
            object_id=token_id,
            client=client,
        )
    if token.revoked_at is not None:
        raise Conflict("token.already_revoked", id=token_id)
    token.revoked_at = utcnow()
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="token.revoke",
        object_type="token",
        object_id=token.id,
        client=client,
        details={"owner": token.user.login},
    )


def resolve_token(
    session: Session, secret: str, *, client: str = "", at: datetime | None = None
) -> User | None:
    """The active user a live token belongs to, or None (refusals are audited; the caller commits)."""
    now = at or utcnow()
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    reason = (
        "unknown"
        if token is None
        else "revoked"
        if token.revoked_at is not None
        else "expired"
        if not _live(token, now)
        else "disabled"
        if not token.user.active
        else ""
    )
    if reason:
        audit.record(
            session,
            actor=token.user.login if token else "-",
            action="token.use",
            object_type="token",
            object_id=token.id if token else "",
            result="denied",
            client=client,
            details={"reason": reason},
        )
        return None
    assert token is not None
    token.last_used_at = now
    return token.user
