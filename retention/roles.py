"""Who does what in retention: the records officer keeps schedules, holds and batches; managers approve."""

from __future__ import annotations

from access.duties import require_any
from access.models import User

OFFICER_ROLES = frozenset({"records_officer"})
APPROVER_ROLES = frozenset({"manager"})


def require_officer(
    actor: User, *, action: str, object_type: str = "", object_id: object = "", client: str = ""
) -> None:
    """Refuse (audited) unless the actor is a records officer."""
    require_any(
        actor, OFFICER_ROLES, action=action, object_type=object_type, object_id=object_id, client=client
    )


def require_approver(actor: User, *, action: str, object_id: object = "", client: str = "") -> None:
    """Refuse (audited) unless the actor may approve destruction (a manager)."""
    require_any(
        actor,
        APPROVER_ROLES,
        action=action,
        object_type="destruction_batch",
        object_id=object_id,
        client=client,
    )
