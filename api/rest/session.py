"""REST: signing in and out, who am I, changing one's own password."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from access.errors import AccessDenied, AuthenticationFailed
from access.login import change_password
from access.sessions import end_session, end_user_sessions, start_session
from api.auth import (
    RuntimeDep,
    SignedIn,
    clear_session_cookie,
    client_address,
    from_another_site,
    set_session_cookie,
    sign_in,
)
from api.openapi import answers

router = APIRouter(prefix="/api", tags=["session"])


class Credentials(BaseModel):
    login: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class PasswordChange(BaseModel):
    old_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


@router.post("/login", responses=answers(401, 403, 422))
def login(body: Credentials, request: Request, response: Response, rt: RuntimeDep) -> dict:
    """Sign in: sets the session cookie and returns the CSRF token to send as X-CSRF-Token on writes."""
    if from_another_site(request):
        raise AccessDenied("auth.cross_site")
    result, new = sign_in(rt, login=body.login, password=body.password, client=client_address(request))
    if new is None or result.user is None:
        raise AuthenticationFailed(result.reason_code)
    set_session_cookie(response, request, rt.settings, new)
    user = result.user
    return {
        "login": user.login,
        "name": user.name,
        "roles": sorted(user.roles),
        "csrf_token": new.csrf_token,
        "expires_at": new.expires_at,
        "must_change_password": result.must_change_password,
    }


@router.post("/logout", status_code=204, responses=answers(401, 403, 422))
def logout(caller: SignedIn, request: Request, response: Response, rt: RuntimeDep) -> None:
    """End this session (a token-signed call has none: nothing happens)."""
    if caller.session_secret:
        with rt.factory() as session, session.begin():
            end_session(session, secret=caller.session_secret, client=caller.client)
    clear_session_cookie(response, request, rt.settings)


@router.get("/me", responses=answers(401, 422))
def me(caller: SignedIn, rt: RuntimeDep) -> dict:
    """The signed-in user, their roles and posts, and (for a session) its CSRF token."""
    with rt.factory() as session:
        user = caller.user(session)
        return {
            "login": user.login,
            "name": user.name,
            "department": user.department.code if user.department else None,
            "roles": sorted(user.roles),
            "positions": sorted(user.positions),
            "must_change_password": user.must_change_password,
            "via": caller.via,
            "csrf_token": caller.csrf_token,
        }


@router.post("/password", responses=answers(400, 401, 403, 422))
def password(
    body: PasswordChange, caller: SignedIn, request: Request, response: Response, rt: RuntimeDep
) -> dict:
    """Replace one's own password; every session of the user ends, and this one is renewed."""
    settings = rt.settings
    with rt.factory() as session, session.begin():
        user = caller.user(session)
        change_password(
            session,
            user=user,
            old_password=body.old_password,
            new_password=body.new_password,
            min_password_length=settings.password_min_length,
            client=caller.client,
        )
        end_user_sessions(session, user)
        new = (
            start_session(
                session, user=user, client=caller.client, max_age=timedelta(hours=settings.session_max_hours)
            )
            if caller.via == "session"
            else None
        )
    if new is not None:
        set_session_cookie(response, request, settings, new)
    return {"changed": True, "csrf_token": new.csrf_token if new else None}
