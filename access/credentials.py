"""When a credential changes, everything it vouched for ends: web sessions and API tokens.

A password change, an admin's reset and disabling an account each call `credentials_changed`. Web sessions
are ended row by row; API tokens carry the credential epoch their user had when they were made and are
refused once it has moved on (one counter, however many tokens), so a token made before a password change,
a reset or a disabling never works again, not even after the account is enabled again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.models import ApiToken, User
from access.sessions import end_user_sessions
from core.db import utcnow


@dataclass(frozen=True)
class Ended:
    sessions: int
    tokens: int


def credentials_changed(session: Session, user: User) -> Ended:
    """End the user's web sessions and every token made so far; how many of each were live."""
    live_tokens = session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
            ApiToken.credentials_epoch == user.credentials_epoch,
        )
    )
    user.credentials_epoch += 1
    return Ended(end_user_sessions(session, user), live_tokens or 0)
