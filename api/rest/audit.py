"""REST: the audit trail, searched by auditors (AUD-3) and verified by auditors and admins."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from access.duties import TRAIL_ROLES, require_any
from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN
from api.params import MAX_ID, QueryId
from core import audit
from core.audit_search import MAX_LIMIT, find_events
from core.when import parse_when
from workflows.trail import verify_trail

router = APIRouter(prefix="/api/audit", tags=["audit"], responses=SIGNED_IN)


@router.get("")
def trail(
    caller: CurrentUser,
    rt: RuntimeDep,
    user: Annotated[str | None, Query(max_length=100, description="The acting login.")] = None,
    document: Annotated[QueryId | None, Query(description="Events about this document id.")] = None,
    action: Annotated[
        str | None, Query(max_length=60, description="An action, or a prefix such as access.*")
    ] = None,
    since: Annotated[
        str | None, Query(alias="from", description="YYYY-MM-DD or ISO 8601 (local time).")
    ] = None,
    until: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD (included) or ISO 8601.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> dict:
    """Events matching every filter, oldest first, with their chain hashes (auditors only; audited)."""
    tz = rt.settings.timezone
    start, end = parse_when(since, tz), parse_when(until, tz, end=True)
    with rt.factory() as session, session.begin():
        viewer = caller.user(session)
        require_any(viewer, TRAIL_ROLES, action="audit.search", client=caller.client)
        page = find_events(
            session,
            actor=user,
            document_id=document,
            action=action,
            since=start,
            until=end,
            limit=limit,
            offset=offset,
        )
        audit.record(
            session,
            actor=viewer.login,
            role=viewer.role_label,
            action="audit.search",
            client=caller.client,
            details={
                "user": user,
                "document": document,
                "action": action,
                "from": since,
                "to": until,
                "total": page.total,
            },
        )
    return asdict(page)


@router.get("/verify")
def verify(caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Walk the chain, compare it with the checkpoints kept outside the database, and name the first broken
    link or disagreeing checkpoint; when intact, checkpoint its head (auditors and admins; audited)."""
    return asdict(verify_trail(rt, user_id=caller.user_id, client=caller.client))
