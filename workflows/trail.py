"""The audit trail for the CLI and the API: verified and checkpointed (auditors, admins), its key rotated
(admins) and exported (auditors), each audited.

Checkpoints of the chain's head go to the object store (`checkpoints/…`, retained under object lock for
DANGAN_S3_LOCK_PERMANENT_YEARS where the store has it): at `dangan init` and every start of `dangan serve` of
an archive that has events already, after every verification that found the chain intact, and whenever
`dangan audit checkpoint` runs (schedule it). Verifying compares the chain with every checkpoint, so a chain rebuilt or cut short in the database is
named by the first checkpoint it no longer matches. (The monthly backup should carry them too: see the
operations issue.)
"""

from __future__ import annotations

import io
from dataclasses import asdict, replace
from datetime import datetime
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from access.duties import KEY_ROLES, TRAIL_ROLES, VERIFY_ROLES, require_any
from access.models import User
from core import audit
from core.audit import make_checkpoint
from core.audit_checkpoints import Checkpoint, as_details, read_checkpoint
from core.audit_export import SliceReport, export_events
from retention.schedule import add_years
from workflows.runtime import Runtime

CHECKPOINTS = "checkpoints/"


def _record(
    factory: sessionmaker[Session], user_id: int, action: str, client: str, result: str, details: dict
) -> None:
    with factory() as session, session.begin():
        user = session.get_one(User, user_id)
        audit.record(
            session,
            actor=user.login,
            role=user.role_label,
            action=action,
            client=client,
            result=result,
            details=details,
        )


def stored_checkpoints(runtime: Runtime) -> list[Checkpoint]:
    """Every checkpoint in the object store (an unreadable one comes back unsigned, to be named)."""
    found = []
    for info in runtime.store.list(CHECKPOINTS):
        with runtime.store.open(info.key) as stream:
            found.append(read_checkpoint(stream.read(), info.key))
    return found


def write_checkpoint(
    runtime: Runtime, *, actor: str = "system", role: str = "", client: str = ""
) -> Checkpoint:
    """Store a signed checkpoint of the chain's head outside the database (locked where the store can);
    the chain records it."""
    with runtime.factory() as session, session.begin():
        audit.ensure_keyed(session)
    with runtime.factory() as session:
        checkpoint = make_checkpoint(session)
    store = runtime.store
    put = store.put_stream(io.BytesIO(checkpoint.to_json()), kind="checkpoint")
    if store.supports_lock:
        store.set_retention(put.key, add_years(runtime.today(), runtime.settings.s3_lock_permanent_years))
    checkpoint = replace(checkpoint, name=put.key)
    with runtime.factory() as session, session.begin():
        audit.record(
            session,
            actor=actor,
            role=role,
            action="audit.checkpoint",
            object_type="audit_checkpoint",
            object_id=put.key,
            client=client,
            details=as_details(checkpoint),
        )
    return checkpoint


def checkpoint_trail(runtime: Runtime, *, user_id: int, client: str = "") -> Checkpoint:
    """Write a checkpoint now (auditors, admins; e.g. scheduled through `dangan audit checkpoint`)."""
    with runtime.factory() as session:
        user = session.get_one(User, user_id)
        require_any(user, VERIFY_ROLES, action="audit.checkpoint", client=client)
        login, role = user.login, user.role_label
    return write_checkpoint(runtime, actor=login, role=role, client=client)


def verify_trail(runtime: Runtime, *, user_id: int, client: str = "") -> audit.ChainReport:
    """Walk the whole chain and compare it with every checkpoint; when intact, checkpoint its head anew. The
    check itself is recorded afterwards (it cannot vouch for itself)."""
    with runtime.factory() as session:
        require_any(session.get_one(User, user_id), VERIFY_ROLES, action="audit.verify", client=client)
    checkpoints = stored_checkpoints(runtime)
    with runtime.factory() as session:
        report = audit.verify_chain(session, checkpoints=checkpoints)
    _record(
        runtime.factory, user_id, "audit.verify", client, "ok" if report.intact else "failed", asdict(report)
    )
    if report.intact:
        with runtime.factory() as session:
            user = session.get_one(User, user_id)
            login, role = user.login, user.role_label
        write_checkpoint(runtime, actor=login, role=role, client=client)
    return report


def rotate_audit_key(runtime: Runtime, *, user_id: int, client: str = "") -> tuple[str, str]:
    """A new audit key (admins): the chain records the change signed with the old key, and a checkpoint
    follows. (old key id, new key id)."""
    with runtime.factory() as session, session.begin():
        user = session.get_one(User, user_id)
        require_any(user, KEY_ROLES, action=audit.KEY_ROTATE, client=client)
        old, new = audit.rotate_key(session, actor=user.login, role=user.role_label, client=client)
        login, role = user.login, user.role_label
    write_checkpoint(runtime, actor=login, role=role, client=client)
    return old, new


def export_trail(
    factory: sessionmaker[Session],
    out: TextIO,
    *,
    user_id: int,
    since: datetime | None,
    until: datetime | None,
    fmt: str,
    client: str = "",
) -> SliceReport:
    """Write the events of [since, until) to out (auditors only); the export is recorded afterwards."""
    with factory() as session:
        require_any(session.get_one(User, user_id), TRAIL_ROLES, action="audit.export", client=client)
        report = export_events(session, out, since=since, until=until, fmt=fmt)
    _record(
        factory,
        user_id,
        "audit.export",
        client,
        "ok",
        {
            "from": since.isoformat() if since else None,
            "to": until.isoformat() if until else None,
            "format": fmt,
            **asdict(report),
        },
    )
    return report
