"""Messages: each user marks only their own read."""

from __future__ import annotations

import pytest

from access.notifications import list_notifications, mark_all_read, mark_read, notify
from core.errors import NotFound


def test_mark_all_read_touches_only_the_users_own_messages(factory, company):
    with factory() as session, session.begin():
        alice, bob = company.user(session, "alice"), company.user(session, "bob")
        notify(session, user_ids=[alice.id, bob.id], code="notify.grant.revoked", grant_id=1)
        notify(session, user_ids=[alice.id], code="notify.grant.revoked", grant_id=2)
        assert mark_all_read(session, user=alice) == 2
        assert mark_all_read(session, user=alice) == 0
        assert list_notifications(session, user=alice, unread_only=True) == []
        assert len(list_notifications(session, user=bob, unread_only=True)) == 1


def test_someone_elses_message_cannot_be_marked_read(factory, company):
    with factory() as session, session.begin():
        alice, bob = company.user(session, "alice"), company.user(session, "bob")
        notify(session, user_ids=[bob.id], code="notify.grant.revoked", grant_id=1)
        (note,) = list_notifications(session, user=bob)
        with pytest.raises(NotFound):
            mark_read(session, user=alice, notification_id=note.id)
        assert not note.read
