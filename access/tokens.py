"""API tokens for scripts: the secret is shown once; only its hash is kept.

Every token expires: after DANGAN_TOKEN_DAYS_DEFAULT days unless asked otherwise, never later than
DANGAN_TOKEN_DAYS_MAX. A token also ends with the credentials of its owner (access.credentials): a password
change or reset and disabling the account refuse every token made before. Owners list and revoke their own
tokens; admins list and revoke anyone's. Each creation, listing of another's tokens, revocation and refused
use is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from access.errors import denied, require_role
from access.models import ApiToken, User
from core import audit
from core.db import reading, transaction, utcnow
from core.errors import Conflict, DanganError, NotFound

PREFIX = "dgn_"
DEFAULT_DAYS = 90
MAX_DAYS = 365

# A token's or a web session's last use is written at most this often, so that signing a request in mostly
# reads and takes no write lock (issue 14: every request queued for SQLite's write lock to note it).
TOUCH_EVERY = timedelta(minutes=1)


class TokenTooLong(DanganError):
    """A lifetime longer than the archive allows."""

    status_code = 422


@dataclass(frozen=True)
class NewToken:
    id: int
    name: str
    secret: str  # shown once, never stored
    expires_at: datetime


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


def _refusal(token: ApiToken | None, now: datetime) -> str:
    """Why the token may not be used now ("" when it may)."""
    if token is None:
        return "unknown"
    if token.revoked_at is not None:
        return "revoked"
    # A token from before lifetimes existed has none; 0005 gave each one, so None is only a damaged row.
    if token.expires_at is None or token.expires_at <= now:
        return "expired"
    if not token.user.active:
        return "disabled"
    if token.credentials_epoch != token.user.credentials_epoch:
        return "credentials_changed"
    return ""


def create_token(
    session: Session,
    *,
    user: User,
    name: str,
    days: int | None = None,
    default_days: int = DEFAULT_DAYS,
    max_days: int = MAX_DAYS,
    client: str = "",
) -> NewToken:
    """A new token for the user themself, expiring after `days` (default_days when None, at most max_days);
    the secret is in the result and nowhere else."""
    name = name.strip()
    if not name:
        raise DanganError("token.name_required")
    days = min(default_days, max_days) if days is None else days
    if days < 1:
        raise DanganError("token.days_invalid")
    if days > max_days:
        raise TokenTooLong("token.too_long", days=days, max=max_days)
    expires_at = utcnow() + timedelta(days=days)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=token_hash(secret),
        prefix=secret[: len(PREFIX) + 4],
        expires_at=expires_at,
        credentials_epoch=user.credentials_epoch,
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
        details={"name": token.name, "days": days, "expires_at": expires_at.isoformat()},
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
            not _refusal(t, now),
        )
        for t in tokens
    ]


def tokens_of(session: Session, *, actor: User, login: str, client: str = "") -> list[TokenInfo]:
    """Any user's tokens, for an admin who may revoke them (admins only; the look is audited)."""
    require_role(actor, "admin", action="token.list", object_type="user", object_id=login, client=client)
    owner = session.scalar(select(User).where(User.login == login))
    if owner is None:
        raise NotFound("user.not_found", login=login)
    found = list_tokens(session, user=owner)
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="token.list",
        object_type="user",
        object_id=owner.id,
        client=client,
        details={"login": owner.login, "count": len(found), "live": sum(t.live for t in found)},
    )
    return found


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
    reason = _refusal(token, now)
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
    if _stale(token, now):
        token.last_used_at = now
    return token.user


def _stale(token: ApiToken, now: datetime) -> bool:
    """Whether the token's noted last use is older than TOUCH_EVERY (or was never noted)."""
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY


def look_up_token(factory: sessionmaker[Session], secret: str, *, client: str = "") -> User | None:
    """resolve_token in a transaction of its own, which writes (and waits for the write lock) only when
    something must be written: a refusal's audit event, or a last use older than TOUCH_EVERY."""
    with reading(factory) as session:
        token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
        now = utcnow()
        if token is not None and not _refusal(token, now) and not _stale(token, now):
            return token.user
    with transaction(factory) as session:
        return resolve_token(session, secret, client=client)
