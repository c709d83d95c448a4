"""Pages for auditors: search the audit trail (AUD-3) and verify its hash chain (auditors and admins).

The same calls as /api/audit: access.duties.require_any(TRAIL_ROLES), core.audit_search.find_events, the
search itself audited; workflows.trail.verify_trail for the chain.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from access.duties import TRAIL_ROLES, require_any
from api.params import form_id
from api.web import render
from api.web.session import RuntimeDep, Viewer
from core import audit
from core.audit_search import find_events
from core.errors import DanganError
from core.when import parse_when
from workflows.trail import verify_trail

router = APIRouter(include_in_schema=False)
PER_PAGE = 100
Short = Annotated[str, Query(max_length=100)]


@router.get("/audit", response_class=HTMLResponse)
def trail(
    request: Request,
    me: Viewer,
    rt: RuntimeDep,
    user: Short = "",
    document: Short = "",
    action: Short = "",
    since: Annotated[str, Query(alias="from", max_length=40)] = "",
    until: Annotated[str, Query(alias="to", max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    form = {"user": user, "document": document, "action": action, "from": since, "to": until}
    errors: dict[str, tuple[str, dict]] = {}
    tz = rt.settings.timezone
    start = end = None
    try:
        start = parse_when(since or None, tz)
    except DanganError as error:
        errors["from"] = (error.code, error.params)
    try:
        end = parse_when(until or None, tz, end=True)
    except DanganError as error:
        errors["to"] = (error.code, error.params)
    if document and form_id(document) is None:
        errors["document"] = ("ui.error.number", {})
    with rt.factory() as session, session.begin():
        viewer = me.user(session)
        require_any(viewer, TRAIL_ROLES, action="audit.search", client=me.client)
        result = None
        if not errors:
            result = find_events(
                session,
                actor=user or None,
                document_id=form_id(document) if document else None,
                action=action or None,
                since=start,
                until=end,
                limit=PER_PAGE,
                offset=(page - 1) * PER_PAGE,
            )
            audit.record(
                session,
                actor=viewer.login,
                role=viewer.role_label,
                action="audit.search",
                client=me.client,
                details={
                    "user": user,
                    "document": document,
                    "action": action,
                    "from": since,
                    "to": until,
                    "total": result.total,
                },
            )
    pages = max(1, -(-(result.total if result else 0) // PER_PAGE))
    return render(
        request,
        "audit/trail.html",
        status_code=400 if errors else 200,
        form=form,
        errors=errors,
        result=result,
        page=page,
        pages=pages,
    )


@router.get("/audit/verify", response_class=HTMLResponse)
def verify(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    report = verify_trail(rt, user_id=me.user_id, client=me.client)
    return render(request, "audit/verify.html", report=report)
