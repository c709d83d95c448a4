"""What roles may *do* besides reading (reading is policy.py's alone): capture, the audit trail, accounts.

Capture (upload, `dangan ingest`, the hot folder) is the archivist's and the staff's work (DESIGN: the
archivist scans and files, staff hand files over); the admin may capture too, so that the first admin can
load scans on a fresh install. Capturing reveals nothing: who reads a captured document is decided by its
level, never by having uploaded it. Only its processing status is shown to its uploader.

The audit trail is read and exported by auditors only (AUD-3: the auditor role is separate from admin; an
admin who is not also an auditor does not read the trail). Verifying the chain reveals no event, only
whether it is intact and where it breaks, so admins (who run the system) may do it too, and so may they
write a checkpoint of its head. Rotating the chain's key is the admin's alone: it is running the system (the
key file lives with the installation) and changes no event, while the auditor changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from access.errors import denied
from access.models import User
from records.models import Document

CAPTURE_ROLES = frozenset({"archivist", "staff", "admin"})
TRAIL_ROLES = frozenset({"auditor"})
VERIFY_ROLES = frozenset({"auditor", "admin"})
KEY_ROLES = frozenset({"admin"})
ACCOUNT_ROLES = frozenset({"admin"})


def require_any(
    actor: User,
    roles: Iterable[str],
    *,
    action: str,
    object_type: str = "",
    object_id: object = "",
    client: str = "",
) -> None:
    """Refuse (with an audit event) unless the active actor holds one of the roles."""
    roles = frozenset(roles)
    if not actor.active or not actor.roles & roles:
        raise denied(
            actor,
            "permission.role_required",
            action=action,
            object_type=object_type,
            object_id=object_id,
            client=client,
            role=" / ".join(sorted(roles)),
        )


def require_capture(actor: User, *, client: str = "") -> None:
    """Refuse unless the actor may capture documents."""
    require_any(actor, CAPTURE_ROLES, action="capture", client=client)


def uploaded(user: User, document: Document) -> bool:
    """Whether the active user captured this document (which shows them its processing status, no content)."""
    return user.active and document.created_by == user.login
