"""Who is calling: a Bearer API token, or the session cookie with its CSRF token on state-changing requests.

Every route but /api/health, /api/login and the OpenAPI pages depends on `current_user` (or on `signed_in`,
which also admits a user who must still replace a one-time password: /api/me, /api/password, /api/logout).

The session cookie is HttpOnly and SameSite=Strict: a page on another site cannot make a signed-in browser
send it, so it cannot make someone read (and be recorded as reading) a record. It is Secure unless
DANGAN_COOKIE_SECURE says otherwise; with `auto` only a plain-HTTP request to a loopback host (`make run`
at http://127.0.0.1:8000) gets a cookie without the flag, since browsers would not send a Secure cookie
back over plain HTTP. Requests signed with a token carry no ambient credential, so they need no CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from access.errors import AccessDenied, AuthenticationFailed, denied
from access.login import LoginResult, authenticate
from access.models import User
from access.sessions import NewWebSession, csrf_ok, look_up_session, start_session
from access.tokens import look_up_token
from core.settings import Settings
from workflows.runtime import Runtime

SESSION_COOKIE = "dangan_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

bearer = HTTPBearer(
    auto_error=False, description="An API token (POST /api/tokens): `Authorization: Bearer dgn_…`."
)
cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The session cookie set by POST /api/login; send X-CSRF-Token on writes.",
)


@dataclass(frozen=True)
class Caller:
    """The authenticated user of one request, and how they signed it."""

    user_id: int
    login: str
    via: str  # "session" | "token"
    client: str
    must_change_password: bool = False
    session_secret: str | None = None
    csrf_token: str | None = None

    def user(self, session: Session) -> User:
        """The caller's account, loaded in this session."""
        return session.get_one(User, self.user_id)


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def client_address(request: Request) -> str:
    """The client's address as the audit trail records it."""
    return request.client.host if request.client else ""


def _identify(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    secret: Annotated[str | None, Depends(cookie)],
) -> Caller:
    runtime: Runtime = request.app.state.runtime
    client = client_address(request)
    if credentials is not None:
        # A refused token is an audit event; a good one notes its last use at most once a minute.
        user = look_up_token(runtime.factory, credentials.credentials, client=client)
        if user is None:
            raise AuthenticationFailed("auth.token_invalid")
        return Caller(user.id, user.login, "token", client, user.must_change_password)
    if not secret:
        raise AuthenticationFailed("auth.required")
    idle = timedelta(minutes=runtime.settings.session_idle_minutes)
    active = look_up_session(runtime.factory, secret, idle=idle)
    if active is None:
        raise AuthenticationFailed("auth.session_ended")
    user = active.user
    if request.method not in SAFE_METHODS and not csrf_ok(active, request.headers.get(CSRF_HEADER)):
        raise denied(
            user,
            "auth.csrf",
            action="csrf",
            object_type="request",
            object_id=f"{request.method} {request.url.path}"[:100],
            client=client,
        )  # recorded by the app's error handler
    return Caller(
        user.id, user.login, "session", client, user.must_change_password, secret, active.csrf_token
    )


def signed_in(caller: Annotated[Caller, Depends(_identify)]) -> Caller:
    """Any authenticated caller, even one who must still change a one-time password."""
    return caller


def current_user(caller: Annotated[Caller, Depends(_identify)]) -> Caller:
    """The authenticated caller, once they have replaced any one-time password."""
    if caller.must_change_password:
        raise AccessDenied("password.must_change")
    return caller


SignedIn = Annotated[Caller, Depends(signed_in)]
CurrentUser = Annotated[Caller, Depends(current_user)]


def from_another_site(request: Request) -> bool:
    """Whether a browser says this request was sent by a page of another site (login CSRF).

    Signing in sets a cookie, so a page elsewhere could sign a visitor into an account of its choosing
    (whose later uploads or requests it then reads). Browsers say where a POST comes from: Sec-Fetch-Site
    first (it holds behind a proxy that rewrites Host), else the sending page's Origin against the host
    asked for (Host, or X-Forwarded-Host from a proxy). A request with neither is not from a browser page.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return False
    hosts = {request.headers.get(name, "").lower() for name in ("host", "x-forwarded-host")} - {""}
    return origin == "null" or urlsplit(origin).netloc.lower() not in hosts


def sign_in(
    runtime: Runtime, *, login: str, password: str, client: str
) -> tuple[LoginResult, NewWebSession | None]:
    """Check the password (lockout and audit included) and open a session when it is right; committed.

    A refusal is always `login.failed`, whose words mention the lock: answering `login.locked` would tell
    anyone which logins are real accounts (an unknown login never locks). The trail keeps the real reason.
    """
    settings = runtime.settings
    with runtime.factory() as session, session.begin():
        result = authenticate(
            session,
            login=login,
            password=password,
            client=client,
            max_failures=settings.login_max_failures,
            lockout=timedelta(minutes=settings.login_lockout_minutes),
        )
        new = None
        if result.ok and result.user is not None:
            new = start_session(
                session, user=result.user, client=client, max_age=timedelta(hours=settings.session_max_hours)
            )
    if not result.ok:
        result = replace(result, reason_code="login.failed")
    return result, new


def cookie_is_secure(request: Request, settings: Settings) -> bool:
    """Whether the session cookie gets the Secure flag (see the module docstring)."""
    if settings.cookie_secure != "auto":
        return settings.cookie_secure == "always"
    return not (request.url.scheme == "http" and (request.url.hostname or "") in LOOPBACK)


def set_session_cookie(response: Response, request: Request, settings: Settings, new: NewWebSession) -> None:
    """Hand the browser its session secret."""
    response.set_cookie(
        SESSION_COOKIE,
        new.secret,
        max_age=settings.session_max_hours * 3600,
        path="/",
        httponly=True,
        samesite="strict",
        secure=cookie_is_secure(request, settings),
    )


def clear_session_cookie(response: Response, request: Request, settings: Settings) -> None:
    """Tell the browser to forget the session."""
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=cookie_is_secure(request, settings)
    )
