"""The audit trail for the CLI and the API: verified (auditors, admins) and exported (auditors), each audited."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from access.duties import TRAIL_ROLES, VERIFY_ROLES, require_any
from access.models import User
from core import audit
from core.audit_export import SliceReport, export_events


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


def verify_trail(factory: sessionmaker[Session], *, user_id: int, client: str = "") -> audit.ChainReport:
    """Walk the whole chain; the check itself is recorded afterwards (it cannot vouch for itself)."""
    with factory() as session:
        require_any(session.get_one(User, user_id), VERIFY_ROLES, action="audit.verify", client=client)
        report = audit.verify_chain(session)
    _record(factory, user_id, "audit.verify", client, "ok" if report.intact else "failed", asdict(report))
    return report


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
