"""Pages: sign in, sign out, change one's password, switch language (remembered in a cookie)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from access.login import change_password
from access.sessions import end_session, end_user_sessions, start_session
from api.auth import clear_session_cookie, client_address, from_another_site, set_session_cookie, sign_in
from api.web import LANG_COOKIE, LANGUAGES, render
from api.web.session import AnyViewer, MaybeViewer, RuntimeDep, keep_refusal
from core.errors import DanganError

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=1000)]


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, me: MaybeViewer, next: str = "/") -> Response:
    if me is not None and not me.must_change_password:
        return RedirectResponse(_safe_next(next), status_code=303)  # already signed in
    return render(request, "auth/login.html", next=_safe_next(next), errors={}, login="")


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request, rt: RuntimeDep, login: Text = "", password: Text = "", next: Text = "/"
) -> HTMLResponse:
    errors = {}
    if from_another_site(request):
        return render(
            request,
            "auth/login.html",
            status_code=403,
            next="/",
            errors={"form": "auth.cross_site"},
            login="",
        )
    if not login.strip():
        errors["login"] = "ui.error.required"
    if not password:
        errors["password"] = "ui.error.required"
    if not errors:
        result, new = sign_in(rt, login=login.strip(), password=password, client=client_address(request))
        if new is not None:
            target = "/password" if result.must_change_password else _safe_next(next)
            response = RedirectResponse(target, status_code=303)
            set_session_cookie(response, request, rt.settings, new)
            return response
        errors["form"] = result.reason_code
    return render(
        request, "auth/login.html", status_code=400, next=_safe_next(next), errors=errors, login=login
    )


@router.post("/logout")
def logout(request: Request, me: AnyViewer, rt: RuntimeDep) -> RedirectResponse:
    if me.session_secret:
        with rt.factory() as session, session.begin():
            end_session(session, secret=me.session_secret, client=me.client)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request, rt.settings)
    return response


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, me: AnyViewer) -> HTMLResponse:
    return render(request, "auth/password.html", errors={}, done=False)


@router.post("/password")
def password(
    request: Request,
    me: AnyViewer,
    rt: RuntimeDep,
    old_password: Text = "",
    new_password: Text = "",
    confirm: Text = "",
) -> Response:
    errors = {}
    if new_password != confirm:
        errors["confirm"] = "ui.password.mismatch"
    settings = rt.settings
    new = None
    if not errors:
        try:
            with rt.factory() as session, session.begin():
                user = me.user(session)
                change_password(
                    session,
                    user=user,
                    old_password=old_password,
                    new_password=new_password,
                    min_password_length=settings.password_min_length,
                    client=me.client,
                )
                end_user_sessions(session, user)
                if me.session_secret:
                    new = start_session(
                        session,
                        user=user,
                        client=me.client,
                        max_age=timedelta(hours=settings.session_max_hours),
                    )
        except DanganError as error:
            keep_refusal(rt, error)
            field = "old_password" if error.code == "password.wrong" else "new_password"
            errors[field] = error.code
            errors["params"] = error.params
    if errors:
        return render(request, "auth/password.html", status_code=400, errors=errors, done=False)
    # Done: on to the workbench, which says so (a one-time password's holder was kept here until now).
    response = RedirectResponse("/?password=changed", status_code=303)
    if new is not None:
        set_session_cookie(response, request, settings, new)
    return response


@router.post("/language")
def switch_language(request: Request, lang: Text = "zh-CN", next: Text = "/") -> RedirectResponse:
    """Remember the chosen language for a year (a preference, not a credential)."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, path="/", samesite="lax")
    return response
