"""The notification service (issue 14): every message left for a user (access.notifications, in-app) also goes
out by the channels that user chose — e-mail, DingTalk, WeCom, Feishu (workflows.channels) — from an outbox.

A notification is written in the transaction of the change it tells of; sending happens afterwards, outside
it (`deliver_pending`, run by the queue every DANGAN_NOTIFY_INTERVAL seconds and after the daily reminders),
so a slow or broken mail server never holds up or rolls back a decision. A row is claimed before it is sent,
so two workers do not send it twice. What goes out is a short title in the recipient's language and a link:
nothing confidential (no reason, comment, document title or text), only numbers the recipient may see.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from access.duties import require_any
from access.models import Notification, User
from core import audit
from core.db import utcnow
from core.errors import DanganError, NotFound
from core.messages import CATALOGUE, translate
from core.settings import Settings
from workflows.channels import CHANNELS, ChannelFailed, configured, send_email, send_robot
from workflows.runtime import Runtime

log = logging.getLogger(__name__)
CLAIM_FOR = timedelta(minutes=5)  # a sender that died mid-way leaves its claim; another takes over after this
LINKS = {  # where the link of each kind of message leads (pages the recipient may open)
    "notify.access.pending": "/access/inbox",
    "notify.access.waiting": "/access/inbox",
    "notify.batch.waiting": "/retention/batches/{batch_id}",
    "notify.job.failed": "/admin/jobs",
    "custody.loan.overdue_reminder": "/custody/loans/{loan}",
    "custody.loan.due_reminder": "/custody/loans/{loan}",
    "notify.fixity.failed": "/admin",
}
SAFE_PARAMS = (
    "request_id",
    "grant_id",
    "batch_id",
    "slip_no",
    "slip",
    "loan",
    "due",
    "until",
    "days",
    "job",
    "id",
    "count",
)


class ChannelRefused(DanganError):
    status_code = 422


@dataclass
class Delivery:
    """What one sending round did."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    channels: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "given_up": self.given_up,
            "channels": self.channels,
        }


@dataclass(frozen=True)
class Outgoing:
    """A message as it leaves: title and link in the recipient's language."""

    title: str
    body: str
    link: str


def channels_of(user: User) -> list[str]:
    """The user's chosen channels (in-app when never chosen)."""
    return list(user.notify_channels or ["inapp"])


def set_channels(
    session: Session,
    settings: Settings,
    *,
    actor: User,
    login: str,
    channels: Iterable[str],
    email: str | None = None,
    language: str | None = None,
    client: str = "",
) -> User:
    """Choose a user's channels (the user, or an admin), with the e-mail address and language; audited."""
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound("user.not_found", login=login)
    if actor.id != user.id:
        require_any(actor, frozenset({"admin"}), action="user.notify_channels", object_type="user",
                    object_id=login, client=client)  # fmt: skip
    chosen = list(dict.fromkeys(c.strip().lower() for c in channels if c.strip()))
    unknown = [c for c in chosen if c not in CHANNELS]
    if unknown:
        raise ChannelRefused("notify.channel_unknown", channel=", ".join(unknown), known=", ".join(CHANNELS))
    missing = [c for c in chosen if c not in configured(settings)]
    if missing:
        raise ChannelRefused("notify.channel_unconfigured", channel=", ".join(missing))
    if email is not None:
        email = email.strip() or None
        if email is not None and ("@" not in email or len(email) > 200 or any(ch.isspace() for ch in email)):
            raise ChannelRefused("notify.email_invalid", email=email[:60])
        user.email = email
    if language is not None:
        if language not in ("zh-CN", "en", ""):
            raise ChannelRefused("notify.language_invalid", language=language[:20])
        user.language = language or None
    if "email" in chosen and not user.email:
        raise ChannelRefused("notify.email_missing")
    before = channels_of(user)
    user.notify_channels = chosen or ["inapp"]
    audit.record(session, actor=actor.login, role=actor.role_label, action="user.notify_channels",
                 object_type="user", object_id=login, client=client,
                 details={"before": before, "after": user.notify_channels, "language": user.language or "",
                          "email_set": bool(user.email)})  # fmt: skip
    session.flush()
    return user


def outgoing(note: Notification, user: User, settings: Settings) -> Outgoing:
    """The title and link of a notification in the user's language, with only safe parameters."""
    language = user.language or settings.default_language
    params = {k: v for k, v in (note.params or {}).items() if k in SAFE_PARAMS}
    brief = f"{note.code}.brief"
    title = (
        translate(brief, language, **params) if brief in CATALOGUE else translate("notify.brief", language)
    )
    path = LINKS.get(note.code, "/access#messages").format(**{k: params.get(k, "") for k in SAFE_PARAMS})
    link = settings.base_url.rstrip("/") + path
    body = translate("notify.body", language, name=user.name or user.login, title=title, link=link)
    return Outgoing(title=f"[{translate('notify.product', language)}] {title}", body=body, link=link)


def _claim(runtime: Runtime, note_id: int) -> bool:
    now = utcnow()
    with runtime.factory() as session, session.begin():
        claimed = session.execute(
            update(Notification)
            .where(Notification.id == note_id, Notification.delivered_at.is_(None))
            .where(or_(Notification.claimed_at.is_(None), Notification.claimed_at < now - CLAIM_FOR))
            .values(claimed_at=now)
        )
        return claimed.rowcount == 1


def deliver_pending(runtime: Runtime, *, limit: int = 200) -> Delivery:
    """Send the notifications not yet sent by each recipient's channels; a failed channel is tried again next
    round, up to DANGAN_NOTIFY_ATTEMPTS, then given up (logged with the reason, never the text)."""
    settings, done = runtime.settings, Delivery()
    with runtime.factory() as session:
        ids = list(session.scalars(select(Notification.id).where(Notification.delivered_at.is_(None))
                                   .order_by(Notification.id).limit(limit)))  # fmt: skip
    for note_id in ids:
        if not _claim(runtime, note_id):
            continue
        with runtime.factory() as session:
            note = session.get_one(Notification, note_id)
            user = session.get_one(User, note.user_id)
            wanted = [c for c in channels_of(user) if c != "inapp"] if user.active else []
            message = outgoing(note, user, settings)
            state = dict(note.delivery or {})
            email, name = user.email, user.name or user.login
        for channel in wanted:
            entry = dict(state.get(channel) or {"attempts": 0})
            if entry.get("ok"):
                continue
            entry["attempts"] += 1
            try:
                if channel == "email":
                    if not email:
                        raise ChannelFailed("no e-mail address")
                    send_email(settings, to=email, name=name, subject=message.title, body=message.body)
                else:
                    send_robot(settings, channel, title=message.title, body=message.body)
                entry.update(ok=True, error="")
                done.channels[channel] = done.channels.get(channel, 0) + 1
            except ChannelFailed as err:
                entry.update(ok=False, error=str(err)[:300])
                done.failed += 1
                log.warning(
                    "notification %s by %s failed (attempt %s): %s", note_id, channel, entry["attempts"], err
                )
            state[channel] = entry
        pending = [
            c for c in wanted if not state[c].get("ok") and state[c]["attempts"] < settings.notify_attempts
        ]
        given_up = [c for c in wanted if not state[c].get("ok") and c not in pending]
        with runtime.factory() as session, session.begin():
            note = session.get_one(Notification, note_id)
            note.delivery, note.claimed_at = state, None
            if not pending:
                note.delivered_at = utcnow()
                done.sent += 1 if wanted else 0
                done.given_up += len(given_up)
                for channel in given_up:
                    log.error("notification %s by %s given up after %s attempts", note_id, channel,
                              state[channel]["attempts"])  # fmt: skip
    return done
