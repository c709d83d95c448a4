"""Refusals of the access package: who may not do what, and failed authentication."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core import audit
from core.errors import DanganError


class AccessDenied(DanganError):
    """The acting user may not do this.

    A refusal is an audit event (AUD-2), but raising rolls back the caller's transaction, so the event travels
    with the error: the caller records it with `record_denial` in a fresh transaction.
    """

    status_code = 403

    def __init__(self, code: str, /, *, event: dict[str, Any] | None = None, **params: object) -> None:
        super().__init__(code, **params)
        self.event = event


class AuthenticationFailed(DanganError):
    """Wrong or missing credentials, a locked or disabled account."""

    status_code = 401


def denied(
    actor: Any,
    code: str,
    *,
    action: str,
    object_type: str = "",
    object_id: object = "",
    client: str = "",
    **params: object,
) -> AccessDenied:
    """An AccessDenied carrying its audit event; actor is a User."""
    event = {
        "actor": actor.login,
        "role": actor.role_label,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "result": "denied",
        "client": client,
        "details": {"reason": code, **{k: str(v) for k, v in params.items()}},
    }
    return AccessDenied(code, event=event, **params)


def record_denial(session: Session, error: AccessDenied) -> None:
    """Write the refusal's audit event (call in a new transaction after the failed one rolled back)."""
    if error.event is not None:
        audit.record(session, **error.event)


def require_role(
    actor: Any, role: str, *, action: str, object_type: str = "", object_id: object = "", client: str = ""
) -> None:
    """Refuse (with an audit event) unless the active actor holds the role."""
    if not actor.active or role not in actor.roles:
        raise denied(
            actor,
            "permission.role_required",
            action=action,
            object_type=object_type,
            object_id=object_id,
            client=client,
            role=role,
        )
