"""Who is looking at a page: the session cookie of api/auth.py (or an API token), CSRF on every write.

A form POST carries the session's CSRF token in a hidden `csrf_token` field; fetch and htmx send it as
X-CSRF-Token. Anonymous callers (or ended sessions) are sent to /login; a user with a one-time password
to /password. Who may do or read what is never decided here: the domain functions do that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from access.errors import AccessDenied, denied, record_denial
from access.models import User
from access.sessions import csrf_ok, look_up_session
from access.tokens import look_up_token
from api.auth import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, RuntimeDep, client_address
from core.errors import DanganError
from workflows.runtime import Runtime

__all__ = ["RuntimeDep", "Viewer", "MaybeViewer", "AnyViewer", "WebUser"]


@dataclass(frozen=True)
class WebUser:
    """The signed-in user of one page request."""

    user_id: int
    login: str
    name: str
    roles: frozenset[str]
    client: str
    csrf_token: str = ""
    session_secret: str | None = None
    must_change_password: bool = False

    def user(self, session: Session) -> User:
        """The account, loaded in this session."""
        return session.get_one(User, self.user_id)

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


class SignInRequired(Exception):
    """No (or an ended) session: the page answers with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class PasswordChangeRequired(Exception):
    """A one-time password must be replaced first: redirect to /password."""


def _from(user: User, client: str, csrf: str = "", secret: str | None = None) -> WebUser:
    return WebUser(
        user.id,
        user.login,
        user.name or user.login,
        frozenset(user.roles),
        client,
        csrf,
        secret,
        user.must_change_password,
    )


async def _csrf_sent(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if "form" in content_type:
        form = await request.form()  # cached: the route's Form parameters read the same
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def identify(request: Request) -> WebUser | None:
    """The user behind the request, or None; raises AccessDenied on a write without its CSRF token."""
    runtime: Runtime = request.app.state.runtime
    client = client_address(request)
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user = look_up_token(runtime.factory, authorization[7:].strip(), client=client)
        return _from(user, client) if user is not None and user.active else None
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    sent = None if request.method in SAFE_METHODS else await _csrf_sent(request)
    idle = timedelta(minutes=runtime.settings.session_idle_minutes)
    active = look_up_session(runtime.factory, secret, idle=idle)
    if active is None:
        return None
    if request.method not in SAFE_METHODS and not csrf_ok(active, sent):
        raise denied(
            active.user,
            "auth.csrf",
            action="csrf",
            object_type="request",
            object_id=f"{request.method} {request.url.path}"[:100],
            client=client,
        )  # recorded by the error handler
    return _from(active.user, client, active.csrf_token, secret)


def _here(request: Request) -> str:
    """This page's path and query (raw: the caller encodes it where it goes)."""
    return f"{request.url.path}?{request.url.query}" if request.url.query else request.url.path


async def maybe_viewer(request: Request) -> WebUser | None:
    """The signed-in user or None (the login page, the language switch)."""
    found = await identify(request)
    request.state.web_user = found
    return found


async def any_viewer(request: Request) -> WebUser:
    """Signed in, even with a one-time password still to replace (the password page, logout)."""
    found = await maybe_viewer(request)
    if found is None:
        raise SignInRequired(_here(request) if request.method in SAFE_METHODS else "/")
    return found


async def viewer(request: Request) -> WebUser:
    """Signed in with a password of their own."""
    found = await any_viewer(request)
    if found.must_change_password:
        raise PasswordChangeRequired()
    return found


Viewer = Annotated[WebUser, Depends(viewer)]
AnyViewer = Annotated[WebUser, Depends(any_viewer)]
MaybeViewer = Annotated[WebUser | None, Depends(maybe_viewer)]


def keep_refusal(runtime: Runtime, error: DanganError) -> None:
    """A refusal caught by a page (to show it next to a field) still goes into the trail (AUD-2)."""
    if isinstance(error, AccessDenied) and error.event is not None:
        with runtime.factory() as session, session.begin():
            record_denial(session, error)
