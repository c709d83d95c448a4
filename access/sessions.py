"""Web sessions kept on the server: the cookie holds a random secret, the table holds its hash.

Server-side so that logout, disabling an account and a password reset end a session at once. Each session
has its own CSRF token (synchronizer-token pattern); forms echo it and `csrf_ok` compares.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from access.models import User, WebSession
from access.tokens import TOUCH_EVERY, token_hash
from core import audit
from core.db import reading, transaction, utcnow

DEFAULT_IDLE = timedelta(minutes=30)
DEFAULT_MAX_AGE = timedelta(hours=12)
# TOUCH_EVERY (access.tokens): a session's last use is written at most this often, so that signing in a
# request (look_up_session) mostly reads and takes no write lock (issue 14). The idle timeout then counts from
# a use up to this much older than the last: a session may end this much sooner, never later.


@dataclass(frozen=True)
class NewWebSession:
    id: int
    secret: str  # the cookie value
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class ActiveSession:
    id: int
    user: User
    csrf_token: str


def start_session(
    session: Session,
    *,
    user: User,
    client: str = "",
    max_age: timedelta = DEFAULT_MAX_AGE,
    at: datetime | None = None,
) -> NewWebSession:
    """A session for a user who has just authenticated."""
    now = at or utcnow()
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    row = WebSession(
        user_id=user.id,
        token_hash=token_hash(secret),
        csrf_token=csrf,
        client=client[:100],
        created_at=now,
        last_seen_at=now,
        expires_at=now + max_age,
    )
    session.add(row)
    session.flush()
    return NewWebSession(row.id, secret, csrf, row.expires_at)


def resolve_session(
    session: Session, secret: str, *, idle: timedelta = DEFAULT_IDLE, at: datetime | None = None
) -> ActiveSession | None:
    """The live session for a cookie value, or None if unknown, ended, expired, idle too long or disabled."""
    now = at or utcnow()
    row = session.scalar(select(WebSession).where(WebSession.token_hash == token_hash(secret)))
    if row is None or row.ended_at is not None:
        return None
    if row.expires_at <= now or row.last_seen_at + idle <= now or not row.user.active:
        row.ended_at = now
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return ActiveSession(row.id, row.user, row.csrf_token)


def look_up_session(factory: sessionmaker[Session], secret: str, *, idle: timedelta) -> ActiveSession | None:
    """resolve_session in a transaction of its own, which writes (and waits for the write lock) only when the
    row must change: the session ends, or its last use is older than TOUCH_EVERY."""
    with reading(factory) as session:
        active = resolve_session(session, secret, idle=idle)
        if not session.dirty:
            return active
    with transaction(factory) as session:
        return resolve_session(session, secret, idle=idle)


def end_session(session: Session, *, secret: str, client: str = "") -> bool:
    """Log out: end the session for a cookie value; False if there was none."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == token_hash(secret)))
    if row is None or row.ended_at is not None:
        return False
    row.ended_at = utcnow()
    audit.record(
        session,
        actor=row.user.login,
        role=row.user.role_label,
        action="logout",
        object_type="user",
        object_id=row.user_id,
        client=client,
    )
    return True


def csrf_ok(active: ActiveSession, token: str | None) -> bool:
    """Whether a submitted form carries this session's CSRF token (constant-time comparison)."""
    return bool(token) and hmac.compare_digest(active.csrf_token.encode(), (token or "").encode())


def end_user_sessions(session: Session, user: User) -> int:
    """End every open web session of the user; the number ended."""
    open_sessions = session.scalars(
        select(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
    ).all()
    now = utcnow()
    for web_session in open_sessions:
        web_session.ended_at = now
    return len(open_sessions)
