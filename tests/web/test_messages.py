"""One's messages on /access: marked read one by one or all at once, by form post or by htmx."""

from __future__ import annotations

import re

import pytest

from access.models import Notification
from core.audit import AuditEvent


def _note(world, login: str, request_id: int = 7) -> int:
    with world.runtime.factory() as session, session.begin():
        note = Notification(
            user_id=world.users[login], code="notify.access.refused", params={"request_id": request_id}
        )
        session.add(note)
        session.flush()
        return note.id


def _read(world, note_id: int) -> bool:
    with world.runtime.factory() as session:
        return session.get_one(Notification, note_id).read


def test_a_message_is_marked_read_without_javascript(tab, world):
    note, other = _note(world, "alice"), _note(world, "alice", 8)
    alice = tab("alice")
    page = alice.get("/access").text
    assert f'action="/access/notifications/{note}/read"' in page and 'id="messages"' in page
    done = alice.post(f"/access/notifications/{note}/read")
    assert done.status_code == 303 and done.headers["location"] == "/access#messages"
    assert _read(world, note) and not _read(world, other)
    page = alice.get("/access").text
    assert f'action="/access/notifications/{note}/read"' not in page
    assert f'action="/access/notifications/{other}/read"' in page


def test_all_messages_are_marked_read_at_once(tab, world):
    mine = [_note(world, "alice", n) for n in (1, 2, 3)]
    bobs = _note(world, "bob")
    alice = tab("alice")
    assert 'action="/access/notifications/read"' in alice.get("/access").text
    assert re.search(r'id="unread">.*?<p class="big">3</p>', alice.get("/").text, re.S)
    assert alice.post("/access/notifications/read").status_code == 303
    assert re.search(r'id="unread">.*?<p class="big">0</p>', alice.get("/").text, re.S)
    assert all(_read(world, n) for n in mine) and not _read(world, bobs)
    assert 'action="/access/notifications/read"' not in alice.get("/access").text  # nothing left unread


def test_htmx_gets_the_message_list_back(tab, world):
    note = _note(world, "alice")
    alice = tab("alice", "en")
    swapped = alice.client.post(
        f"/access/notifications/{note}/read",
        headers={"HX-Request": "true", "X-CSRF-Token": alice.csrf},
        follow_redirects=False,
    )
    assert swapped.status_code == 200 and swapped.text.lstrip().startswith("<")
    assert 'id="messages"' in swapped.text and "<html" not in swapped.text
    assert f'id="note-{note}"' in swapped.text and "Mark read" not in swapped.text
    assert _read(world, note)


def test_someone_elses_message_is_as_unknown_as_a_missing_one(tab, world):
    bobs = _note(world, "bob")
    alice = tab("alice", "en")
    for target in (bobs, 999_999):
        refused = alice.post(f"/access/notifications/{target}/read")
        assert refused.status_code == 404 and f"Message {target} does not exist" in refused.text
    assert not _read(world, bobs)


@pytest.mark.parametrize("path", ["/access/notifications/{}/read", "/access/notifications/read"])
def test_marking_read_needs_the_csrf_token(tab, world, path):
    note = _note(world, "alice")
    alice = tab("alice")
    forged = alice.client.post(path.format(note), data={}, follow_redirects=False)
    assert forged.status_code == 403 and not _read(world, note)
    with world.runtime.factory() as session:
        assert session.query(AuditEvent).filter_by(action="csrf", actor="alice").count() == 1


@pytest.mark.parametrize("bad", ["abc", "0", "99999999999999999999999"])
def test_odd_message_ids_are_bad_requests(tab, bad):
    assert tab("alice").post(f"/access/notifications/{bad}/read").status_code in (400, 404)
