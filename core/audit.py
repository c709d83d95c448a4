"""The audit trail: append-only, hash-chained events signed with a key kept outside the database
(REQUIREMENTS AUD-1..4; issue 17 §4).

Each event carries the hash of the one before it and a MAC of its own content: HMAC-SHA-256 under the current
audit key (core.audit_keys), so an edit, a deletion or a reordering breaks the chain at that row, and someone
with write access to the database but not the key can neither recompute the chain nor append an event that
verifies. Events written before keys existed keep their plain SHA-256 hashes: the keyed segment opens with an
`audit.key_start` event, signed with the key it names, whose prev_hash is the old head, so the first keyed
link seals the old chain. A rotation is an `audit.key_rotate` event, signed with the old key, naming the new
key's id; the events after it are signed with the new key. Deleting the newest events (and resetting the head)
leaves a chain that holds together; the checkpoints of its head kept outside the database find that
(core.audit_checkpoints, workflows.trail).

A one-row head table is updated in the same transaction, which serialises writers on PostgreSQL (row lock) as
on SQLite (database lock), so the chain never forks. It also names the key the next event is signed with; the
verifier does not trust it, but follows the key events of the chain itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.audit_checkpoints import Checkpoint, blob, checkpoint_problem
from core.audit_keys import AuditKeyError, Keyring, mac
from core.db import AUDIT_KEYRING, Base, UTCDateTime, utcnow

GENESIS = "0" * 64
KEY_START = "audit.key_start"
KEY_ROTATE = "audit.key_rotate"


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(100), default="", index=True)
    archive_no: Mapped[str] = mapped_column(String(100), default="")
    result: Mapped[str] = mapped_column(String(20), default="ok")
    client: Mapped[str] = mapped_column(String(100), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_event.id"))
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    # The key the next event is signed with (announced in the chain itself; None before the keyed segment).
    key_id: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")


CONTENT_FIELDS = (
    "id",
    "at",
    "actor",
    "role",
    "action",
    "object_type",
    "object_id",
    "archive_no",
    "result",
    "client",
    "reference",
    "details",
    "prev_hash",
)


def event_content(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers, as plain values (also the shape of an exported row, less its hash)."""
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "archive_no": event.archive_no,
        "result": event.result,
        "client": event.client,
        "reference": event.reference,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }


def content_hash(content: dict[str, Any], key: bytes | None = None) -> str:
    """HMAC-SHA-256 under the key (plain SHA-256 before the keyed segment) over an event's canonical content,
    which includes the previous hash."""
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    data = blob.encode("utf-8")
    return hashlib.sha256(data).hexdigest() if key is None else mac(key, data)


def event_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """The hash of an event's canonical content under the key (None: the unkeyed hash of old events)."""
    return content_hash(event_content(event), key)


def signing_keys(
    action: str, result: str, details: dict[str, Any], current: str | None
) -> tuple[str | None, str | None]:
    """(the key id that signs this event, the key id in force after it), given the one in force before it.

    A key start is signed with the key it names; a rotation with the old key, the new one signing onward.
    (A refused attempt to rotate is recorded under the same action, with no new key: it changes nothing.)
    """
    if action == KEY_START and result == "ok" and "key_id" in details:
        return str(details["key_id"]), str(details["key_id"])
    if action == KEY_ROTATE and result == "ok" and "new_key_id" in details and current is not None:
        return current, str(details["new_key_id"])
    return current, current


def keyring(session: Session) -> Keyring:
    """The audit key ring of the session's engine (core.db.make_engine puts it there)."""
    found = session.connection().get_execution_options().get(AUDIT_KEYRING)
    if found is None:
        raise AuditKeyError("this engine has no audit key ring: make it with core.db.make_engine")
    return found


def _signing_key(ring: Keyring, kid: str) -> bytes:
    key = ring.get(kid)
    if key is None:
        raise AuditKeyError(f"the audit key {kid} is not in the key ring {ring.path}: copy the key file here")
    return key


def _locked_head(session: Session) -> AuditHead:
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_hash=GENESIS)
        session.add(head)
        session.flush()
    return head


def _append(session: Session, head: AuditHead, key: bytes, **fields: Any) -> AuditEvent:
    # The id is part of the hash, so it is chosen here rather than by the database: the row is then
    # written once, complete (on PostgreSQL a trigger refuses any UPDATE of audit_event). Writers are
    # serialised by the head lock, so max + 1 cannot be taken twice.
    next_id = (session.scalar(select(func.max(AuditEvent.id))) or 0) + 1
    # Every hashed field is set here: column defaults would be applied only at flush, after hashing.
    values = {"role": "", "object_type": "", "object_id": "", "archive_no": "", "result": "ok", "client": "",
              "reference": "", "details": {}} | fields  # fmt: skip
    event = AuditEvent(id=next_id, at=utcnow(), prev_hash=head.last_hash, hash="", **values)
    event.hash = event_hash(event, key)
    session.add(event)
    session.flush()
    head.last_event_id = event.id
    head.last_hash = event.hash
    session.flush()
    return event


def _keyed_head(session: Session) -> tuple[AuditHead, Keyring]:
    """The locked head, after opening the keyed segment if the chain has none yet."""
    head, ring = _locked_head(session), keyring(session)
    if head.key_id is None:
        kid = ring.current()
        _append(
            session,
            head,
            _signing_key(ring, kid),
            actor="system",
            action=KEY_START,
            object_type="audit_key",
            object_id=kid,
            details={"key_id": kid, "after_event": head.last_event_id, "after_hash": head.last_hash},
        )
        head.key_id = kid
    return head, ring


def ensure_keyed(session: Session) -> str:
    """Open the keyed segment if the chain has none (its first link is the old head); the current key id."""
    head, _ring = _keyed_head(session)
    assert head.key_id is not None
    return head.key_id


def rotate_key(session: Session, *, actor: str, role: str = "", client: str = "") -> tuple[str, str]:
    """Make a new key and sign onward with it; the chain records the change, signed with the old key.
    (old id, new id)."""
    head, ring = _keyed_head(session)
    old = head.key_id
    assert old is not None
    new = ring.add()
    _append(
        session,
        head,
        _signing_key(ring, old),
        actor=actor,
        role=role,
        action=KEY_ROTATE,
        object_type="audit_key",
        object_id=new,
        client=client,
        details={"old_key_id": old, "new_key_id": new},
    )
    head.key_id = new
    session.flush()
    return old, new


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str = "",
    object_id: object = "",
    archive_no: str | None = "",
    result: str = "ok",
    role: str = "",
    client: str = "",
    reference: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction, signed with the current audit key."""
    head, ring = _keyed_head(session)
    assert head.key_id is not None
    return _append(
        session,
        head,
        _signing_key(ring, head.key_id),
        actor=actor,
        role=role,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        archive_no=archive_no or "",
        result=result,
        client=client,
        reference=reference,
        details=details or {},
    )


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""
    checkpoint: str = ""  # the checkpoint that disagrees, by its object key
    checkpoints: int = 0  # how many checkpoints the chain was compared with
    keyed_from: int | None = None  # the first event of the keyed segment
    key_id: str | None = None  # the key the newest events are signed with


def verify_chain(
    session: Session, *, checkpoints: Iterable[Checkpoint] = (), batch: int = 1000
) -> ChainReport:
    """Walk the chain in id order, checking each link and each MAC with the key ring, then compare it with the
    checkpoints of its head kept outside the database; name the first broken link or disagreeing checkpoint."""
    ring = keyring(session)
    waiting: dict[int | None, list[Checkpoint]] = {}
    compared = 0
    for checkpoint in sorted(checkpoints, key=lambda c: (c.at, c.name)):
        problem = checkpoint_problem(checkpoint, ring)
        if problem:
            return ChainReport(False, 0, checkpoint.head_id, problem, checkpoint=checkpoint.name)
        waiting.setdefault(checkpoint.head_id, []).append(checkpoint)
        compared += 1
    prev, checked, last_id = GENESIS, 0, 0
    current: str | None = None
    keyed_from: int | None = None
    first_id: int | None = None

    def broken(event_id: int | None, reason: str, checkpoint: str = "") -> ChainReport:
        return ChainReport(False, checked, event_id, reason, checkpoint, compared, keyed_from, current)

    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            first_id = first_id or event.id
            if event.prev_hash != prev:
                return broken(event.id, "prev_hash does not match the previous event")
            signer, after = signing_keys(event.action, event.result, event.details, current)
            key = None if signer is None else ring.get(signer)
            if signer is not None and key is None:
                return broken(event.id, f"signed with audit key {signer}, which is not in the key ring")
            if event_hash(event, key) != event.hash:
                why = "content does not match its hash"
                return broken(event.id, why if key is None else why + " (not signed with the audit key)")
            if current is None and after is not None:
                keyed_from = event.id
            current = after
            prev = event.hash
            checked += 1
            last_id = event.id
            for checkpoint in waiting.pop(event.id, []):
                if (checkpoint.head_hash, checkpoint.count) != (event.hash, checked):
                    return broken(
                        event.id,
                        f"checkpoint {checkpoint.name} of {checkpoint.at.isoformat()} disagrees: its head "
                        f"event {event.id} has another hash or place in the chain",
                        checkpoint.name,
                    )
        session.expunge_all()
    for head_id, missed in sorted(waiting.items(), key=lambda item: item[0] or 0):
        checkpoint = missed[0]
        return broken(
            head_id,
            f"checkpoint {checkpoint.name} of {checkpoint.at.isoformat()} disagrees: its head event {head_id} "
            "is missing (the newest events were removed)",
            checkpoint.name,
        )
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        return broken(head.last_event_id, "the newest events are missing")
    if checked and current is None and ring.ids():
        return broken(first_id, "the chain has no keyed segment, yet the key ring holds keys")
    return ChainReport(True, checked, checkpoints=compared, keyed_from=keyed_from, key_id=current)


def make_checkpoint(session: Session) -> Checkpoint:
    """A signed checkpoint of the chain's head as this session sees it (the keyed segment must be open)."""
    head = session.get(AuditHead, 1)
    if head is None or head.key_id is None:
        raise ValueError("open the keyed segment first (core.audit.ensure_keyed)")
    count = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= head.last_event_id)
    )
    key = keyring(session).get(head.key_id)
    if key is None:
        raise ValueError(f"the audit key {head.key_id} is not in the key ring")
    unsigned = Checkpoint(utcnow(), head.last_event_id, head.last_hash, count or 0, head.key_id)
    return replace(unsigned, mac=mac(key, blob(unsigned)))
