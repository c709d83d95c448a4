"""Logging in with a password, with lockout after repeated failures; changing one's own password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.credentials import credentials_changed
from access.errors import denied
from access.models import User
from access.passwords import check_password, hash_password, needs_rehash, verify_password
from access.users import DEFAULT_MIN_PASSWORD
from core import audit
from core.db import utcnow
from core.errors import DanganError

DEFAULT_MAX_FAILURES = 5
DEFAULT_LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    """The outcome; a refusal still changed state (failure count, lock), so the caller commits either way."""

    ok: bool
    user: User | None
    reason_code: str  # login.ok | login.failed | login.locked
    locked_until: datetime | None = None
    must_change_password: bool = False


def authenticate(
    session: Session,
    *,
    login: str,
    password: str,
    client: str = "",
    max_failures: int = DEFAULT_MAX_FAILURES,
    lockout: timedelta = DEFAULT_LOCKOUT,
    at: datetime | None = None,
) -> LoginResult:
    """Check a login and password; lock the account for `lockout` after `max_failures` failures in a row."""
    now = at or utcnow()
    user = session.scalar(select(User).where(User.login == login).with_for_update())

    def refuse(why: str, code: str = "login.failed") -> LoginResult:
        # The user is told only "failed" or "locked"; the audit trail keeps the real reason.
        audit.record(
            session,
            actor=login[:100],
            role=user.role_label if user else "",
            action="login",
            object_type="user",
            object_id=user.id if user else "",
            result="denied",
            client=client,
            details={"reason": why},
        )
        return LoginResult(False, None, code, user.locked_until if user and code == "login.locked" else None)

    # The hash is checked first, whatever happens next, so that a locked account takes as long to answer
    # as an unknown login (verify_password spends as long on a missing hash).
    matches = verify_password(user.password_hash if user else None, password)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        return refuse("locked", "login.locked")
    if user is None:
        return refuse("unknown_login")
    if not matches:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until, user.failed_logins = now + lockout, 0
            return refuse("wrong_password_locked", "login.locked")
        return refuse("wrong_password")
    if not user.active:
        return refuse("disabled")
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    audit.record(
        session,
        actor=user.login,
        role=user.role_label,
        action="login",
        object_type="user",
        object_id=user.id,
        client=client,
    )
    return LoginResult(True, user, "login.ok", None, user.must_change_password)


def change_password(
    session: Session,
    *,
    user: User,
    old_password: str,
    new_password: str,
    min_password_length: int = DEFAULT_MIN_PASSWORD,
    client: str = "",
) -> None:
    """Replace one's own password, proving the old one; every session and token of the user ends."""
    if not verify_password(user.password_hash, old_password):
        raise denied(
            user,
            "password.wrong",
            action="password.change",
            object_type="user",
            object_id=user.id,
            client=client,
        )
    check_password(new_password, min_length=min_password_length)
    if verify_password(user.password_hash, new_password):
        raise DanganError("password.unchanged")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    gone = credentials_changed(session, user)
    audit.record(
        session,
        actor=user.login,
        role=user.role_label,
        action="password.change",
        object_type="user",
        object_id=user.id,
        client=client,
        details={"sessions_ended": gone.sessions, "tokens_ended": gone.tokens},
    )
