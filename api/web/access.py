"""Pages: ask for access (查阅申请), the approvals inbox with approve/refuse and comment, one's requests
and grants.

All through access.requests and access.grants, as the API: the chain of approvers, who may sign and the
grants that follow are decided there.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from access import grants, notifications, requests
from api.params import PathId, QueryId, form_id
from api.web import render
from api.web.session import RuntimeDep, Viewer, keep_refusal
from core.errors import DanganError

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
RequestId = PathId
MESSAGES = 20  # the newest messages shown


@router.get("/access", response_class=HTMLResponse)
def mine(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """One's requests (newest first), grants and messages."""
    with rt.factory() as session, session.begin():
        user = me.user(session)
        asked = requests.my_requests(session, user=user)
        held = grants.list_grants(session, viewer=user, client=me.client)
        notes = notifications.list_notifications(session, user=user, unread_only=False)[:MESSAGES]
    return render(
        request,
        "access/mine.html",
        requests=asked,
        grants=held,
        notes=notes,
        sent=request.query_params.get("sent"),
    )


@router.post("/access/notifications/{notification_id}/read", response_class=HTMLResponse)
def mark_read(request: Request, notification_id: RequestId, me: Viewer, rt: RuntimeDep) -> Response:
    """Mark one of one's own messages read (someone else's is as unknown as a missing one: 404)."""
    with rt.factory() as session, session.begin():
        notifications.mark_read(session, user=me.user(session), notification_id=notification_id)
    return _messages(request, me, rt)


@router.post("/access/notifications/read", response_class=HTMLResponse)
def mark_all_read(request: Request, me: Viewer, rt: RuntimeDep) -> Response:
    """Mark all of one's messages read."""
    with rt.factory() as session, session.begin():
        notifications.mark_all_read(session, user=me.user(session))
    return _messages(request, me, rt)


def _messages(request: Request, me: Viewer, rt: RuntimeDep) -> Response:
    """htmx swaps in the message list; a plain form post goes back to the page."""
    if not request.headers.get("HX-Request"):
        return RedirectResponse("/access#messages", status_code=303)
    with rt.factory() as session:
        notes = notifications.list_notifications(session, user=me.user(session))[:MESSAGES]
    return render(request, "access/_messages.html", notes=notes)


@router.get("/access/request", response_class=HTMLResponse)
def request_form(
    request: Request,
    me: Viewer,
    rt: RuntimeDep,
    document: QueryId | None = None,
    customer: QueryId | None = None,
) -> HTMLResponse:
    form = {"document": document or "", "customer": customer or "", "reason": "", "days": "7"}
    return render(request, "access/request.html", form=form, errors={}, max_days=rt.settings.access_max_days)


@router.post("/access/request", response_class=HTMLResponse)
def ask(
    request: Request,
    me: Viewer,
    rt: RuntimeDep,
    document: Text = "",
    customer: Text = "",
    reason: Text = "",
    days: Text = "",
) -> Response:
    form = {"document": document, "customer": customer, "reason": reason, "days": days}
    errors: dict[str, tuple[str, dict]] = {}
    max_days = rt.settings.access_max_days
    if not reason.strip():
        errors["reason"] = ("access.reason_required", {})
    if not (days.strip().isascii() and days.strip().isdigit()) or not 1 <= int(days) <= max_days:
        errors["days"] = ("access.bad_period", {"max_days": max_days})
    parts = document.replace(",", " ").replace("，", " ").split()
    ids = [i for i in map(form_id, parts) if i is not None]
    customer_id = form_id(customer) if customer.strip() else None
    if customer.strip() and customer_id is None:
        errors["customer"] = ("ui.error.number", {})
    elif len(ids) != len(parts):
        errors["document"] = ("ui.error.number", {})
    elif not ids and not customer.strip():
        errors["document"] = ("access.nothing_requested", {})
    if not errors:
        try:
            with rt.factory() as session, session.begin():
                info = requests.request_access(
                    session,
                    requester=me.user(session),
                    document_ids=ids,
                    customer_id=customer_id,
                    reason=reason,
                    days=int(days),
                    max_days=max_days,
                    client=me.client,
                )
            return RedirectResponse(f"/access?sent={info.id}", status_code=303)
        except DanganError as error:
            keep_refusal(rt, error)
            about = "customer" if customer.strip() and not ids else "document"
            field = {"access.reason_required": "reason", "access.bad_period": "days"}.get(error.code, about)
            errors[field] = (error.code, error.params)
    return render(
        request, "access/request.html", status_code=400, form=form, errors=errors, max_days=max_days
    )


@router.get("/access/inbox", response_class=HTMLResponse)
def inbox(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """Requests whose current step the user may sign, oldest first."""
    with rt.factory() as session:
        waiting = requests.awaiting(session, approver=me.user(session))
    return render(
        request, "access/inbox.html", waiting=waiting, errors={}, done=request.query_params.get("done")
    )


def _decide(
    request: Request, me: Viewer, rt: RuntimeDep, request_id: int, approve: bool, comment: str
) -> Response:
    try:
        with rt.factory() as session, session.begin():
            user = me.user(session)
            if approve:
                requests.approve(
                    session, request_id=request_id, approver=user, comment=comment, client=me.client
                )
            else:
                requests.refuse(
                    session, request_id=request_id, approver=user, comment=comment, client=me.client
                )
    except DanganError as error:
        keep_refusal(rt, error)
        if error.status_code in (403, 404):
            return render(
                request, "error.html", status_code=error.status_code, code=error.code, params=error.params
            )
        with rt.factory() as session:
            waiting = requests.awaiting(session, approver=me.user(session))
        errors = {request_id: (error.code, error.params)}
        return render(
            request, "access/inbox.html", status_code=400, waiting=waiting, errors=errors, done=None
        )
    return RedirectResponse(f"/access/inbox?done={request_id}", status_code=303)


@router.post("/access/requests/{request_id}/approve", response_class=HTMLResponse)
def approve(
    request: Request, request_id: RequestId, me: Viewer, rt: RuntimeDep, comment: Text = ""
) -> Response:
    return _decide(request, me, rt, request_id, True, comment)


@router.post("/access/requests/{request_id}/refuse", response_class=HTMLResponse)
def refuse(
    request: Request, request_id: RequestId, me: Viewer, rt: RuntimeDep, comment: Text = ""
) -> Response:
    return _decide(request, me, rt, request_id, False, comment)


@router.post("/access/requests/{request_id}/withdraw")
def withdraw(request: Request, request_id: RequestId, me: Viewer, rt: RuntimeDep) -> Response:
    with rt.factory() as session, session.begin():
        requests.withdraw(session, request_id=request_id, requester=me.user(session), client=me.client)
    return RedirectResponse("/access", status_code=303)


@router.post("/access/grants/{grant_id}/revoke")
def revoke(request: Request, grant_id: RequestId, me: Viewer, rt: RuntimeDep, reason: Text = "") -> Response:
    """End a grant now (its holder, a signer of its request, a manager or an admin: access.grants)."""
    with rt.factory() as session, session.begin():
        grants.revoke_grant(
            session, grant_id=grant_id, actor=me.user(session), reason=reason, client=me.client
        )
    return RedirectResponse("/access", status_code=303)
