"""REST: access requests (查阅申请) and their approval, grants, and the messages that tell people."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from access import grants, notifications, requests
from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers
from api.params import BodyId, PathId
from core.messages import translate

router = APIRouter(prefix="/api", tags=["access"], responses=SIGNED_IN)


class RequestBody(BaseModel):
    document_ids: list[BodyId] = Field(default_factory=list, max_length=1000)
    customer_id: BodyId | None = Field(None, description="Ask for the whole customer file.")
    reason: str = Field(max_length=2000)
    days: int = Field(ge=1, le=3650, description="How long the access should last.")


class DecisionBody(BaseModel):
    comment: str = Field("", max_length=2000)


class RevokeBody(BaseModel):
    reason: str = Field("", max_length=2000)


@router.post("/access-requests", status_code=201, responses=answers(400, 404, 409))
def ask(body: RequestBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Ask to read documents or a customer file for some days; the chain of the highest level signs."""
    with rt.factory() as session, session.begin():
        return asdict(
            requests.request_access(
                session,
                requester=caller.user(session),
                document_ids=body.document_ids,
                customer_id=body.customer_id,
                reason=body.reason,
                days=body.days,
                max_days=rt.settings.access_max_days,
                client=caller.client,
            )
        )


@router.get("/access-requests/mine")
def mine(caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """One's own requests, newest first."""
    with rt.factory() as session:
        return [asdict(r) for r in requests.my_requests(session, user=caller.user(session))]


@router.get("/access-requests/awaiting")
def awaiting(caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """Requests whose current step one may sign, oldest first."""
    with rt.factory() as session:
        return [asdict(r) for r in requests.awaiting(session, approver=caller.user(session))]


@router.get("/access-requests/{request_id}", responses=answers(404))
def one(request_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """One request: for its requester, its signers, auditors and admins."""
    with rt.factory() as session:
        return asdict(
            requests.get_request(
                session, request_id=request_id, viewer=caller.user(session), client=caller.client
            )
        )


@router.post("/access-requests/{request_id}/approve", responses=answers(400, 404, 409))
def approve(request_id: PathId, body: DecisionBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Sign the current step; the last signature turns the request into grants."""
    with rt.factory() as session, session.begin():
        return asdict(
            requests.approve(
                session,
                request_id=request_id,
                approver=caller.user(session),
                comment=body.comment,
                client=caller.client,
            )
        )


@router.post("/access-requests/{request_id}/refuse", responses=answers(400, 404, 409))
def refuse(request_id: PathId, body: DecisionBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Refuse at the current step, saying why."""
    with rt.factory() as session, session.begin():
        return asdict(
            requests.refuse(
                session,
                request_id=request_id,
                approver=caller.user(session),
                comment=body.comment,
                client=caller.client,
            )
        )


@router.post("/access-requests/{request_id}/withdraw", responses=answers(404, 409))
def withdraw(request_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Take back one's own pending request."""
    with rt.factory() as session, session.begin():
        return asdict(
            requests.withdraw(
                session, request_id=request_id, requester=caller.user(session), client=caller.client
            )
        )


@router.get("/grants")
def list_grants(
    caller: CurrentUser,
    rt: RuntimeDep,
    all: bool = False,
    user: Annotated[str | None, Query(max_length=100)] = None,
    live: bool = False,
) -> list[dict]:
    """One's own grants; another user's (`user=`) or everyone's (`all=true`) for admins, auditors, managers."""
    with rt.factory() as session, session.begin():
        return [
            asdict(g)
            for g in grants.list_grants(
                session,
                viewer=caller.user(session),
                login=user,
                everyone=all,
                live_only=live,
                client=caller.client,
            )
        ]


@router.post("/grants/{grant_id}/revoke", responses=answers(404, 409))
def revoke(grant_id: PathId, body: RevokeBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """End a grant now: its holder, a signer of its request, a manager or an admin may."""
    with rt.factory() as session, session.begin():
        return asdict(
            grants.revoke_grant(
                session,
                grant_id=grant_id,
                actor=caller.user(session),
                reason=body.reason,
                client=caller.client,
            )
        )


@router.get("/notifications")
def messages(caller: CurrentUser, rt: RuntimeDep, unread: bool = False) -> list[dict]:
    """One's own messages (request decided, approval awaited, grant revoked), newest first."""
    with rt.factory() as session:
        notes = notifications.list_notifications(session, user=caller.user(session), unread_only=unread)
        return [
            {
                "id": n.id,
                "code": n.code,
                "params": n.params,
                "message_zh": translate(n.code, "zh-CN", **n.params),
                "message_en": translate(n.code, "en", **n.params),
                "read": n.read,
                "created_at": n.created_at,
            }
            for n in notes
        ]


@router.post("/notifications/{notification_id}/read", status_code=204, responses=answers(404))
def mark_read(notification_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> None:
    """Mark one of one's own messages read (someone else's is as unknown as a missing one)."""
    with rt.factory() as session, session.begin():
        notifications.mark_read(session, user=caller.user(session), notification_id=notification_id)
