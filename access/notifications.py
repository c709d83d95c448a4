"""Messages for users (request decided, approval awaited, grant revoked), stored as catalogue codes."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import Notification, User, UserRole
from core.errors import NotFound


def notify(session: Session, *, user_ids: Iterable[int], code: str, **params: object) -> None:
    """Leave the same message for each user."""
    for user_id in sorted(set(user_ids)):
        session.add(Notification(user_id=user_id, code=code, params={k: v for k, v in params.items()}))
    session.flush()


def holders(session: Session, roles: Iterable[str]) -> set[int]:
    """Ids of the active users holding any of these roles (whom a message for a role goes to)."""
    query = select(UserRole.user_id).join(User).where(UserRole.role.in_(list(roles)), User.active)
    return set(session.scalars(query))


def list_notifications(session: Session, *, user: User, unread_only: bool = False) -> list[Notification]:
    """The user's messages, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read.is_(False))
    return list(session.scalars(query.order_by(Notification.id.desc())))


def mark_read(session: Session, *, user: User, notification_id: int) -> None:
    """Mark one of the user's own messages read; someone else's is as unknown as a missing one."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound("notification.not_found", id=notification_id)
    note.read = True


def mark_all_read(session: Session, *, user: User) -> int:
    """Mark all of the user's own messages read; how many were unread."""
    notes = list_notifications(session, user=user, unread_only=True)
    for note in notes:
        note.read = True
    session.flush()
    return len(notes)
