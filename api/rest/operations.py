"""REST: backup status and the fixity report, for admins (issue 14; audited reads)."""

from __future__ import annotations

from fastapi import APIRouter

from access.duties import require_any
from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN
from core import audit
from workflows.operations_status import backup_status, fixity_status

router = APIRouter(prefix="/api/admin", tags=["operations"], responses=SIGNED_IN)
ADMIN = ("admin",)


@router.get("/backups")
def backups(caller: CurrentUser, rt: RuntimeDep) -> dict:
    """The latest backups (state, place, generation, objects copied), restores, and scheduled job runs."""
    with rt.factory() as session, session.begin():
        user = caller.user(session)
        require_any(user, ADMIN, action="backup.status", client=caller.client)
        audit.record(
            session, actor=user.login, role=user.role_label, action="backup.status", client=caller.client
        )
        return backup_status(session)


@router.get("/fixity")
def fixity(caller: CurrentUser, rt: RuntimeDep) -> dict:
    """The latest fixity runs (checked, passed, changed, missing) and every object in quarantine."""
    with rt.factory() as session, session.begin():
        user = caller.user(session)
        require_any(user, ADMIN, action="fixity.status", client=caller.client)
        audit.record(
            session, actor=user.login, role=user.role_label, action="fixity.status", client=caller.client
        )
        return fixity_status(session)
